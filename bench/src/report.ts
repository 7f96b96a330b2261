import type { LoadResult, LoadSubjectName } from './load.js'
import { MATCHING_LABELS, MATCHING_PASSES, MATCHING_SIZES, type MatchingResult } from './matching.js'
import type { RecordResult } from './record.js'
import { MEASURED_PASSES, type ReplayResult, REPLAY_REQUESTS } from './replay.js'
import { type ReplaySubjectName, SUBJECT_LABELS } from './replay-subjects.js'
import { renderRunners, runnerTargets } from './runner-report.js'
import type { RunnersRun } from './runners.js'
import type { SaveResult, SaveSubjectName } from './save.js'
import type { StreamingRun } from './streaming.js'
import { renderStreaming, streamingTargets } from './streaming-report.js'

export interface Machine {
  cpus: number
  cpuModel: string
  node: string
  platform: string
  /** One-minute load average when the bench started and when it ended. */
  loadAverage: { start: number; end: number }
}

export interface BenchResults {
  date: string
  machine: Machine
  durationSeconds: number
  sizes: number[]
  peerSize: number
  load: LoadResult[]
  replay: ReplayResult[]
  /** Absent from runs made before the matching rows existed. */
  matching?: MatchingRun | undefined
  /** Absent from runs made before the runner-integration rows existed; `--only=runners` measures them alone. */
  runners?: RunnersRun | undefined
  record: RecordResult
  save: SaveResult[]
  /** Absent from runs made before the streaming rows existed. */
  streaming?: StreamingRun | undefined
}

/** The matching rows, which `--only=matching` measures apart from the rest: hence their own date and load. */
export interface MatchingRun {
  date: string
  loadAverage: { start: number; end: number }
  results: MatchingResult[]
}

export interface TargetCheck {
  target: string
  measured: string
  met: boolean
}

const LOAD_LABELS: Record<LoadSubjectName, string> = {
  'vcrjs-yaml': 'vcrjs, YAML',
  'vcrjs-json': 'vcrjs, JSON',
  snapshot: 'undici SnapshotAgent, its JSON',
}

const SAVE_LABELS: Record<SaveSubjectName, string> = {
  'vcrjs-yaml': 'vcrjs, YAML (eject)',
  'vcrjs-json': 'vcrjs, JSON (eject)',
  snapshot: 'undici SnapshotAgent (saveSnapshots)',
}

const TARGET_SIZE = 10_000

export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = []
  const replay = (subject: ReplaySubjectName, size: number) => results.replay.find((r) => r.subject === subject && r.size === size)
  const ratios = results.sizes.flatMap((size) => {
    const vcr = replay('vcrjs-fetch', size)
    const floor = replay('floor-fetch', size)
    return vcr && floor ? [{ size, ratio: vcr.meanUs / floor.meanUs }] : []
  })
  if (ratios.length > 0) {
    const worst = Math.max(...ratios.map((r) => r.ratio))
    checks.push({
      target: 'replay through fetch within 1.3x of the bare MockAgent floor (mean per request, every size)',
      measured: ratios.map((r) => `${fmtInt(r.size)}: ${r.ratio.toFixed(2)}x`).join(', '),
      met: worst <= 1.3,
    })
  }
  const smallest = replay('vcrjs-fetch', Math.min(...results.sizes))
  const largest = replay('vcrjs-fetch', Math.max(...results.sizes))
  if (smallest && largest && smallest !== largest) {
    const ratio = largest.meanUs / smallest.meanUs
    checks.push({
      target: `replay flat with cassette size: ${fmtInt(largest.size)} interactions at most 1.2x the per-request time of ${fmtInt(smallest.size)}`,
      measured: `${largest.meanUs.toFixed(0)} µs vs ${smallest.meanUs.toFixed(0)} µs = ${ratio.toFixed(2)}x`,
      met: ratio <= 1.2,
    })
  }
  checks.push(...matchingTargets(results.matching))
  checks.push(...runnerTargets(results.runners))
  const load = (subject: LoadSubjectName) => results.load.find((r) => r.subject === subject && r.size === TARGET_SIZE)
  const yaml = load('vcrjs-yaml')
  const json = load('vcrjs-json')
  const snapshot = load('snapshot')
  if (yaml && json && snapshot) {
    checks.push({
      target: `load + index ${fmtInt(TARGET_SIZE)} from YAML no slower than SnapshotAgent from its JSON`,
      measured: `${yaml.ms.toFixed(0)} ms vs ${snapshot.ms.toFixed(0)} ms`,
      met: yaml.ms <= snapshot.ms,
    })
    checks.push({
      target: `load + index ${fmtInt(TARGET_SIZE)} from JSON at least 4x faster than SnapshotAgent`,
      measured: `${json.ms.toFixed(0)} ms vs ${snapshot.ms.toFixed(0)} ms = ${(snapshot.ms / json.ms).toFixed(1)}x faster`,
      met: snapshot.ms / json.ms >= 4,
    })
    for (const loaded of [yaml, json]) {
      checks.push({
        target: `heap of a loaded ${fmtInt(TARGET_SIZE)} ${loaded.subject === 'vcrjs-yaml' ? 'YAML' : 'JSON'} cassette at most 3x its file size`,
        measured: `${mb(loaded.heldBytes)} MB for a ${mb(loaded.fileBytes)} MB file = ${(loaded.heldBytes / loaded.fileBytes).toFixed(2)}x`,
        met: loaded.heldBytes <= 3 * loaded.fileBytes,
      })
    }
  }
  const rec = results.record
  checks.push({
    target: 'recording overhead under 10% of the request time against the local server',
    measured: `${pct(rec.overhead)} (${rec.recordingUs.toFixed(0)} µs vs ${rec.baselineUs.toFixed(0)} µs per request; p50 ${pct(rec.recordingP50Us / rec.baselineP50Us - 1)})`,
    met: rec.overhead < 0.1,
  })
  for (const saved of results.save.filter((s) => s.subject !== 'snapshot' && s.size === TARGET_SIZE)) {
    checks.push({
      target: `saving a ${fmtInt(TARGET_SIZE)}-interaction ${saved.subject === 'vcrjs-yaml' ? 'YAML' : 'JSON'} cassette in under 1 s`,
      measured: `${saved.ms.toFixed(0)} ms`,
      met: saved.ms < 1000,
    })
    if (saved.scanMs !== undefined) {
      const share = saved.scanMs / (saved.ms - saved.scanMs)
      checks.push({
        target: `secret scan of a ${fmtInt(TARGET_SIZE)}-interaction ${saved.subject === 'vcrjs-yaml' ? 'YAML' : 'JSON'} cassette under 10% of the save without it`,
        measured: `${saved.scanMs.toFixed(0)} ms of ${saved.ms.toFixed(0)} ms = ${pct(share)}`,
        met: share < 0.1,
      })
    }
  }
  checks.push(...streamingTargets(results.streaming))
  return checks
}

