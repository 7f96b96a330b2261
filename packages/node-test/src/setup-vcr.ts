import { after, afterEach, beforeEach } from 'node:test'
import type { VCR, VcrOptions } from '@vcrjs/core'
import { describeVcrCause, RunnerHooks, wrappedVcrError } from '@vcrjs/core/runner'
import { installGlobalVcrDispatcher } from '@vcrjs/undici'

/**
 * Runs every test of this test file in its own cassette, stored at
 * `__cassettes__/<test file name>/<describe titles>/<test title>.yaml` beside
 * the test file, and routes the global `fetch` through vcrjs. Call it at the
 * top of a test file. A `vcr.useCassette` inside a test still works: the
 * innermost cassette wins.
 *
 * Under the runner, a failing test saves nothing (`recordOnException: false`)
 * and, with `CI` set and no record mode given, the mode is `none`. The vcrjs
 * error behind a failure the client wrapped (fetch's `TypeError: fetch
 * failed`) is added to the test's output as a diagnostic. Tests that run
 * concurrently (the `concurrency` option) fail with `ConcurrentTestsError`
 * instead of sharing a cassette.
 *
 * @returns the `VCR`, for `useCassette`, `registerMatcher` and the rest.
 * @example
 * import { setupVcr } from '@vcrjs/node-test'
 * const vcr = setupVcr({ filterHeaders: ['authorization'] })
 */
export function setupVcr(options: VcrOptions = {}): VCR {
  const hooks = new RunnerHooks(options, {
    concurrencyFix:
      "node:test's hooks cannot give tests that run concurrently (the concurrency option) a cassette each: run them one at a time, or give each one a vcr.useCassette of its own inside the test.",
  })
  installGlobalVcrDispatcher()
  beforeEach((t) => hooks.beforeTest(t))
  afterEach(async (t) => {
    // A test's context has `passed` and `error`; a suite's has neither.
    const { passed, error } = t as { passed?: boolean; error?: unknown }
    const failed = passed === false
    const cause = failed ? wrappedVcrError(error) : undefined
    if (cause && 'diagnostic' in t) t.diagnostic(describeVcrCause(cause))
    await hooks.afterTest(t, failed ? { error } : undefined)
  })
  after(() => hooks.afterFile())
  return hooks.vcr
}
