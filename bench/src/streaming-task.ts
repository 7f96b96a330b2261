import type { StreamingClientName } from './streaming-clients.js'
import { measureFirstChunk } from './streaming-first-chunk.js'
import { measureMemory, type MemoryClientName, type MemoryStep } from './streaming-memory.js'
import { measureStreamReplay, type StreamReplayClientName } from './streaming-replay.js'

/** The streaming rows' measurements, each run in a fresh child process like every other (see task.ts). */
export type StreamingTask =
  | { kind: 'streaming-first-chunk'; client: StreamingClientName; repetitions: number }
  | { kind: 'streaming-replay'; client: StreamReplayClientName; events: number; repetitions: number }
  | { kind: 'streaming-memory'; client: MemoryClientName; step: MemoryStep; dir: string; bodyBytes: number }

export function isStreamingTask(task: { kind: string }): task is StreamingTask {
  return task.kind.startsWith('streaming-')
}

export function streamingTaskLabel(task: StreamingTask): string {
  return task.kind === 'streaming-memory' ? `${task.kind} ${task.client} ${task.step}` : `${task.kind} ${task.client}`
}

export function runStreamingTask(task: StreamingTask): Promise<unknown> {
  switch (task.kind) {
    case 'streaming-first-chunk':
      return measureFirstChunk(task.client, task.repetitions)
    case 'streaming-replay':
      return measureStreamReplay(task.client, task.events, task.repetitions)
    case 'streaming-memory':
      return measureMemory(task.client, task.step, task.dir, task.bodyBytes)
  }
}
