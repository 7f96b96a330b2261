import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { type Cassette, VCR } from '@vcrjs/core'
import { streamingClient, type StreamingClientName } from './streaming-clients.js'
import { startStreamingServer } from './streaming-server.js'
import { collectGarbage } from './stats.js'

/** The clients the large-body memory rows go through. */
export const MEMORY_CLIENTS = ['fetch', 'undici.request'] as const satisfies readonly StreamingClientName[]
export type MemoryClientName = (typeof MEMORY_CLIENTS)[number]

/**
 * One child process each: `live` reads the body with no vcrjs (the client's
 * own buffering, for reference); `record` records it and saves the cassette
 * into the bench's directory; `replay` loads that cassette and replays it.
 */
export type MemoryStep = 'live' | 'record' | 'replay'

export type MemoryPhaseName = 'live read' | 'recording' | 'saving' | 'loading' | 'replaying'

/** Bytes over the baseline the process had before its first phase (after garbage collection). */
export interface MemoryPhase {
  phase: MemoryPhaseName
  ms: number
  /** JS heap used plus ArrayBuffers (Buffers), after garbage collection at the phase's start. */
  startHeapBytes: number
  /** The highest JS heap used plus ArrayBuffers seen during the phase, garbage not yet collected included. */
  peakHeapBytes: number
  /** The highest JS heap used plus ArrayBuffers right after a forced garbage collection: what the phase held. */
  heldHeapBytes: number
  /** The highest resident set size seen during the phase. */
  peakRssBytes: number
}

export interface MemoryResult {
  client: MemoryClientName
  step: MemoryStep
  bodyBytes: number
  /** The cassette file, for `record` and `replay`. */
  fileBytes?: number
  phases: MemoryPhase[]
}

/** How often the samplers read the memory, in milliseconds. */
export const SAMPLE_MS = 1
/**
 * How often the main thread collects garbage and reads what is left, in
 * milliseconds: at most this often, and at least `HELD_GC_SHARE` times the
 * last collection's duration apart, so that collecting a large heap (a loaded
 * 100 MB cassette) does not become most of the phase.
 */
export const HELD_SAMPLE_MS = 25
export const HELD_GC_SHARE = 10

/**
 * Runs the phases of one step and samples their memory: the resident set
 * size from a worker thread every `SAMPLE_MS` (it is the process's, and the
 * worker keeps sampling while the main thread is busy in a long synchronous
 * call such as serialising or parsing the cassette), and the main thread's
 * heap used plus ArrayBuffers on a `SAMPLE_MS` interval and at the end of each
 * phase, and again right after a forced garbage collection every
 * `HELD_SAMPLE_MS` or more (these two only between the main thread's turns, so a
 * peak inside one synchronous call can be missed). Garbage is collected
 * before the baseline and before each phase.
 */
export async function measureMemory(client: MemoryClientName, step: MemoryStep, dir: string, bodyBytes: number): Promise<MemoryResult> {
  const name = `big-${client.replace('.', '-')}.yaml`
  const vcr = new VCR({ cassetteLibraryDir: dir })
  const server = step === 'replay' ? undefined : await startStreamingServer()
  const sampler = await startSampler()
  try {
    const phases: MemoryPhase[] = []
    const run = async (phase: MemoryPhaseName, work: () => Promise<void>) => phases.push(await sampler.phase(phase, work))
    switch (step) {
      case 'live': {
        const live = streamingClient(client, undefined)
        await run('live read', () => readAll(live.open(server!.url(`/big?bytes=${bodyBytes}`)), bodyBytes))
        await live.close()
        break
      }
      case 'record': {
        const cassette = await vcr.insertCassette(name, { recordMode: 'all' })
        const recording = streamingClient(client, cassette)
        // Until the client has the whole body: by then the interaction is in the cassette (bench checks it below).
        await run('recording', () => readAll(recording.open(server!.url(`/big?bytes=${bodyBytes}`)), bodyBytes))
        if (cassette.length !== 1) throw new Error(`recorded ${cassette.length} interactions, expected 1`)
        await recording.close()
        await run('saving', () => cassette.eject())
        break
      }
      case 'replay': {
        let cassette!: Cassette
        await run('loading', async () => {
          cassette = await vcr.insertCassette(name, { recordMode: 'none', replayTiming: 'instant' })
        })
        const replaying = streamingClient(client, cassette)
        // The recorded URL, on a port closed since the recording child exited.
        await run('replaying', () => readAll(replaying.open(cassette.requests[0]!.url), bodyBytes))
        await replaying.close()
        await cassette.eject()
        break
      }
    }
    return { client, step, bodyBytes, ...(step !== 'live' && { fileBytes: (await stat(join(dir, name))).size }), phases }
  } finally {
    await sampler.stop()
    await server?.close()
  }
}

