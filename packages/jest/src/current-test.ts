import type { TestIdentity } from '@vcrjs/core/runner'

/**
 * What `@vcrjs/jest/environment` publishes on the test realm's global object
 * (under `JEST_CURRENT_TEST`) for `setupVcr`, which runs in that realm: the
 * test file, and the test being run as Jest's event stream describes it.
 */
export interface JestCurrentTest extends TestIdentity {
  readonly testFile: string
  titles: string[]
  /** Whether the test being run was declared with `test.concurrent`: its hooks do not wrap its body. */
  concurrent: boolean
  /** The test's error once its function failed; undefined while it passes. */
  failure: { error: unknown } | undefined
  /**
   * The file's tests declared with `test.concurrent`, by Jest's test id (the
   * describe titles and the title joined with spaces, the name Jest gives
   * the async context it runs each in), with their titles.
   */
  concurrentTests: Map<string, string[]>
}
