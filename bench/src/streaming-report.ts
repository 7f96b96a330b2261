import { fmtInt, mb, table, type TargetCheck } from './report.js'
import { STREAMING_CLIENT_LABELS } from './streaming-clients.js'
import { HELD_GC_SHARE, HELD_SAMPLE_MS, type MemoryPhase, type MemoryResult, SAMPLE_MS } from './streaming-memory.js'
import type { StreamingRun } from './streaming.js'
import { SSE_EVENTS, SSE_GAP_MS } from './streaming-server.js'

/** Recording's time to first chunk may be this many times live's, plus `FIRST_CHUNK_SLACK_MS` (issue #15). */
const FIRST_CHUNK_RATIO = 1.1
const FIRST_CHUNK_SLACK_MS = 2

export function streamingTargets(run: StreamingRun | undefined): TargetCheck[] {
  if (!run) return []
  const checks: TargetCheck[] = run.firstChunk.map((row) => {
    const limit = row.live.firstP50Ms * FIRST_CHUNK_RATIO + FIRST_CHUNK_SLACK_MS
    return {
      target: `time to first chunk while recording within ${FIRST_CHUNK_RATIO}x + ${FIRST_CHUNK_SLACK_MS} ms of live (p50 over ${row.repetitions} requests): ${STREAMING_CLIENT_LABELS[row.client]}`,
      measured: `${ms(row.recording.firstP50Ms)} ms vs ${ms(row.live.firstP50Ms)} ms live (limit ${ms(limit)} ms)`,
      met: row.recording.firstP50Ms <= limit,
    }
  })
  for (const recorded of run.memory.filter((r) => r.step === 'record')) {
    const recording = phaseOf(recorded, 'recording')
    const live = run.memory.find((r) => r.client === recorded.client && r.step === 'live')
    const liveRead = live && phaseOf(live, 'live read')
    if (!recording || !liveRead) continue
    const limit = recorded.bodyBytes + liveRead.peakHeapBytes
    checks.push({
      target:
        `recording a ${mb(recorded.bodyBytes)} MB streamed body through ${STREAMING_CLIENT_LABELS[recorded.client]} holds at most one copy of the body plus the client's own buffering ` +
        '(peak heap + ArrayBuffers over the baseline at most 1x the body plus the same read\'s peak with no vcrjs)',
      measured: `${times(recording.peakHeapBytes, recorded.bodyBytes)} the body vs a limit of ${times(limit, recorded.bodyBytes)}`,
      met: recording.peakHeapBytes <= limit,
    })
  }
  return checks
}

