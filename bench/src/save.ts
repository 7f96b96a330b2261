import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { handleRequest, scanInteractions, VCR } from '@vcrjs/core'
import { SnapshotAgent } from 'undici'
import { fixturePaths } from './fixtures.js'
import { benchInteraction } from './interactions.js'
import { collectGarbage, median } from './stats.js'

export const SAVE_SUBJECTS = ['vcrjs-yaml', 'vcrjs-json', 'snapshot'] as const
export type SaveSubjectName = (typeof SAVE_SUBJECTS)[number]

export interface SaveResult {
  subject: SaveSubjectName
  size: number
  /** The whole save (for vcrjs: the secret scan, serialising, writing), median of the runs. */
  ms: number
  runs: number[]
  /** vcrjs only: `scanInteractions` over the same interactions alone, median of the runs (part of `ms`). */
  scanMs?: number
}

/**
 * Time to save a cassette of `size` interactions: vcrjs ejecting a cassette
 * that recorded them (serialising and writing the file), SnapshotAgent's
 * `saveSnapshots` of the same interactions.
 */
export async function measureSave(subject: SaveSubjectName, fixtures: string, size: number, origin: string, repeats: number): Promise<SaveResult> {
  const dir = await mkdtemp(join(tmpdir(), 'vcrjs-bench-save-'))
  const runs: number[] = []
  const scans: number[] = []
  try {
    for (let run = 0; run <= repeats; run++) {
      const { save, scan } = subject === 'snapshot' ? { save: await snapshotSave(fixtures, dir, size, run), scan: undefined } : await vcrSave(subject, dir, size, origin, run)
      collectGarbage()
      const scanStart = performance.now()
      scan?.()
      const scanned = performance.now() - scanStart
      collectGarbage()
      const start = performance.now()
      await save()
      // The first save warms the serializer up and is not counted.
      if (run > 0) {
        runs.push(performance.now() - start)
        if (scan) scans.push(scanned)
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return { subject, size, ms: median(runs), runs, ...(scans.length > 0 ? { scanMs: median(scans) } : {}) }
}

async function vcrSave(
  subject: 'vcrjs-yaml' | 'vcrjs-json',
  dir: string,
  size: number,
  origin: string,
  run: number,
): Promise<{ save: () => Promise<void>; scan: () => void }> {
  const vcr = new VCR({ cassetteLibraryDir: dir, serializer: subject === 'vcrjs-yaml' ? 'yaml' : 'json' })
  const cassette = await vcr.insertCassette(`save-${run}`, { recordMode: 'all' })
  for (let index = 0; index < size; index++) {
    const interaction = benchInteraction(index)
    await handleRequest({
      cassette,
      request: { method: 'GET', url: `${origin}${interaction.path}`, headers: interaction.requestHeaders, body: null },
      sendReal: async () => ({ status: interaction.status, headers: interaction.responseHeaders, body: interaction.body }),
    })
  }
  const interactions = cassette.requests.map((request, index) => ({ request, response: cassette.responses[index]! }))
  // The save runs the same scan (secretScan: 'error' by default); timed alone, it is the scan's share of the save.
  return { save: () => cassette.eject(), scan: () => void scanInteractions(interactions) }
}

async function snapshotSave(fixtures: string, dir: string, size: number, run: number): Promise<() => Promise<void>> {
  const agent = new SnapshotAgent({ mode: 'playback', snapshotPath: fixturePaths(fixtures, size).snapshot })
  await agent.loadSnapshots()
  return async () => {
    await agent.saveSnapshots(join(dir, `save-${run}.json`))
    agent.clearSnapshots()
    await agent.close()
  }
}
