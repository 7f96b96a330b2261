import { loadavg } from 'node:os'
import { RUNNER_COST_SUBJECTS, type RunnerCostResult } from './runner-cost.js'
import { measureRunnerSuite, type RunnerSuiteResult } from './runner-suite.js'
import type { Task } from './task.js'

/** The runner-integration rows, which `--only=runners` measures apart from the rest: hence their own date and load. */
export interface RunnersRun {
  date: string
  loadAverage: { start: number; end: number }
  cost: RunnerCostResult[]
  suite: RunnerSuiteResult
}

/** Test-shaped iterations of the per-test cost rows; each has its own cassette (fixture, recording) on disk. */
const COST_TESTS = 500
const SUITE_FILES = 20
const SUITE_TESTS_PER_FILE = 10
/** Measured runs of each suite variant, after a warm-up run of each. */
const SUITE_RUNS = 5

/**
 * The per-test cost rows (each tool in its own process, on recordings made
 * by a first child) and the 200-test vitest suite. `--quick` measures 100
 * tests, and a suite of 50 tests run twice per variant.
 */
export async function measureRunners(dir: string, runChild: <T>(task: Task) => Promise<T>, progress: (message: string) => void, quick: boolean): Promise<RunnersRun> {
  const loadAtStart = loadavg()[0]!
  const tests = quick ? 100 : COST_TESTS
  const origin = await runChild<string>({ kind: 'runner-fixtures', dir, size: tests })
  const cost: RunnerCostResult[] = []
  for (const subject of RUNNER_COST_SUBJECTS) cost.push(await runChild<RunnerCostResult>({ kind: 'runner-cost', subject, dir, size: tests, origin }))
  const suite = await measureRunnerSuite(quick ? 5 : SUITE_FILES, SUITE_TESTS_PER_FILE, quick ? 2 : SUITE_RUNS, progress)
  return { date: new Date().toISOString(), loadAverage: { start: loadAtStart, end: loadavg()[0]! }, cost, suite }
}
