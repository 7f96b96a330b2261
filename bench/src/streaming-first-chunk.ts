import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VCR } from '@vcrjs/core'
import { type StreamingClient, streamingClient, type StreamingClientName } from './streaming-clients.js'
import { SSE_EVENTS, startStreamingServer } from './streaming-server.js'
import { percentile } from './stats.js'

/** Times of one mode over the measured requests, in milliseconds from the request's start. */
export interface ChunkTimes {
  firstP50Ms: number
  firstP90Ms: number
  firstMeanMs: number
  /** When the body ended (the last event arrives `SSE_GAP_MS` after the one before). */
  lastP50Ms: number
  /**
   * Requests whose first chunk held more than the first event: a client held
   * back until the body ended would count every request here; live, it takes
   * a stall of the process longer than the gap between events.
   */
  merged: number
}

export interface FirstChunkResult {
  client: StreamingClientName
  /** Measured requests per mode, warm-up excluded. */
  repetitions: number
  live: ChunkTimes
  recording: ChunkTimes
}

const WARM_UP = 5

/**
 * Time to first chunk of the SSE response (streaming-server.ts) through one
 * client, live and while vcrjs records (record mode `all`: every request goes
 * to the server and is stored), the two alternated request by request in
 * alternating order so the machine's other work weighs on both alike. Each
 * request is timed from the call that starts it to the first body chunk the
 * client hands over, then read to its end. The server runs in this process,
 * as in the record rows.
 */
export async function measureFirstChunk(name: StreamingClientName, repetitions: number): Promise<FirstChunkResult> {
  const server = await startStreamingServer()
  const dir = await mkdtemp(join(tmpdir(), 'vcrjs-bench-first-chunk-'))
  const cassette = await new VCR({ cassetteLibraryDir: dir }).insertCassette('first-chunk.yaml', { recordMode: 'all' })
  const live = streamingClient(name, undefined)
  const recording = streamingClient(name, cassette)
  const times = { live: newTimes(), recording: newTimes() }
  try {
    const url = server.url('/sse')
    for (let at = 0; at < WARM_UP + repetitions; at++) {
      const order = at % 2 === 0 ? (['live', 'recording'] as const) : (['recording', 'live'] as const)
      for (const mode of order) {
        const timed = await timeStream(mode === 'live' ? live : recording, url)
        if (at < WARM_UP) continue
        times[mode].first.push(timed.firstMs)
        times[mode].last.push(timed.lastMs)
        if (timed.merged) times[mode].merged++
      }
    }
    // Proves the recording rows recorded: one interaction per request, none passed through or replayed.
    if (cassette.length !== WARM_UP + repetitions) throw new Error(`${name}: recorded ${cassette.length} interactions, expected ${WARM_UP + repetitions}`)
    return { client: name, repetitions, live: summary(times.live), recording: summary(times.recording) }
  } finally {
    await live.close()
    await recording.close()
    await cassette.eject()
    await server.close()
    await rm(dir, { recursive: true, force: true })
  }
}

function newTimes(): { first: number[]; last: number[]; merged: number } {
  return { first: [], last: [], merged: 0 }
}

async function timeStream(client: StreamingClient, url: string): Promise<{ firstMs: number; lastMs: number; merged: boolean }> {
  const start = performance.now()
  const chunks = await client.open(url)
  const first = await chunks.next()
  const firstMs = performance.now() - start
  let text = first.done ? '' : Buffer.from(first.value).toString()
  if (!SSE_EVENTS[0]!.startsWith(text) && !text.startsWith(SSE_EVENTS[0]!)) throw new Error(`the first chunk was ${JSON.stringify(text)}`)
  const merged = text.length > SSE_EVENTS[0]!.length
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) text += Buffer.from(next.value).toString()
  const lastMs = performance.now() - start
  if (text !== SSE_EVENTS.join('')) throw new Error(`the body was ${JSON.stringify(text)}`)
  return { firstMs, lastMs, merged }
}

function summary(times: { first: number[]; last: number[]; merged: number }): ChunkTimes {
  const first = [...times.first].sort((a, b) => a - b)
  return {
    firstP50Ms: percentile(first, 0.5),
    firstP90Ms: percentile(first, 0.9),
    firstMeanMs: first.reduce((sum, time) => sum + time, 0) / first.length,
    lastP50Ms: percentile([...times.last].sort((a, b) => a - b), 0.5),
    merged: times.merged,
  }
}