function matchingTargets(matching: MatchingRun | undefined): TargetCheck[] {
  if (!matching) return []
  const row = (subject: MatchingResult['subject'], size: number) => matching.results.find((r) => r.subject === subject && r.size === size)
  const ratios = MATCHING_SIZES.flatMap((size) => {
    const body = row('body', size)
    const byDefault = row('default', size)
    return body && byDefault ? [{ size, ratio: body.meanUs / byDefault.meanUs }] : []
  })
  const checks: TargetCheck[] = []
  if (ratios.length > 0) {
    checks.push({
      target: 'body matching on one URL within 1.2x of default matching (mean per request through fetch, every size)',
      measured: ratios.map((r) => `${fmtInt(r.size)}: ${r.ratio.toFixed(2)}x`).join(', '),
      met: Math.max(...ratios.map((r) => r.ratio)) <= 1.2,
    })
  }
  const smallest = row('body', Math.min(...MATCHING_SIZES))
  const largest = row('body', Math.max(...MATCHING_SIZES))
  if (smallest && largest) {
    const ratio = largest.meanUs / smallest.meanUs
    checks.push({
      target: `body matching flat with cassette size: ${fmtInt(largest.size)} interactions at most 1.2x the per-request time of ${fmtInt(smallest.size)}`,
      measured: `${largest.meanUs.toFixed(0)} µs vs ${smallest.meanUs.toFixed(0)} µs = ${ratio.toFixed(2)}x`,
      met: ratio <= 1.2,
    })
  }
  return checks
}