/** The streaming sections of the report, after the others. */
export function renderStreaming(run: StreamingRun | undefined): string[] {
  if (!run) return []
  const lines: string[] = []
  const measured =
    `Measured ${run.date}${run.quick ? ' with `--quick` (fewer requests, a smaller large body)' : ''}, ` +
    `one-minute load average ${run.loadAverage.start.toFixed(2)} to ${run.loadAverage.end.toFixed(2)}; every row in a fresh child process.`

  const reps = run.firstChunk[0]?.repetitions ?? 0
  lines.push('', `## Streaming: time to first chunk, live and while recording (${fmtInt(reps)} requests each, after 5 warm-ups, the two alternated request by request)`, '')
  lines.push(
    table(
      ['client', 'live p50 ms', 'recording p50 ms', 'recording / live', 'live p90 ms', 'recording p90 ms', 'body end p50 ms, live / recording', 'first chunk held more than the first event, live / recording'],
      run.firstChunk.map((row) => [
        STREAMING_CLIENT_LABELS[row.client],
        ms(row.live.firstP50Ms),
        ms(row.recording.firstP50Ms),
        `${(row.recording.firstP50Ms / row.live.firstP50Ms).toFixed(2)}x`,
        ms(row.live.firstP90Ms),
        ms(row.recording.firstP90Ms),
        `${ms(row.live.lastP50Ms)} / ${ms(row.recording.lastP50Ms)}`,
        `${row.live.merged} / ${row.recording.merged}`,
      ]),
    ),
  )
  lines.push(
    '',
    `A local SSE server on 127.0.0.1, in the measuring process (bench/src/streaming-server.ts), sends the head, the first event in a write of its own just after it, ` +
      `then ${SSE_EVENTS.length - 1} more events ${SSE_GAP_MS} ms apart. Each request is timed from the call that starts it to the first body chunk the client hands over, ` +
      'then read to its end. "Live" is the client alone with its own defaults; "recording" the same client through vcrjs with its defaults (record mode `all`, every request stored; ' +
      "node:http through `vcrAgent(cassette, { protocol: 'http' })`, which unlike Node's global agent does not keep connections alive, as axios's http transport does through vcrjs). " +
      'A recorder that held the body back until it ended would put every event in the first chunk (last column) and make the first chunk as late as the body end. ' +
      `The target compares the p50s. ${measured}`,
  )

  const events = run.replay[0]?.events ?? 0
  lines.push('', `## Streaming: replay of a ${fmtInt(events)}-event SSE response, \`replayTiming: 'instant'\` (median of ${run.replay[0]?.repetitions ?? 0} replays after a warm-up)`, '')
  lines.push(
    table(
      ['client', 'cassette', 'chunks delivered', 'first chunk ms', 'last chunk ms', 'events/s', 'MB/s'],
      run.replay.map((row) => [
        STREAMING_CLIENT_LABELS[row.client],
        row.variant === 'chunked' ? 'with chunk data' : 'without chunk data (one chunk)',
        fmtInt(row.chunks),
        ms(row.firstChunkMs),
        ms(row.lastChunkMs),
        fmtInt(Math.round(row.eventsPerSecond)),
        row.megabytesPerSecond.toFixed(1),
      ]),
    ),
  )
  lines.push(
    '',
    `One interaction whose body is ${fmtInt(events)} OpenAI-style \`data: {...}\` events (${mb(run.replay[0]?.bodyBytes ?? 0)} MB), recorded by vcrjs one event per chunk; ` +
      'the same cassette with its `response.stream` removed (as vcrpy, Ruby VCR or an older vcrjs would have it) replays as one chunk. ' +
      'Times from the request\'s start; the URL is a closed port, so nothing reaches the network.',
  )

  const body = run.memory[0]?.bodyBytes ?? 0
  lines.push('', `## Streaming: memory recording and replaying a ${mb(body)} MB body (multiples of the body size over the process's baseline)`, '')
  lines.push(
    table(
      ['client', 'step (process)', 'phase', 'ms', 'heap + ArrayBuffers at start', 'heap + ArrayBuffers peak', 'held peak (after gc)', 'RSS peak'],
      run.memory.flatMap((result) =>
        result.phases.map((phase) => [
          STREAMING_CLIENT_LABELS[result.client],
          result.step,
          phase.phase,
          fmtInt(Math.round(phase.ms)),
          times(phase.startHeapBytes, result.bodyBytes),
          times(phase.peakHeapBytes, result.bodyBytes),
          times(phase.heldHeapBytes, result.bodyBytes),
          times(phase.peakRssBytes, result.bodyBytes),
        ]),
      ),
    ),
  )
  const file = run.memory.find((r) => r.fileBytes !== undefined)?.fileBytes
  lines.push(
    '',
    `The server (in the same process, bench/src/streaming-server.ts) sends ${mb(body)} MB of SSE-shaped text, chunked in 64 KiB writes at the pace the client reads; ` +
      'the client reads each chunk and drops it. Three fresh child processes per client: "live" reads the body with no vcrjs (the client\'s own buffering, for reference); ' +
      '"record" records it (record mode `all`) until the client has the whole body, then saves the cassette at eject' +
      (file === undefined ? '' : ` (a ${mb(file)} MB YAML file)`) +
      '; "replay" loads that cassette and replays it. ' +
      `Method: \`--expose-gc\`, garbage collected before the baseline and before each phase; heap used + ArrayBuffers (\`process.memoryUsage()\`) sampled every ${SAMPLE_MS} ms on the main thread between its turns and at the phase's end ` +
      `("peak", garbage not yet collected included), and right after a forced full collection every ${HELD_SAMPLE_MS} ms or ${HELD_GC_SHARE} times the last collection's duration, whichever is longer ("held peak"); ` +
      `these two can miss a peak inside one long synchronous call, such as serialising or parsing the YAML. RSS is sampled every ${SAMPLE_MS} ms from a worker thread, which also sees inside those calls. ` +
      'RSS rarely shrinks once grown, so a phase\'s RSS peak includes what earlier phases of the same process left resident. ' +
      `Target while recording (issue #15): at most one copy of the body plus the client's own buffering. ${measured}`,
  )
  return lines
}

function phaseOf(result: MemoryResult, name: MemoryPhase['phase']): MemoryPhase | undefined {
  return result.phases.find((phase) => phase.phase === name)
}

function times(bytes: number, body: number): string {
  return `${(bytes / body).toFixed(2)}x (${mb(bytes)} MB)`
}

function ms(value: number): string {
  return value.toFixed(value < 10 ? 2 : 1)
}
