import { stat } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { VCR } from '@vcrjs/core'
import { SnapshotAgent } from 'undici'
import { fixturePaths } from './fixtures.js'
import { collectGarbage, heldBytes } from './stats.js'

export const LOAD_SUBJECTS = ['vcrjs-yaml', 'vcrjs-json', 'snapshot'] as const
export type LoadSubjectName = (typeof LOAD_SUBJECTS)[number]

export interface LoadResult {
  subject: LoadSubjectName
  size: number
  fileBytes: number
  /** The first load in a fresh process: module code not yet optimised. */
  coldMs: number
  /** The fastest of the loads after it: the one the machine's other work disturbed least. */
  ms: number
  runs: number[]
  /** Heap and external memory the loaded cassette holds, after garbage collection. */
  heldBytes: number
}

type Loaded = { release(): Promise<void> }

/** Loads the cassette and indexes it, ready to answer its first request. */
async function load(subject: LoadSubjectName, dir: string, size: number): Promise<Loaded> {
  const paths = fixturePaths(dir, size)
  if (subject === 'snapshot') {
    // The constructor starts loading `snapshotPath` on its own; pointing it at
    // a missing file lets the measured `loadSnapshots` be the only real load.
    const agent = new SnapshotAgent({ mode: 'playback', snapshotPath: `${paths.snapshot}.absent` })
    await agent.loadSnapshots(paths.snapshot)
    // close() saves the snapshots to `snapshotPath`; clearing first keeps it from writing the file the next load reads.
    return { release: () => (agent.clearSnapshots(), agent.close()) }
  }
  const path = subject === 'vcrjs-yaml' ? paths.vcrYaml : paths.vcrJson
  const vcr = new VCR({ cassetteLibraryDir: dirname(path), serializer: subject === 'vcrjs-yaml' ? 'yaml' : 'json' })
  const cassette = await vcr.insertCassette(basename(path), { recordMode: 'none' })
  return { release: () => cassette.eject() }
}

export async function measureLoad(subject: LoadSubjectName, dir: string, size: number, repeats: number): Promise<LoadResult> {
  const paths = fixturePaths(dir, size)
  const file = subject === 'snapshot' ? paths.snapshot : subject === 'vcrjs-yaml' ? paths.vcrYaml : paths.vcrJson
  const fileBytes = (await stat(file)).size

  collectGarbage()
  const before = heldBytes()
  let start = performance.now()
  const first = await load(subject, dir, size)
  const coldMs = performance.now() - start
  collectGarbage()
  const held = heldBytes() - before
  await first.release()

  const runs: number[] = []
  for (let run = 0; run < repeats; run++) {
    collectGarbage()
    start = performance.now()
    const loaded = await load(subject, dir, size)
    runs.push(performance.now() - start)
    await loaded.release()
  }
  return { subject, size, fileBytes, coldMs, ms: Math.min(...runs), runs, heldBytes: held }
}
