import type { Cassette } from '@vcrjs/core'
import { GlobalFetchNotRoutedError, type VCR, type VcrOptions } from '@vcrjs/core'
import { JEST_CURRENT_TEST, RunnerHooks, setTestCassetteLookup } from '@vcrjs/core/runner'
import { ConcurrentJestTestError } from './concurrent-test-error.js'
import type { ConcurrentTestEvents, JestCurrentTest } from './current-test.js'

type Hook = (fn: () => Promise<void>) => void
/**
 * The part of Jest's `expect` state read here: jest-circus runs each
 * concurrent test (Jest 30: each test, its events included; Jest 29: each
 * concurrent test's body only) in an async context named after the test,
 * and names it here (what jest-snapshot reads for concurrent tests).
 */
interface ExpectState {
  currentConcurrentTestName?: () => string | undefined
}
interface JestGlobals {
  beforeEach: Hook
  afterEach: Hook
  afterAll: Hook
  expect?: { getState?: () => ExpectState }
  [JEST_CURRENT_TEST]?: JestCurrentTest
}

/**
 * Runs every test of the test file in its own cassette, stored at
 * `__cassettes__/<test file name>/<describe titles>/<test title>.yaml` beside
 * the test file; the global `fetch` goes through it. Call it in a file listed
 * in `setupFilesAfterEnv`, with `testEnvironment: '@vcrjs/jest/environment'`
 * (which makes Jest's global fetch reach vcrjs at all). A `vcr.useCassette`
 * inside a test still works: the innermost cassette wins.
 *
 * Under the runner, a failing test saves nothing (`recordOnException: false`)
 * and, with `CI` set and no record mode given, the mode is `none`.
 *
 * `test.concurrent` tests each record into their own cassette on Jest 30. On
 * Jest 29, which starts their bodies before any hook, a request such a test
 * makes outside a `vcr.useCassette` fails with `ConcurrentTestsError` rather
 * than go to another test's cassette or to the network.
 *
 * @returns the `VCR`, for `useCassette`, `registerMatcher` and the rest.
 * @example
 * // vcr.setup.js, listed in jest.config.js: setupFilesAfterEnv
 * require('@vcrjs/jest').setupVcr({ filterHeaders: ['authorization'] })
 */
export function setupVcr(options: VcrOptions = {}): VCR {
  const jest = globalThis as unknown as JestGlobals
  const current = jest[JEST_CURRENT_TEST]
  if (current === undefined || typeof jest.beforeEach !== 'function') {
    throw new GlobalFetchNotRoutedError(
      "@vcrjs/jest's setupVcr needs its test environment, which makes Jest's global fetch (it belongs to Jest's outer realm) go through vcrjs: set testEnvironment: '@vcrjs/jest/environment' in jest.config and call setupVcr in a file listed in setupFilesAfterEnv.",
    )
  }
  const hooks = new RunnerHooks(options, {
    concurrencyFix: "Drop .concurrent, or wrap each of those tests' requests in a vcr.useCassette of its own.",
  })
  const concurrent = new ConcurrentTests(jest, current, hooks)
  current.concurrentTestEvents = concurrent
  setTestCassetteLookup(() => concurrent.cassette())
  // Jest hands its hooks nothing: the current test is the one the environment published. It runs them for no concurrent test.
  jest.beforeEach(() => hooks.beforeTest(undefined))
  jest.afterEach(() => hooks.afterTest(undefined, current.failure))
  jest.afterAll(async () => {
    setTestCassetteLookup(undefined)
    current.concurrentTestEvents = undefined
    await hooks.afterFile()
  })
  return hooks.vcr
}

/**
 * The cassettes of the file's `test.concurrent` tests, which run side by
 * side with no beforeEach/afterEach hook: the environment reports each
 * one's start and end, and each request is routed by the name of the async
 * context jest-circus runs the test in.
 */
class ConcurrentTests implements ConcurrentTestEvents {
  readonly #jest: JestGlobals
  readonly #current: JestCurrentTest
  readonly #hooks: RunnerHooks
  readonly #running = new Map<string, { cassette: Cassette; end: (failure: { error: unknown } | undefined) => Promise<void> }>()
  /** Why a concurrent test has no cassette: its cassette failed to load. */
  readonly #failed = new Map<string, unknown>()

  constructor(jest: JestGlobals, current: JestCurrentTest, hooks: RunnerHooks) {
    this.#jest = jest
    this.#current = current
    this.#hooks = hooks
  }

  /**
   * Inserts the test's cassette when Jest reports its start in the test's
   * own async context (Jest 30), so before its body. Jest 29 reports it
   * outside, after the body started: it gets none then.
   */
  async started(id: string): Promise<void> {
    const titles = this.#current.concurrentTests.get(id)
    this.#failed.delete(id)
    if (titles === undefined || this.#id() !== id) return
    try {
      this.#running.set(id, await this.#hooks.startConcurrentTest(this.#current.testFile, titles))
    } catch (error) {
      // Reported where a request of the test asks for its cassette: the test fails with it.
      this.#failed.set(id, error)
    }
  }

  /** Ejects the test's cassette, saving nothing if its function failed; resolves to what failed the ejection. */
  async finished(id: string, failure: { error: unknown } | undefined): Promise<unknown> {
    const running = this.#running.get(id)
    if (running === undefined) return undefined
    this.#running.delete(id)
    return running.end(failure).then(
      () => undefined,
      (error: unknown) => error,
    )
  }

  /**
   * For a request with no `useCassette` around it: a concurrent test's own
   * cassette, or `ConcurrentTestsError` when it has none (Jest 29); for any
   * other request, undefined (the inserted cassette of its test).
   */
  cassette(): Cassette | undefined {
    const id = this.#id()
    const titles = id === undefined ? undefined : this.#current.concurrentTests.get(id)
    if (id === undefined || titles === undefined) return undefined
    const running = this.#running.get(id)
    if (running) return running.cassette
    if (this.#failed.has(id)) throw this.#failed.get(id)
    const other = [...this.#current.concurrentTests.values()].find((candidate) => candidate !== titles)
    throw new ConcurrentJestTestError(titles, other)
  }

  #id(): string | undefined {
    return this.#jest.expect?.getState?.().currentConcurrentTestName?.()
  }
}
