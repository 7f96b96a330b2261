import { defineConfig } from 'tsup'
import base from '../../tsup.base'

// Two entries, the user API and '@vcrjs/core/adapter', sharing one copy of the
// core in both formats (splitting is on for CJS too), so a cassette and the
// adapter entry's classes are the same ones.
export default defineConfig({ ...base, entry: ['src/index.ts', 'src/adapter.ts'], splitting: true })
