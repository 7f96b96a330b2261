import type { TestIdentity } from '@vcrjs/core/runner'

/**
 * What `@vcrjs/jest/environment` publishes on the test realm's global object
 * (under `JEST_CURRENT_TEST`) for `setupVcr`, which runs in that realm: the
 * test file, and the test being run as Jest's event stream describes it.
 */
export interface JestCurrentTest extends TestIdentity {
  readonly testFile: string
  titles: string[]
  /** The test's error once its function failed; undefined while it passes. */
  failure: { error: unknown } | undefined
  /**
   * The file's tests declared with `test.concurrent`, by Jest's test id (the
   * describe titles and the title joined with spaces, the name Jest gives
   * the async context it runs each in), with their titles.
   */
  concurrentTests: Map<string, string[]>
  /**
   * Set by `setupVcr`: Jest runs no beforeEach/afterEach hook for a
   * concurrent test, so the environment calls these from the test's events
   * instead (`test_started`, and `test_fn_success`/`test_fn_failure` after
   * its function), in the test's own async context where Jest gives one.
   */
  concurrentTestEvents?: ConcurrentTestEvents | undefined
}

export interface ConcurrentTestEvents {
  started(id: string): Promise<void>
  /** Resolves to the error the test fails with when ejecting its cassette failed. */
  finished(id: string, failure: { error: unknown } | undefined): Promise<unknown>
}
