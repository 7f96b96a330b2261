import { defineConfig } from 'vitest/config'
import base from './vitest.config.js'

// `pnpm test:interop`: cassettes shared with the real vcrpy and Ruby VCR. The
// main config excludes test/interop/; this one runs only it, with the same
// aliases (so each Node leg tests its own undici and got majors).
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/interop/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
