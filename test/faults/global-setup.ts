import { fileURLToPath } from 'node:url'
import { build } from 'tsup'

/** Where the bundled child writer lands; fault tests spawn `node` on it (a fresh tsx process costs about a second of CPU). */
export const WRITER = fileURLToPath(new URL('../../.tmp/faults/writer.mjs', import.meta.url))

/** Bundles children/writer.ts with the core's source, so the children run the code under test. */
export default async function setup(): Promise<void> {
  await build({
    entry: { writer: fileURLToPath(new URL('./children/writer.ts', import.meta.url)) },
    outDir: fileURLToPath(new URL('../../.tmp/faults/', import.meta.url)),
    format: ['esm'],
    outExtension: () => ({ js: '.mjs' }),
    platform: 'node',
    target: 'node20',
    dts: false,
    clean: false,
    silent: true,
    noExternal: [/.*/],
    config: false,
  })
}
