import { VCR, type VcrOptions } from '@vcrjs/core'
import { assertGlobalFetchReachable, runnerVcrOptions, TestFileSession, testIdentityOf } from '@vcrjs/core/runner'
import { installGlobalVcrDispatcher } from '@vcrjs/undici'
import { afterAll, afterEach, beforeEach } from 'vitest'

/**
 * Runs every test of the test files in its own cassette, stored at
 * `__cassettes__/<test file name>/<describe titles>/<test title>.yaml` beside
 * the test file, and routes the global `fetch` through vcrjs. Call it in a
 * file listed in vitest's `test.setupFiles`. A `vcr.useCassette` inside a test
 * still works: the innermost cassette wins.
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
  const resolved = runnerVcrOptions(options)
  const vcr = new VCR(resolved)
  installGlobalVcrDispatcher()
  let session: TestFileSession | undefined

  beforeEach(async (context) => {
    const test = testIdentityOf(context)
    if (test?.testFile === undefined) return
    session ??= new TestFileSession(vcr, test.testFile, { serializer: resolved.serializer })
    await session.startTest(test.titles)
  })
  afterEach(async (context) => {
    const result = context.task.result
    await session?.endTest(result?.state === 'fail' ? { error: result.errors?.[0] } : undefined)
  })
  afterAll(async () => {
    await session?.finish()
  })
  return vcr
}
