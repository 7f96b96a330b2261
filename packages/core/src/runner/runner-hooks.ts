import { testIdentityOf } from '../func-path.js'
import type { VcrOptions } from '../options.js'
import { VCR } from '../vcr.js'
import { runnerVcrOptions } from './runner-options.js'
import { type TestFailure, TestFileSession } from './test-file-session.js'

/**
 * What every runner integration's `setupVcr` does in its runner's hooks,
 * written once: the VCR with the runner options (`runnerVcrOptions`), and the
 * test file's session, opened at the first test a hook is handed (vitest's
 * context, node:test's `t`; Jest's current test, published by its
 * environment, when the hook is handed nothing). Each integration only wires
 * these methods to its runner's hooks.
 */
export class RunnerHooks {
  readonly vcr: VCR
  readonly #serializer: string | undefined
  readonly #concurrencyFix: string
  #session: TestFileSession | undefined
  /**
   * What the hooks were handed for each test whose cassette `beforeTest`
   * inserted: `afterTest` ends only those, so that a test refused for running
   * concurrently does not end the cassette of the test still running.
   */
  readonly #started = new Set<unknown>()

  /** `concurrencyFix`: what `ConcurrentTestsError` tells the user to do, in this runner's terms. */
  constructor(options: VcrOptions, { concurrencyFix }: { concurrencyFix: string }) {
    const resolved = runnerVcrOptions(options)
    this.vcr = new VCR(resolved)
    this.#serializer = resolved.serializer
    this.#concurrencyFix = concurrencyFix
  }

  /** In a before-each hook: inserts the test's cassette (`TestFileSession.startTest`). */
  async beforeTest(hookArgument: unknown): Promise<void> {
    const test = this.#testOf(hookArgument)
    if (!test) return
    await test.session.startTest(test.titles)
    this.#started.add(hookArgument)
  }

  /**
   * In an after-each hook, handed what the before-each hook was: ejects the
   * test's cassette, saving nothing when `failure` is set and
   * `recordOnException` is not.
   */
  async afterTest(hookArgument: unknown, failure: TestFailure): Promise<void> {
    if (this.#started.delete(hookArgument)) await this.#session?.endTest(failure)
  }

  /** In a hook that wraps the test: runs `test` inside the test's own cassette (`TestFileSession.runTest`). */
  async aroundTest(hookArgument: unknown, test: () => Promise<unknown>, failureOf: () => TestFailure): Promise<void> {
    const found = this.#testOf(hookArgument)
    if (found) await found.session.runTest(found.titles, test, failureOf)
    else await test()
  }

  /**
   * When a test that runs side by side with others starts, named here since
   * nothing the runner hands over tells which one it is: inserts its
   * cassette (`TestFileSession.startConcurrentTest`).
   */
  startConcurrentTest(testFile: string, titles: readonly string[]): ReturnType<TestFileSession['startConcurrentTest']> {
    return this.#sessionOf(testFile).startConcurrentTest(titles)
  }

  /** In an after-all hook: writes the test file's usage record (`TestFileSession.finish`). */
  async afterFile(): Promise<void> {
    await this.#session?.finish()
  }

  #testOf(hookArgument: unknown): { session: TestFileSession; titles: readonly string[] } | undefined {
    const test = testIdentityOf(hookArgument)
    if (test?.testFile === undefined) return undefined
    return { session: this.#sessionOf(test.testFile), titles: test.titles }
  }

  #sessionOf(testFile: string): TestFileSession {
    this.#session ??= new TestFileSession(this.vcr, testFile, { serializer: this.#serializer, concurrencyFix: this.#concurrencyFix })
    return this.#session
  }
}