/** The whole report as Markdown: what `pnpm bench` prints and what bench/RESULTS.md holds. */
export function renderReport(results: BenchResults): string {
  const { machine } = results
  const lines: string[] = []
  lines.push(`Run on ${results.date} in ${results.durationSeconds.toFixed(0)} s: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}.`)
  lines.push(
    `One-minute load average ${machine.loadAverage.start.toFixed(2)} at the start and ${machine.loadAverage.end.toFixed(2)} at the end ` +
      `(${busyness(machine)}). Absolute times move with the machine's load; the ratios to the floor and to the peers, measured in the same run, are the robust figures.`,
  )
  lines.push('', '## Targets', '', table(['target', 'measured', 'met'], checkTargets(results).map((c) => [c.target, c.measured, c.met ? 'yes' : '**no**'])))

  const floorOf = (size: number) => results.replay.find((r) => r.subject === 'floor-fetch' && r.size === size)
  const replayRow = (r: ReplayResult) => {
    const floor = floorOf(r.size)
    return [SUBJECT_LABELS[r.subject], fmtInt(Math.round(r.requestsPerSecond)), r.meanUs.toFixed(0), r.p50Us.toFixed(0), r.p99Us.toFixed(0), floor ? `${(r.meanUs / floor.meanUs).toFixed(2)}x` : '']
  }
  const replayHead = ['tool (client)', 'req/s', 'mean µs', 'p50 µs', 'p99 µs', 'x floor']

  lines.push('', `## Replay: ${fmtInt(REPLAY_REQUESTS)} sequential requests, every tool, on a ${fmtInt(results.peerSize)}-interaction cassette (fastest of ${MEASURED_PASSES} passes after a warm-up pass)`, '')
  lines.push(table(replayHead, results.replay.filter((r) => r.size === results.peerSize).map(replayRow)))
  lines.push(
    '',
    'Polly.js\'s node-http adapter hooks Node\'s `http` module, which global fetch does not use, so it is measured through axios; Polly\'s fetch adapter stands for it on the fetch row. ' +
      '"x floor" compares with the bare MockAgent through fetch, whatever the client.',
  )

  lines.push('', `## Replay through fetch by cassette size (${fmtInt(REPLAY_REQUESTS)} requests; smaller cassettes are played round after round)`, '')
  lines.push(table(['interactions', ...replayHead], results.sizes.flatMap((size) => results.replay.filter((r) => r.size === size).map((r) => [fmtInt(size), ...replayRow(r)]))))

  const { matching } = results
  if (matching) {
    lines.push(
      '',
      `## Matching on the body, every request to one URL, next to default matching (${fmtInt(REPLAY_REQUESTS)} POSTs with a JSON body through fetch and vcrDispatcher; each request's fastest of ${MATCHING_PASSES} passes after a warm-up pass, the rows alternated request by request)`,
      '',
    )
    lines.push(
      table(
        ['interactions', 'matching', 'req/s', 'mean µs', 'p50 µs', 'p99 µs', 'x default'],
        matching.results.map((r) => {
          const byDefault = matching.results.find((d) => d.subject === 'default' && d.size === r.size)
          return [
            fmtInt(r.size),
            MATCHING_LABELS[r.subject],
            fmtInt(Math.round(r.requestsPerSecond)),
            r.meanUs.toFixed(0),
            r.p50Us.toFixed(0),
            r.p99Us.toFixed(0),
            byDefault ? `${(r.meanUs / byDefault.meanUs).toFixed(2)}x` : '',
          ]
        }),
      ),
    )
    lines.push(
      '',
      `Both cassettes hold the same GraphQL-style POSTs (a ~250-byte JSON body each); only the URL (one per interaction, or one for all) and \`matchOn\` differ. ` +
        `Measured ${matching.date}, one-minute load average ${matching.loadAverage.start.toFixed(2)} to ${matching.loadAverage.end.toFixed(2)}.`,
    )
  }

  if (results.runners) lines.push(...renderRunners(results.runners, table))

  lines.push('', '## Load + index (time until the cassette can answer its first request; best of the warm loads after a first, cold one)', '')
  lines.push(
    table(
      ['interactions', 'format', 'file MB', 'load ms', 'first load ms', 'x SnapshotAgent', 'held MB', 'held / file'],
      results.load.map((r) => {
        const snapshot = results.load.find((s) => s.subject === 'snapshot' && s.size === r.size)
        return [
          fmtInt(r.size),
          LOAD_LABELS[r.subject],
          mb(r.fileBytes),
          r.ms.toFixed(1),
          r.coldMs.toFixed(1),
          snapshot ? `${(r.ms / snapshot.ms).toFixed(2)}x` : '',
          mb(r.heldBytes),
          `${(r.heldBytes / r.fileBytes).toFixed(2)}x`,
        ]
      }),
    ),
  )
  lines.push('', '"held" is the JS heap plus external memory (Buffers) the loaded cassette keeps after garbage collection.')

  const rec = results.record
  lines.push(
    '',
    `## Record: ${fmtInt(rec.requests)} fetches to the local test server (test/support/server.ts, same process) per mode, ${rec.rounds} rounds, the two modes alternated request by request`,
    '',
  )
  lines.push(
    table(
      ['', 'mean µs', 'p50 µs', 'overhead (mean)'],
      [
        ['no recorder (undici Agent)', rec.baselineUs.toFixed(0), rec.baselineP50Us.toFixed(0), ''],
        ['vcrjs recording (vcrDispatcher)', rec.recordingUs.toFixed(0), rec.recordingP50Us.toFixed(0), pct(rec.overhead)],
      ],
    ),
  )
  lines.push('', `Saving the ${fmtInt(rec.savedInteractions)} interactions recorded (warm-up round included) at eject took ${rec.saveMs.toFixed(0)} ms, not counted above.`)

  lines.push('', '## Save', '')
  lines.push(
    table(
      ['interactions', 'tool', 'ms', 'of which secret scan ms'],
      results.save.map((s) => [fmtInt(s.size), SAVE_LABELS[s.subject], s.ms.toFixed(0), s.scanMs === undefined ? '' : s.scanMs.toFixed(0)]),
    ),
  )
  lines.push(...renderStreaming(results.streaming))
  return `${lines.join('\n')}\n`
}

function busyness(machine: Machine): string {
  const worst = Math.max(machine.loadAverage.start, machine.loadAverage.end)
  return worst < 0.5 ? 'the machine was otherwise idle' : `the machine was NOT idle: other work was running`
}

export function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

export function fmtInt(value: number): string {
  return value.toLocaleString('en-US')
}

export function mb(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1)
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`
}
