import { ConcurrentTestsError } from '@vcrjs/core'

/**
 * A `ConcurrentTestsError` (code `VCR_CONCURRENT_TESTS`) in Jest's terms: a
 * request from a `test.concurrent` test that has no cassette of its own.
 * Jest 29 starts every concurrent test's body up front, before any test's
 * events, and tells setupVcr of the test's start outside the test's async
 * context, so it cannot give it one; without this error the request would
 * go to another test's cassette or to the network.
 */
export class ConcurrentJestTestError extends ConcurrentTestsError {
  constructor(test: readonly string[], other: readonly string[] | undefined) {
    super(test, other ?? [], FIX)
    const alongside = other === undefined ? '' : ` (as does "${other.join(' > ')}")`
    this.message = `Test "${test.join(' > ')}" made a request with no cassette of its own: it runs with test.concurrent${alongside}, and Jest 29 starts concurrent tests before the beforeEach hooks that give each test its cassette, so the request would go to another test's cassette or to the network. ${FIX}`
  }
}

const FIX = "Upgrade to Jest 30 (each concurrent test records into its own cassette), drop .concurrent from that test, or wrap its requests in a vcr.useCassette('<name>.yaml', async () => { ... }) of its own."
