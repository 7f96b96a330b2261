import { GlobalFetchNotRoutedError, type VCR, type VcrOptions } from '@vcrjs/core'
import { JEST_CURRENT_TEST, RunnerHooks, setTestCassetteLookup } from '@vcrjs/core/runner'
import { ConcurrentJestTestError } from './concurrent-test-error.js'
import type { JestCurrentTest } from './current-test.js'

type Hook = (fn: () => Promise<void>) => void
/** The part of Jest's `expect` state read here: jest-circus names the test whose async context a call runs in (what jest-snapshot reads for concurrent tests). */
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
 * A `test.concurrent` test gets no cassette of its own (Jest's hooks do not
 * wrap its body): a request it makes outside a `vcr.useCassette` fails with
 * `ConcurrentTestsError` rather than go to another test's cassette or to the
 * network.
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
  setTestCassetteLookup(() => refuseConcurrentTest(jest, current))
  // Jest hands its hooks nothing: the current test is the one the environment published.
  jest.beforeEach(() => (current.concurrent ? Promise.resolve() : hooks.beforeTest(undefined)))
  jest.afterEach(() => (current.concurrent ? Promise.resolve() : hooks.afterTest(undefined, current.failure)))
  jest.afterAll(async () => {
    setTestCassetteLookup(undefined)
    await hooks.afterFile()
  })
  return hooks.vcr
}

/**
 * Asked for each request with no `useCassette` around it: jest-circus runs
 * each concurrent test's body in an async context named after the test
 * (Jest 30 names every test's), so a request from one is known here, and
 * refused. Any other request goes to the inserted cassette of its test.
 */
function refuseConcurrentTest(jest: JestGlobals, current: JestCurrentTest): undefined {
  const id = jest.expect?.getState?.().currentConcurrentTestName?.()
  const titles = id === undefined ? undefined : current.concurrentTests.get(id)
  if (titles === undefined) return undefined
  const other = [...current.concurrentTests.values()].find((candidate) => candidate !== titles)
  throw new ConcurrentJestTestError(titles, other)
}
