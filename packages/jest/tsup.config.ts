import { defineConfig } from 'tsup'
import base from '../../tsup.base'

// `@vcrjs/jest/environment` runs in Jest's outer realm, `@vcrjs/jest` in the test realm: two entries.
export default defineConfig({ ...base, entry: ['src/index.ts', 'src/environment.ts'] })
