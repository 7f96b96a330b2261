import { defineConfig } from 'vitest/config'
import base from './vitest.config.js'

// `pnpm test:faults`: the fault-injection suite (test/faults/): killed
// writers, a full disk and a read-only folder (tmpfs mounts: it must run as
// root, as CI does), two processes writing one cassette, hostile input,
// prototype-named headers and every spelling of a secret through every client. The main config excludes it.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/faults/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['test/faults/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
