import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import { Agent, type Dispatcher, setGlobalDispatcher } from 'undici'
import { startTestServer, type TestServer } from '../../test/support/server.js'
import { REQUEST_HEADERS } from './interactions.js'
import { median } from './stats.js'

export interface RecordResult {
  requests: number
  rounds: number
  /** Median time of a round of `requests` sequential fetches, no recorder. */
  baselineMs: number
  /** The same with a vcrjs cassette recording every request (saving excluded, see `saveMs`). */
  recordingMs: number
  overhead: number
  /** Median time to save a cassette of the `requests` interactions just recorded. */
  saveMs: number
}

/**
 * Recording overhead: rounds of the same sequential fetches against the
 * local test server, with no recorder and with vcrjs recording, alternated
 * so machine noise hits both alike. Both go through an undici Agent with
 * keep-alive, the real dispatcher vcrjs itself uses.
 */
export async function measureRecord(requests: number, rounds: number): Promise<RecordResult> {
  const server = await startTestServer()
  const dir = await mkdtemp(join(tmpdir(), 'vcrjs-bench-record-'))
  const vcr = new VCR({ cassetteLibraryDir: dir })
  const baseline: number[] = []
  const recording: number[] = []
  const saves: number[] = []
  try {
    // Round 0 warms both paths up and is not counted.
    for (let round = 0; round <= rounds; round++) {
      const plain = new Agent()
      const plainMs = await timeRound(server, plain, requests)
      await plain.close()

      const cassette = await vcr.insertCassette(`record-${round}.yaml`, { recordMode: 'all' })
      const dispatcher = vcrDispatcher(cassette)
      const recordMs = await timeRound(server, dispatcher, requests)
      const saveStart = performance.now()
      await cassette.eject()
      const saveMs = performance.now() - saveStart
      await dispatcher.close()
      if (cassette.length !== requests) throw new Error(`recorded ${cassette.length} interactions, expected ${requests}`)

      if (round === 0) continue
      baseline.push(plainMs)
      recording.push(recordMs)
      saves.push(saveMs)
    }
  } finally {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  }
  const baselineMs = median(baseline)
  const recordingMs = median(recording)
  return { requests, rounds, baselineMs, recordingMs, overhead: recordingMs / baselineMs - 1, saveMs: median(saves) }
}

async function timeRound(server: TestServer, dispatcher: Dispatcher, requests: number): Promise<number> {
  setGlobalDispatcher(dispatcher)
  const start = performance.now()
  for (let at = 0; at < requests; at++) {
    const response = await fetch(server.url(`/text?i=${at}`), { headers: REQUEST_HEADERS })
    await response.text()
  }
  return performance.now() - start
}
