import type { Cassette } from '../cassette.js'
import { EJECT_AFTER } from '../cassette.js'
import { type CassetteUsage, onCassetteEjected, runWithCassette } from '../context.js'
import { ConcurrentTestsError } from '../errors.js'
import { cassetteExtension, testCassettePath, testCassettesFolder } from '../test-cassette-path.js'
import type { VCR } from '../vcr.js'
import { writeUsageRecord } from './usage-record.js'

/** How a test failed, for `endTest`: its error; undefined when it passed. */
export type TestFailure = { error: unknown } | undefined

export interface TestFileSessionOptions {
  /** The VCR's serializer: `json` names cassettes `.json`. */
  serializer?: string | undefined
  /**
   * What `ConcurrentTestsError` tells the user to do when `startTest` finds
   * another test's cassette still in, in the runner's terms.
   */
  concurrencyFix?: string | undefined
}

interface RunningTest {
  readonly titles: readonly string[]
  readonly cassette: Promise<Cassette>
}

const DEFAULT_CONCURRENCY_FIX = 'Run these tests one at a time, or give each one a vcr.useCassette of its own inside the test.'

/**
 * What a runner integration does for one test file: each test in its own
 * cassette (`__cassettes__/<test file name>/<describe titles>/<test
 * title>.yaml` beside the file), and at the end the file's usage record.
 * The runner either calls `startTest` before each test (in a before-each
 * hook) and `endTest` after it, or, when it has a hook that wraps the test,
 * `runTest` around it; then `finish` after the file.
 */
export class TestFileSession {
  readonly #vcr: VCR
  readonly #testFile: string
  readonly #extension: string
  readonly #concurrencyFix: string
  readonly #usages = new Map<string, CassetteUsage>()
  readonly #seen = new Map<string, number>()
  readonly #stopListening: () => void
  /** The tests started and not ended. */
  readonly #running = new Set<RunningTest>()
  /** The test `startTest` started, which `endTest` ends. */
  #current: RunningTest | undefined

  constructor(vcr: VCR, testFile: string, options: TestFileSessionOptions = {}) {
    this.#vcr = vcr
    this.#testFile = testFile
    this.#extension = cassetteExtension(options.serializer)
    this.#concurrencyFix = options.concurrencyFix ?? DEFAULT_CONCURRENCY_FIX
    this.#stopListening = onCassetteEjected((usage) => this.#record(usage))
  }

  /**
   * Inserts the test's cassette; requests with no `useCassette` around them
   * go to it until `endTest`. Two tests with the same titles in one file (a
   * repeated title) get `title (2)`, `title (3)`, as Jest names snapshots.
   * Throws `ConcurrentTestsError` while another test is running: the two run
   * concurrently, and would share the current cassette.
   */
  startTest(titles: readonly string[]): Promise<Cassette> {
    const [other] = this.#running
    if (other) return Promise.reject(new ConcurrentTestsError(titles, other.titles, this.#concurrencyFix))
    this.#current = this.#start(titles)
    return this.#current.cassette
  }

  /**
   * Ejects the test's cassette. `failure` is the test's error when it failed:
   * then the cassette is saved only if `recordOnException` is set. Throws what
   * ejecting throws (a save error, unused interactions), failing the test.
   */
  async endTest(failure: TestFailure): Promise<void> {
    const test = this.#current
    this.#current = undefined
    if (test) await this.#end(test, failure)
  }

  /**
   * Runs `test` (the runner's continuation that runs the test and its
   * hooks) with the test's own cassette current in its async context, then
   * ejects it as `endTest` does, with the failure `failureOf` reports. Tests
   * that run concurrently each record into their own cassette.
   */
  async runTest(titles: readonly string[], test: () => Promise<unknown>, failureOf: () => TestFailure): Promise<void> {
    const running = this.#start(titles)
    const cassette = await running.cassette
    try {
      await runWithCassette(cassette, test)
    } catch (error) {
      await this.#end(running, { error }).catch((ejectError: unknown) => {
        if (error instanceof Error) (error as { suppressed?: unknown }).suppressed = ejectError
      })
      throw error
    }
    await this.#end(running, failureOf())
  }

  /**
   * Inserts the cassette of a test that runs side by side with others, for
   * a runner that tells when each test starts and ends but has no hook that
   * wraps it (Jest 30's `test.concurrent`, through its environment's
   * events): the runner routes the test's requests to `cassette` itself
   * (`setTestCassetteLookup`), and calls `end` after the test, which ejects
   * it as `endTest` does.
   */
  async startConcurrentTest(titles: readonly string[]): Promise<{ cassette: Cassette; end: (failure: TestFailure) => Promise<void> }> {
    const running = this.#start(titles)
    const cassette = await running.cassette
    return { cassette, end: (failure) => this.#end(running, failure) }
  }

  /** Counts the test as running at once, before its cassette has loaded, so that a test started meanwhile sees it. */
  #start(titles: readonly string[]): RunningTest {
    const test = { titles, cassette: this.#vcr.insertCassette(this.#uniquePath(titles)) }
    this.#running.add(test)
    // A cassette that cannot load failed its test (startTest or runTest rejects); nothing is left running.
    test.cassette.catch(() => this.#running.delete(test))
    return test
  }

  async #end(test: RunningTest, failure: TestFailure): Promise<void> {
    this.#running.delete(test)
    const cassette = await test.cassette.catch(() => undefined)
    if (cassette) await cassette[EJECT_AFTER](failure)
  }

  /** Ejects a test's cassette still in, writes the usage record, and stops listening. */
  async finish(): Promise<void> {
    try {
      await this.endTest(undefined)
    } finally {
      this.#stopListening()
    }
    await writeUsageRecord(testCassettesFolder(this.#testFile), this.#testFile, this.#usages.values())
  }

  #uniquePath(titles: readonly string[]): string {
    const key = JSON.stringify(titles)
    const count = (this.#seen.get(key) ?? 0) + 1
    this.#seen.set(key, count)
    const named = count === 1 ? titles : [...titles.slice(0, -1), `${titles.at(-1) ?? ''} (${count})`]
    return testCassettePath(this.#testFile, named, this.#extension)
  }

  /**
   * One entry per cassette file: a cassette used by several tests has every
   * run's plays, in the order of the file as last saved. A save that merged
   * in another writer's interactions (another test's cassette on the same
   * file) moved those of the file before it: the plays seen there follow.
   */
  #record(usage: CassetteUsage): void {
    const earlier = this.#usages.get(usage.path)
    const { previous } = usage
    const moved = earlier === undefined ? [] : previous !== undefined && previous.length === earlier.interactions ? earlier.played.map((at) => previous[at]) : earlier.played
    const played = [...new Set([...moved.filter((at) => at !== undefined), ...usage.played])].sort((a, b) => a - b)
    this.#usages.set(usage.path, { path: usage.path, interactions: usage.interactions, played })
  }
}
