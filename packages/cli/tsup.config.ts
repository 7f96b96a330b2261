import { defineConfig } from 'tsup'
import base from '../../tsup.base'

// A command, not a library: one ESM file with its shebang kept, no types.
export default defineConfig({
  ...base,
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
})
