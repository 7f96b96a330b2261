import { defineConfig } from 'vitest/config'

// `pnpm test:consumers`: projects built from the packed tarballs and installed
// with npm (no workspace aliases), each test runner run for real.
export default defineConfig({
  test: {
    include: ['test/consumers/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
})
