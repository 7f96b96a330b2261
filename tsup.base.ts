// The one build every @vcrjs package shares: ESM + CJS + .d.ts for Node 20.
import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  sourcemap: true,
  // VcrError's instanceof reads class names; keep them whatever the bundler renames.
  keepNames: true,
})
