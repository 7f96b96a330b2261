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
}
