import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment'
import { describeVcrCause, GLOBAL_FETCH_ROUTED, JEST_CURRENT_TEST, shareCassetteContext, wrappedVcrError } from '@vcrjs/core/runner'
import { installGlobalVcrDispatcher } from '@vcrjs/undici'
import { TestEnvironment as NodeEnvironment } from 'jest-environment-node'
import type { JestCurrentTest } from './current-test.js'

/** The parts of jest-circus's events this environment reads. */
interface CircusEvent {
  name: string
  test?: CircusBlock
  error?: unknown
}
interface CircusBlock {
  name: string
  parent?: CircusBlock | undefined
}

/**
 * Jest's node environment, made to work with vcrjs. Jest runs each test file
 * in a `vm` realm whose global `fetch` is this (outer) realm's, which ignores
 * any dispatcher installed in the test realm. So this environment:
 * - installs the vcrjs dispatcher as this realm's global dispatcher, the one
 *   that `fetch` in the tests actually uses;
 * - gives the test realm this realm's cassette context (an AsyncLocalStorage
 *   and the inserted cassettes), so the cassette a test inserts is the one
 *   that dispatcher sees;
 * - publishes the current test's describe titles and failure for `setupVcr`,
 *   and prints the vcrjs cause of a test that failed with a client's wrapping
 *   error (fetch's `TypeError: fetch failed`).
 *
 * @example
 * // jest.config.js
 * module.exports = { testEnvironment: '@vcrjs/jest/environment', setupFilesAfterEnv: ['./vcr.setup.js'] }
 */
export default class VcrEnvironment extends NodeEnvironment {
  readonly #current: JestCurrentTest

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context)
    this.#current = { testFile: context.testPath, titles: [], failure: undefined }
  }

  override async setup(): Promise<void> {
    await super.setup()
    installGlobalVcrDispatcher()
    shareCassetteContext(this.global)
    Object.assign(this.global, { [JEST_CURRENT_TEST]: this.#current, [GLOBAL_FETCH_ROUTED]: true })
  }

  handleTestEvent(event: CircusEvent): void {
    if (event.name === 'test_start' && event.test) {
      this.#current.titles = titlesOf(event.test)
      this.#current.failure = undefined
    } else if (event.name === 'test_fn_failure') {
      this.#current.failure = { error: event.error }
      const cause = wrappedVcrError(event.error)
      if (cause) appendCause(event.error, describeVcrCause(cause))
    }
  }
}

export { VcrEnvironment as TestEnvironment }

/** The describe titles then the test's title; the root block (which has no parent) is not a describe. */
function titlesOf(test: CircusBlock): string[] {
  const titles = [test.name]
  for (let block = test.parent; block?.parent !== undefined; block = block.parent) titles.unshift(block.name)
  return titles
}

/**
 * Jest prints a failed test's message and stack, not its `cause`: the vcrjs
 * error (the no-match explanation) is added to both, once.
 */
function appendCause(error: unknown, text: string): void {
  if (!(error instanceof Object) || typeof (error as Error).message !== 'string') return
  const failure = error as Error
  if (failure.message.includes(text)) return
  const header = `${failure.name}: ${failure.message}`
  failure.message = `${failure.message}\n\n${text}`
  if (typeof failure.stack === 'string' && failure.stack.startsWith(header)) {
    failure.stack = `${header}\n\n${text}${failure.stack.slice(header.length)}`
  }
}
