import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { handleRequest, VCR } from '@vcrjs/core'
import { closedOrigin } from './matching.js'
import { streamingClient } from './streaming-clients.js'
import { median } from './stats.js'

/** The clients the replay throughput rows go through. */
export const STREAM_REPLAY_CLIENTS = ['fetch', 'undici.request', 'node:http'] as const
export type StreamReplayClientName = (typeof STREAM_REPLAY_CLIENTS)[number]

/** `chunked`: the cassette as vcrjs records it, with its chunk data; `whole`: the same cassette without it (as vcrpy, Ruby VCR or an older vcrjs would have it). */
export type StreamReplayVariant = 'chunked' | 'whole'

export interface StreamReplayResult {
  client: StreamReplayClientName
  variant: StreamReplayVariant
  events: number
  bodyBytes: number
  /** Chunks the client handed over (the events, one by one, or all at once). */
  chunks: number
  repetitions: number
  /** Medians over the repetitions, from the request's start. */
  firstChunkMs: number
  lastChunkMs: number
  eventsPerSecond: number
  megabytesPerSecond: number
}

/** One SSE event of an LLM completion, as OpenAI's chat completions stream them. */
function sseEvent(index: number): string {
  return `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764460800,"model":"gpt-bench","choices":[{"index":0,"delta":{"content":"token ${index} "}}]}\n\n`
}

const WARM_UP = 1

/**
 * Replays a `events`-event SSE response with `replayTiming: 'instant'`
 * through one client, from the cassette vcrjs writes when it records the
 * events chunk by chunk and from the same cassette without its chunk data,
 * the two alternated. Both cassettes are made in this process before any
 * timing: the first by vcrjs's own recording path, fed the events one chunk
 * each (a real socket would merge some), the second from its JSON with
 * `response.stream` removed. Their URL points at a closed port, so a replay
 * that leaked to the network would fail.
 */
export async function measureStreamReplay(name: StreamReplayClientName, events: number, repetitions: number): Promise<StreamReplayResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'vcrjs-bench-stream-replay-'))
  try {
    const url = `${await closedOrigin()}/v1/chat/completions`
    const body = await writeSseCassettes(dir, url, events)
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json' })
    const variants = await Promise.all(
      (['chunked', 'whole'] as const).map(async (variant) => {
        const cassette = await vcr.insertCassette(`sse-${variant}.json`, { recordMode: 'none', allowPlaybackRepeats: true, replayTiming: 'instant' })
        return { variant, cassette, client: streamingClient(name, cassette), first: [] as number[], last: [] as number[], chunks: 0 }
      }),
    )
    try {
      for (let at = 0; at < WARM_UP + repetitions; at++) {
        for (const row of at % 2 === 0 ? variants : [...variants].reverse()) {
          const start = performance.now()
          const chunks = await row.client.open(url)
          let firstMs = 0
          let count = 0
          let bytes = 0
          for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
            if (count++ === 0) firstMs = performance.now() - start
            bytes += Buffer.byteLength(next.value)
          }
          const lastMs = performance.now() - start
          if (bytes !== body.length) throw new Error(`${name} ${row.variant}: replayed ${bytes} bytes, expected ${body.length}`)
          if (at < WARM_UP) continue
          row.first.push(firstMs)
          row.last.push(lastMs)
          row.chunks = count
        }
      }
    } finally {
      for (const row of variants) {
        await row.client.close()
        await row.cassette.eject()
      }
    }
    return variants.map((row): StreamReplayResult => {
      const lastChunkMs = median(row.last)
      return {
        client: name,
        variant: row.variant,
        events,
        bodyBytes: body.length,
        chunks: row.chunks,
        repetitions,
        firstChunkMs: median(row.first),
        lastChunkMs,
        eventsPerSecond: events / (lastChunkMs / 1000),
        megabytesPerSecond: body.length / 1e6 / (lastChunkMs / 1000),
      }
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Writes sse-chunked.json and sse-whole.json (see `measureStreamReplay`); returns the body. */
async function writeSseCassettes(dir: string, url: string, events: number): Promise<Buffer> {
  const chunks = Array.from({ length: events }, (_, index) => Buffer.from(sseEvent(index)))
  const cassette = await new VCR({ cassetteLibraryDir: dir, serializer: 'json' }).insertCassette('sse-chunked.json', { recordMode: 'all' })
  await handleRequest({
    cassette,
    // A GET, as the clients of streaming-clients.ts send (the real APIs take a POST; matching is not what is measured here).
    request: { method: 'GET', url, headers: {}, body: null },
    sendReal: async () => ({
      status: 200,
      headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
      body: (async function* () {
        yield* chunks
      })(),
    }),
  })
  await cassette.eject()
  const file = JSON.parse(await readFile(join(dir, 'sse-chunked.json'), 'utf8')) as { interactions: { response: { stream?: { chunks: unknown[] } } }[] }
  const response = file.interactions[0]!.response
  if (response.stream?.chunks.length !== events) throw new Error(`the recorded cassette holds ${response.stream?.chunks.length} chunks, expected ${events}`)
  delete response.stream
  await writeFile(join(dir, 'sse-whole.json'), JSON.stringify(file))
  return Buffer.concat(chunks)
}
