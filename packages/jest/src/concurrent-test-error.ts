import { ConcurrentTestsError } from '@vcrjs/core'

/**
 * A `ConcurrentTestsError` (code `VCR_CONCURRENT_TESTS`) in Jest's terms:
 * a request from a `test.concurrent` test with no `useCassette` of its own.
 * jest-circus runs such a test's body outside the beforeEach/afterEach hooks
 * that give each test its cassette (Jest 29 starts all of them before the
 * first test's hooks; Jest 30 runs them side by side), so the request would
 * go to another test's cassette or to the network: it is refused instead.
 */
export class ConcurrentJestTestError extends ConcurrentTestsError {
  constructor(test: readonly string[], other: readonly string[] | undefined) {
    super(test, other ?? [], FIX)
    const alongside = other === undefined ? '' : ` (as does "${other.join(' > ')}")`
    this.message = `Test "${test.join(' > ')}" made a request with no cassette of its own: it runs with test.concurrent${alongside}, and Jest runs concurrent tests outside the beforeEach/afterEach hooks that give each test its cassette, so the request would go to another test's cassette or to the network. ${FIX}`
  }
}

const FIX = "Drop .concurrent from that test, or wrap its requests in a vcr.useCassette('<name>.yaml', async () => { ... }) of its own."
