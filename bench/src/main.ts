import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFixtures } from './fixtures.js'
import { LOAD_SUBJECTS, type LoadResult } from './load.js'
import { closedOrigin, MATCHING_SIZES, type MatchingResult, writeMatchingFixtures } from './matching.js'
import type { RecordResult } from './record.js'
import type { ReplayResult } from './replay.js'
import { REPLAY_SUBJECTS, type ReplaySubjectName } from './replay-subjects.js'
import { type BenchResults, checkTargets, type MatchingRun, renderReport } from './report.js'
import { measureRunners } from './runners.js'
import { SAVE_SUBJECTS, type SaveResult } from './save.js'
import { measureStreaming } from './streaming.js'
import { isStreamingTask, streamingTaskLabel } from './streaming-task.js'
import type { Task } from './task.js'

/**
 * `pnpm bench`: builds the vcrjs packages, generates the cassettes, runs every
 * measurement in a fresh process, prints the report and writes
 * bench/results.json and bench/RESULTS.md. `--quick` stops at 1,000
 * interactions, for trying changes out (and writes no RESULTS.md).
 * `--only=matching` measures only the matching rows and writes them into the
 * last full run's results.json and RESULTS.md, the other rows kept as they were;
 * `--only=streaming` the same with the streaming rows (with `--quick`, fewer
 * requests and a 10 MB body instead of 100 MB, printed and not written);
 * `--only=runners` the same with the runner-integration rows (with `--quick`,
 * fewer tests and runs, printed and not written).
 */
const quick = process.argv.includes('--quick')
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
const ONLY = ['matching', 'streaming', 'runners']
if (only !== undefined && !ONLY.includes(only)) throw new Error(`Unknown --only=${only}; the filters are ${ONLY.map((name) => `--only=${name}`).join(', ')}`)
const SIZES = quick ? [10, 1_000] : [10, 1_000, 10_000, 50_000]
const SAVE_SIZE = quick ? 1_000 : 10_000
/** The cassette the peers that scan their interceptors (nock) or record slowly (Polly) are compared on. */
const PEER_SIZE = 2_000
const RECORD_REQUESTS = 2_000
const SIZE_REPLAY_SUBJECTS: readonly ReplaySubjectName[] = ['floor-fetch', 'vcrjs-fetch', 'snapshot-fetch']

const benchDir = fileURLToPath(new URL('..', import.meta.url))
const childScript = fileURLToPath(new URL('child.ts', import.meta.url))

/** The matching rows, measured together in one process (see `measureMatching`). */
async function measureMatchingRows(dir: string, origin: string): Promise<MatchingRun> {
  const loadAtStart = loadavg()[0]!
  const results = await runChild<MatchingResult[]>({ kind: 'matching', dir, origin })
  return { date: new Date().toISOString(), loadAverage: { start: loadAtStart, end: loadavg()[0]! }, results }
}

