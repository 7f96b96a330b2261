import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { STREAMING_CLIENTS } from './streaming-clients.js'
import type { FirstChunkResult } from './streaming-first-chunk.js'
import { MEMORY_CLIENTS, type MemoryResult } from './streaming-memory.js'
import { STREAM_REPLAY_CLIENTS, type StreamReplayResult } from './streaming-replay.js'
import type { StreamingTask } from './streaming-task.js'

/** The streaming rows (issue #15), which `--only=streaming` measures apart from the rest: hence their own date and load. */
export interface StreamingRun {
  date: string
  loadAverage: { start: number; end: number }
  /** Measured with `--quick`: fewer requests and a smaller large body, for trying changes out. */
  quick: boolean
  firstChunk: FirstChunkResult[]
  replay: StreamReplayResult[]
  memory: MemoryResult[]
}

export const SSE_REPLAY_EVENTS = 10_000

/** Runs every streaming measurement, each in a fresh child process through `runChild` (main.ts). */
export async function measureStreaming(runChild: <T>(task: StreamingTask) => Promise<T>, quick: boolean): Promise<StreamingRun> {
  const loadAtStart = loadavg()[0]!
  const firstChunk: FirstChunkResult[] = []
  for (const client of STREAMING_CLIENTS) {
    firstChunk.push(await runChild<FirstChunkResult>({ kind: 'streaming-first-chunk', client, repetitions: quick ? 15 : 60 }))
  }
  const replay: StreamReplayResult[] = []
  for (const client of STREAM_REPLAY_CLIENTS) {
    replay.push(...(await runChild<StreamReplayResult[]>({ kind: 'streaming-replay', client, events: SSE_REPLAY_EVENTS, repetitions: quick ? 3 : 10 })))
  }
  const memory: MemoryResult[] = []
  const bodyBytes = quick ? 10_000_000 : 100_000_000
  const dir = await mkdtemp(join(tmpdir(), 'vcrjs-bench-memory-'))
  try {
    for (const client of MEMORY_CLIENTS) {
      for (const step of ['live', 'record', 'replay'] as const) {
        memory.push(await runChild<MemoryResult>({ kind: 'streaming-memory', client, step, dir, bodyBytes }))
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return { date: new Date().toISOString(), loadAverage: { start: loadAtStart, end: loadavg()[0]! }, quick, firstChunk, replay, memory }
}
