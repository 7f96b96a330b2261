import { RUNNER_COST_LABELS, RUNNER_COST_PASSES } from './runner-cost.js'
import { REQUESTS_PER_TEST, TESTS_PER_FILE } from './runner-fixtures.js'
import { RUNNER_SUITE_LABELS } from './runner-suite.js'
import type { TargetCheck } from './report.js'
import type { RunnersRun } from './runners.js'

const SUITE_TARGET = 1.2

export function runnerTargets(runners: RunnersRun | undefined): TargetCheck[] {
  if (!runners) return []
  const { suite } = runners
  const vcr = suite.variants.find((v) => v.variant === 'vcrjs')
  const mock = suite.variants.find((v) => v.variant === 'mockagent')
  if (!vcr || !mock) return []
  const ratio = vcr.medianWallMs / mock.medianWallMs
  return [
    {
      target: `a ${suite.tests}-test vitest suite replaying through setupVcr within ${SUITE_TARGET}x of the same suite with MockAgent replies (median wall time)`,
      measured: `${seconds(vcr.medianWallMs)} s vs ${seconds(mock.medianWallMs)} s = ${ratio.toFixed(2)}x`,
      met: ratio <= SUITE_TARGET,
    },
  ]
}

/** The runner-integration sections of the report, as Markdown lines. */
export function renderRunners(runners: RunnersRun, table: (head: string[], rows: string[][]) => string): string[] {
  const lines: string[] = []
  const tests = runners.cost[0]?.tests ?? 0
  const floor = runners.cost.find((r) => r.subject === 'floor')
  lines.push(
    '',
    `## Runner integration: what each tool adds per test (${tests} tests, each inserting its own ${REQUESTS_PER_TEST}-interaction recording from disk, ${REQUESTS_PER_TEST} fetches, eject; each test's fastest of ${RUNNER_COST_PASSES} passes after a warm-up pass)`,
    '',
  )
  lines.push(
    table(
      ['tool', 'tests/s', 'mean µs', 'p50 µs', 'p99 µs', 'x floor'],
      runners.cost.map((r) => [
        RUNNER_COST_LABELS[r.subject],
        Math.round(1_000_000 / r.meanUs).toLocaleString('en-US'),
        r.meanUs.toFixed(0),
        r.p50Us.toFixed(0),
        r.p99Us.toFixed(0),
        floor ? `${(r.meanUs / floor.meanUs).toFixed(2)}x` : '',
      ]),
    ),
  )
  lines.push(
    '',
    `Every tool replays through global fetch against a stopped server, each in its own process. vcrjs runs as \`setupVcr\` under CI does, minus the runner: ` +
      `one \`VCR\` with the runner options and the global vcrDispatcher, a \`TestFileSession\` per ${TESTS_PER_FILE} tests, \`startTest\` (insert, cassette read and parsed) and \`endTest\` (eject, nothing to save, unused interactions checked) per test, ` +
      "the file's usage record written at its end (counted in its last test). nock.back loads its JSON fixture per test; Polly reads its HAR per test. " +
      'The floor reads no file: its replies are in memory, and each test registers its 3 intercepts and checks none is left pending.',
  )

  const { suite } = runners
  const mock = suite.variants.find((v) => v.variant === 'mockagent')
  const runs = suite.runs.filter((run) => run.variant === 'vcrjs').length
  lines.push(
    '',
    `## A ${suite.tests}-test vitest suite (${suite.files} files of ${suite.tests / suite.files}, ${REQUESTS_PER_TEST} fetches per test): setupVcr replaying against no recorder (${runs} runs of each, alternated, after a warm-up run of each)`,
    '',
  )
  const ms = (value: number | undefined) => (value === undefined ? '' : value.toFixed(0))
  lines.push(
    table(
      ['setup file', 'median wall s', 'fastest s', "vitest's setup ms (median)", "vitest's tests ms (median)", 'x no recorder'],
      suite.variants.map((v) => [
        RUNNER_SUITE_LABELS[v.variant],
        seconds(v.medianWallMs),
        seconds(v.minWallMs),
        ms(v.medianSetupMs),
        ms(v.medianTestsMs),
        mock ? `${(v.medianWallMs / mock.medianWallMs).toFixed(2)}x` : '',
      ]),
    ),
  )
  lines.push(
    '',
    'The project is generated under bench/.tmp and run with the repo\'s vitest (`vitest run`, default forks pool) with an explicit environment; `@vcrjs/vitest` is the built workspace package, loaded by Node as an installed package is. ' +
      'The cassettes are recorded by a first run against a local server; the replays run with `CI=true` (record mode none) with the server stopped, and must leave every cassette as recorded. ' +
      "Wall time is the whole `vitest run` process; vitest's setup and tests phases are summed over its workers. " +
      `Measured ${runners.date}, one-minute load average ${runners.loadAverage.start.toFixed(2)} to ${runners.loadAverage.end.toFixed(2)}.`,
  )
  return lines
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2)
}
