import type { VCR, VcrOptions } from '@vcrjs/core'
import { assertGlobalFetchReachable, RunnerHooks, type TestFailure } from '@vcrjs/core/runner'
import { installGlobalVcrDispatcher } from '@vcrjs/undici'
import * as vitest from 'vitest'

/** The parts of vitest's test context read here. */
interface TestContext {
  task: { result?: { state?: string; errors?: readonly unknown[] } }
}
type AroundEach = (fn: (runTest: () => Promise<void>, context: TestContext) => Promise<void>) => void

// vitest >= 4.1 has aroundEach; read off the namespace so that older vitest, which lacks it, still links.
const aroundEach = (vitest as unknown as { aroundEach?: AroundEach }).aroundEach

/**
 * Runs every test of the test files in its own cassette, stored at
 * `__cassettes__/<test file name>/<describe titles>/<test title>.yaml` beside
 * the test file, and routes the global `fetch` through vcrjs. Call it in a
 * file listed in vitest's `test.setupFiles`. A `vcr.useCassette` inside a test
 * still works: the innermost cassette wins.
 *
 * With vitest >= 4.1 each test's cassette is current in that test's async
 * context only (vitest's `aroundEach`), so `test.concurrent` tests each
 * record their own requests; with older vitest a concurrent test fails with
 * `ConcurrentTestsError` instead of sharing a cassette.
 *
 * Under the runner, a failing test saves nothing (`recordOnException: false`)
 * and, with `CI` set and no record mode given, the mode is `none`.
 *
 * @returns the `VCR`, for `useCassette`, `registerMatcher` and the rest.
 * @example
 * // vcr.setup.ts, listed in vitest.config.ts: test.setupFiles
 * import { setupVcr } from '@vcrjs/vitest'
 * export const vcr = setupVcr({ filterHeaders: ['authorization'] })
 */
export function setupVcr(options: VcrOptions = {}): VCR {
  assertGlobalFetchReachable(
    "vitest's vmThreads and vmForks pools run test files in such a realm: run the tests that use vcrjs in the 'forks' pool (vitest's default) or the 'threads' pool (test.pool in vitest.config).",
  )
  const hooks = new RunnerHooks(options, {
    concurrencyFix:
      'With vitest < 4.1 tests marked concurrent (test.concurrent, describe.concurrent) share the current cassette: upgrade to vitest 4.1 or later (setupVcr then gives each concurrent test its own), drop .concurrent, or give each of those tests a vcr.useCassette of its own.',
  })
  installGlobalVcrDispatcher()
  if (aroundEach) {
    aroundEach((runTest, context) => hooks.aroundTest(context, runTest, () => failureOf(context)))
  } else {
    vitest.beforeEach((context) => hooks.beforeTest(context))
    vitest.afterEach((context) => hooks.afterTest(context, failureOf(context)))
  }
  vitest.afterAll(() => hooks.afterFile())
  return hooks.vcr
}

function failureOf(context: TestContext): TestFailure {
  const result = context.task.result
  return result?.state === 'fail' ? { error: result.errors?.[0] } : undefined
}
