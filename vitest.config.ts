import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const packages = fileURLToPath(new URL("./packages/", import.meta.url))

// Each Node leg tests the client majors that run on it: undici 7 and got 14 on
// Node 20, undici 8 and got 16 on Node 24. The root installs both under alias
// names; this maps the plain names for the tests and for the adapters' source
// alike, so an adapter is exercised against the client the leg names.
const modern = Number(process.versions.node.split('.')[0]) >= 22
export const CLIENT_MAJORS = modern ? { undici: 'undici8', got: 'got16' } : { undici: 'undici7', got: 'got14' }

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@vcrjs\/core\/adapter$/, replacement: `${packages}core/src/adapter.ts` },
      { find: /^@vcrjs\/core\/runner$/, replacement: `${packages}core/src/runner.ts` },
      { find: /^@vcrjs\/(core|undici|axios|got|http|vitest|jest|node-test)$/, replacement: `${packages}$1/src/index.ts` },
      { find: /^undici$/, replacement: CLIENT_MAJORS.undici },
      { find: /^got$/, replacement: CLIENT_MAJORS.got },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/interop/**', 'test/faults/**', 'test/consumers/**', '**/node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The settings vcrjs reads from the environment are the caller's, not the
    // tests': CI services set CI (the runner integrations then default to
    // record mode 'none') and a developer may export VCR_RECORD_MODE. Tests
    // that exercise either stub it themselves.
    env: { CI: '', VCR_RECORD_MODE: '' },
  },
})
