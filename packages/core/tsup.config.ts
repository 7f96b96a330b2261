import { defineConfig } from 'tsup'
import base from '../../tsup.base'

// Three entries, the user API, '@vcrjs/core/adapter' and '@vcrjs/core/runner' (what
// the test-runner integrations share), sharing one copy of the core in both formats
// (splitting is on for CJS too), so a cassette and the entries' classes are the same ones.
export default defineConfig({ ...base, entry: ['src/index.ts', 'src/adapter.ts', 'src/runner.ts'], splitting: true })
