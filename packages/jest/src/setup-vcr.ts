import { GlobalFetchNotRoutedError, type VCR, type VcrOptions } from '@vcrjs/core'
import { JEST_CURRENT_TEST, RunnerHooks } from '@vcrjs/core/runner'
import type { JestCurrentTest } from './current-test.js'

type Hook = (fn: () => Promise<void>) => void
interface JestGlobals {
  beforeEach: Hook
  afterEach: Hook
  afterAll: Hook
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
    concurrencyFix: 'Tests run with test.concurrent share the current cassette: drop .concurrent, or give each of those tests a vcr.useCassette of its own.',
  })
  // Jest hands its hooks nothing: the current test is the one the environment published.
  jest.beforeEach(() => hooks.beforeTest(undefined))
  jest.afterEach(() => hooks.afterTest(undefined, current.failure))
  jest.afterAll(() => hooks.afterFile())
  return hooks.vcr
}