async function onlyMatching(): Promise<void> {
  const resultsPath = join(benchDir, 'results.json')
  const previous = JSON.parse(await readFile(resultsPath, 'utf8').catch(() => 'null')) as (BenchResults & { targets?: unknown }) | null
  if (!previous) throw new Error(`--only=matching adds its rows to the last full run's ${resultsPath}, which is missing: run pnpm bench first`)
  const dir = await mkdtemp(join(tmpdir(), 'vcrjs-bench-'))
  try {
    const origin = await closedOrigin()
    progress(`generating the matching cassettes of ${MATCHING_SIZES.join(', ')} interactions in ${dir}`)
    await writeMatchingFixtures(dir, MATCHING_SIZES, origin)
    const { targets: _, ...kept } = previous
    const results: BenchResults = { ...kept, matching: await measureMatchingRows(dir, origin) }
    const report = renderReport(results)
    process.stdout.write(`\n${report}`)
    await writeFile(resultsPath, `${JSON.stringify({ ...results, targets: checkTargets(results) }, null, 2)}\n`)
    await writeResults(report)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function onlyStreaming(): Promise<void> {
  const resultsPath = join(benchDir, 'results.json')
  const previous = JSON.parse(await readFile(resultsPath, 'utf8').catch(() => 'null')) as (BenchResults & { targets?: unknown }) | null
  if (!previous) throw new Error(`--only=streaming adds its rows to the last full run's ${resultsPath}, which is missing: run pnpm bench first`)
  const { targets: _, ...kept } = previous
  const results: BenchResults = { ...kept, streaming: await measureStreaming(runChild, quick) }
  const report = renderReport(results)
  process.stdout.write(`\n${report}`)
  if (quick) return
  await writeFile(resultsPath, `${JSON.stringify({ ...results, targets: checkTargets(results) }, null, 2)}\n`)
  await writeResults(report)
}

async function onlyRunners(): Promise<void> {
  const resultsPath = join(benchDir, 'results.json')
  const previous = JSON.parse(await readFile(resultsPath, 'utf8').catch(() => 'null')) as (BenchResults & { targets?: unknown }) | null
  if (!previous) throw new Error(`--only=runners adds its rows to the last full run's ${resultsPath}, which is missing: run pnpm bench first`)
  const dir = await mkdtemp(join(tmpdir(), 'vcrjs-bench-'))
  try {
    const { targets: _, ...kept } = previous
    const results: BenchResults = { ...kept, runners: await measureRunners(dir, runChild, progress, quick) }
    const report = renderReport(results)
    process.stdout.write(`\n${report}`)
    if (quick) return
    await writeFile(resultsPath, `${JSON.stringify({ ...results, targets: checkTargets(results) }, null, 2)}\n`)
    await writeResults(report)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const started = performance.now()
  const loadAtStart = loadavg()[0]!
  const dir = await mkdtemp(join(tmpdir(), 'vcrjs-bench-'))
  try {
    progress(`generating cassettes of ${[...SIZES, PEER_SIZE].join(', ')} interactions in ${dir}`)
    const origin = await writeFixtures(dir, SIZES, PEER_SIZE)
    await writeMatchingFixtures(dir, MATCHING_SIZES, origin)

    const load: LoadResult[] = []
    for (const size of SIZES) {
      for (const subject of LOAD_SUBJECTS) {
        load.push(await runChild<LoadResult>({ kind: 'load', subject, dir, size, repeats: size >= 50_000 ? 1 : 5 }))
      }
    }

    const replay: ReplayResult[] = []
    for (const subject of REPLAY_SUBJECTS) replay.push(await runChild<ReplayResult>({ kind: 'replay', subject, dir, size: PEER_SIZE, origin }))
    for (const size of SIZES) {
      for (const subject of SIZE_REPLAY_SUBJECTS) replay.push(await runChild<ReplayResult>({ kind: 'replay', subject, dir, size, origin }))
    }

    const matching = await measureMatchingRows(dir, origin)

    const runners = await measureRunners(dir, runChild, progress, quick)

    const record = await runChild<RecordResult>({ kind: 'record', requests: RECORD_REQUESTS, rounds: 3 })

    const save: SaveResult[] = []
    for (const subject of SAVE_SUBJECTS) save.push(await runChild<SaveResult>({ kind: 'save', subject, dir, size: SAVE_SIZE, origin, repeats: 2 }))

    const streaming = await measureStreaming(runChild, quick)

    const results: BenchResults = {
      date: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        cpuModel: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        loadAverage: { start: loadAtStart, end: loadavg()[0]! },
      },
      durationSeconds: (performance.now() - started) / 1000,
      sizes: SIZES,
      peerSize: PEER_SIZE,
      load,
      replay,
      matching,
      runners,
      record,
      save,
      streaming,
    }
    const report = renderReport(results)
    process.stdout.write(`\n${report}`)
    await writeFile(join(benchDir, 'results.json'), `${JSON.stringify({ ...results, targets: checkTargets(results) }, null, 2)}\n`)
    if (!quick) await writeResults(report)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const NOTES_MARKER = '<!-- notes: kept when pnpm bench rewrites this file -->'

/** Writes bench/RESULTS.md: this run's report, then the notes written by hand below the marker, if any. */
async function writeResults(report: string): Promise<void> {
  const path = join(benchDir, 'RESULTS.md')
  const previous = await readFile(path, 'utf8').catch(() => '')
  const at = previous.indexOf(NOTES_MARKER)
  const notes = at === -1 ? `${NOTES_MARKER}\n` : previous.slice(at)
  await writeFile(path, `# vcrjs benchmarks\n\nWritten by \`pnpm bench\` (bench/src/main.ts); the raw figures are in results.json.\n\n${report}\n${notes}`)
}

/** Runs one task in a fresh Node process with `--expose-gc`, under the same tsx loader as this one. */
function runChild<T>(task: Task): Promise<T> {
  const label = isStreamingTask(task) ? streamingTaskLabel(task) : 'subject' in task ? `${task.kind} ${task.subject} ${task.size}` : task.kind
  progress(label)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', '--disable-warning=ExperimentalWarning', childScript, JSON.stringify(task)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => (out += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? ''
      if (code !== 0) return reject(new Error(`${label} exited with ${code}:\n${out}`))
      resolve(JSON.parse(last) as T)
    })
  })
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`)
}

await (only === 'matching' ? onlyMatching() : only === 'streaming' ? onlyStreaming() : only === 'runners' ? onlyRunners() : main())
