import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import { Agent, type Dispatcher } from 'undici'
import { startTestServer } from '../../test/support/server.js'
import { REQUEST_HEADERS } from './interactions.js'
import { collectGarbage, percentile } from './stats.js'

export interface RecordResult {
  requests: number
  rounds: number
  /** Mean time of a fetch with no recorder, in microseconds. */
  baselineUs: number
  /** Mean time of the same fetch while vcrjs records it (saving excluded, see `saveMs`). */
  recordingUs: number
  baselineP50Us: number
  recordingP50Us: number
  /** `recordingUs / baselineUs - 1`. */
  overhead: number
  /** Time to save the cassette of every interaction recorded, at eject. */
  saveMs: number
  savedInteractions: number
}

/**
 * Recording overhead: the same fetches to the local test server with no
 * recorder and with vcrjs recording, alternated request by request (in
 * alternating order) so the machine's other work hits both alike. Both go
 * through an undici Agent with keep-alive, the real dispatcher vcrjs itself
 * uses. The first round warms both paths up and is not counted.
 */
export async function measureRecord(requests: number, rounds: number): Promise<RecordResult> {
  const server = await startTestServer()
  const dir = await mkdtemp(join(tmpdir(), 'vcrjs-bench-record-'))
  const plain = new Agent()
  const vcr = new VCR({ cassetteLibraryDir: dir })
  const cassette = await vcr.insertCassette('record.yaml', { recordMode: 'all' })
  const recording = vcrDispatcher(cassette)
  const baselineTimes: number[] = []
  const recordingTimes: number[] = []
  try {
    for (let round = 0; round <= rounds; round++) {
      collectGarbage()
      for (let at = 0; at < requests; at++) {
        const url = server.url(`/text?round=${round}&i=${at}`)
        const first = at % 2 === 0
        const a = await timeFetch(url, first ? plain : recording)
        const b = await timeFetch(url, first ? recording : plain)
        if (round === 0) continue
        baselineTimes.push(first ? a : b)
        recordingTimes.push(first ? b : a)
      }
    }
    const recorded = cassette.length
    if (recorded !== requests * (rounds + 1)) throw new Error(`recorded ${recorded} interactions, expected ${requests * (rounds + 1)}`)
    const saveStart = performance.now()
    await cassette.eject()
    const saveMs = performance.now() - saveStart
    const baselineUs = mean(baselineTimes) * 1000
    const recordingUs = mean(recordingTimes) * 1000
    return {
      requests,
      rounds,
      baselineUs,
      recordingUs,
      baselineP50Us: percentile(baselineTimes.sort((x, y) => x - y), 0.5) * 1000,
      recordingP50Us: percentile(recordingTimes.sort((x, y) => x - y), 0.5) * 1000,
      overhead: recordingUs / baselineUs - 1,
      saveMs,
      savedInteractions: recorded,
    }
  } finally {
    await recording.close()
    await plain.close()
    await server.close()
    await rm(dir, { recursive: true, force: true })
  }
}

async function timeFetch(url: string, dispatcher: Dispatcher): Promise<number> {
  const start = performance.now()
  // `dispatcher` is undici's extension to fetch's options, honoured by Node's global fetch.
  const response = await fetch(url, { headers: REQUEST_HEADERS, dispatcher } as RequestInit & { dispatcher: Dispatcher })
  await response.text()
  return performance.now() - start
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length
}