/** Reads a body to its end, keeping nothing, as a client that processes each chunk and drops it. */
async function readAll(opened: Promise<AsyncIterator<Uint8Array | string>>, expected: number): Promise<void> {
  const chunks = await opened
  let bytes = 0
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) bytes += Buffer.byteLength(next.value)
  if (bytes !== expected) throw new Error(`read ${bytes} bytes, expected ${expected}`)
}

interface Sampler {
  phase(name: MemoryPhaseName, work: () => Promise<void>): Promise<MemoryPhase>
  stop(): Promise<void>
}

/** The worker that samples the RSS: the highest value since the last reset, in a shared slot. */
const RSS_SAMPLER = `
const { workerData } = require('node:worker_threads')
const peak = new Float64Array(workerData.shared)
setInterval(() => {
  const rss = process.memoryUsage.rss()
  if (rss > peak[0]) peak[0] = rss
}, workerData.everyMs)
`

async function startSampler(): Promise<Sampler> {
  const shared = new SharedArrayBuffer(8)
  const peakRss = new Float64Array(shared)
  // A plain script: the bench's TypeScript loader has nothing to do in it.
  const worker = new Worker(RSS_SAMPLER, { eval: true, execArgv: [], workerData: { shared, everyMs: SAMPLE_MS } })
  await new Promise((resolve, reject) => worker.once('online', resolve).once('error', reject))
  const heap = () => {
    const usage = process.memoryUsage()
    return usage.heapUsed + usage.arrayBuffers
  }
  collectGarbage()
  const baseHeap = heap()
  const baseRss = process.memoryUsage.rss()
  return {
    async phase(name, work) {
      collectGarbage()
      const startHeap = heap()
      let peakHeap = startHeap
      let heldHeap = startHeap
      peakRss[0] = process.memoryUsage.rss()
      const sample = () => {
        const now = heap()
        if (now > peakHeap) peakHeap = now
      }
      const sampleHeld = () => {
        sample()
        const collecting = performance.now()
        collectGarbage()
        const now = heap()
        if (now > heldHeap) heldHeap = now
        return performance.now() - collecting
      }
      const every = setInterval(sample, SAMPLE_MS)
      let held: NodeJS.Timeout
      const nextHeld = (wait: number) => (held = setTimeout(() => nextHeld(Math.max(HELD_SAMPLE_MS, HELD_GC_SHARE * sampleHeld())), wait))
      nextHeld(HELD_SAMPLE_MS)
      const start = performance.now()
      try {
        await work()
      } finally {
        clearInterval(every)
        clearTimeout(held!)
      }
      const ms = performance.now() - start
      sampleHeld()
      const rss = Math.max(peakRss[0]!, process.memoryUsage.rss())
      return {
        phase: name,
        ms,
        startHeapBytes: startHeap - baseHeap,
        peakHeapBytes: peakHeap - baseHeap,
        heldHeapBytes: heldHeap - baseHeap,
        peakRssBytes: rss - baseRss,
      }
    },
    stop: () => worker.terminate().then(() => undefined),
  }
}
