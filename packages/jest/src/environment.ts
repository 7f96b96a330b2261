import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment'
import { GLOBAL_FETCH_ROUTED, JEST_CURRENT_TEST, shareCassetteContext } from '@vcrjs/core/runner'
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
  children?: CircusBlock[]
  type?: string
  concurrent?: boolean
}
interface CircusState {
  rootDescribeBlock?: CircusBlock
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
 * - publishes the current test's describe titles and failure for `setupVcr`.
 *
 * Jest prints a failed test's `cause` chain itself, so the vcrjs error behind
 * fetch's `TypeError: fetch failed` shows without help.
 *
 * @example
 * // jest.config.js
 * module.exports = { testEnvironment: '@vcrjs/jest/environment', setupFilesAfterEnv: ['./vcr.setup.js'] }
 */
export default class VcrEnvironment extends NodeEnvironment {
  readonly #current: JestCurrentTest

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context)
    this.#current = { testFile: context.testPath, titles: [], concurrent: false, failure: undefined, concurrentTests: new Map() }
  }

  override async setup(): Promise<void> {
    await super.setup()
    installGlobalVcrDispatcher()
    shareCassetteContext(this.global)
    Object.assign(this.global, { [JEST_CURRENT_TEST]: this.#current, [GLOBAL_FETCH_ROUTED]: true })
  }

  handleTestEvent(event: CircusEvent, state: CircusState): void {
    // Before any test runs: jest-circus 29 starts the bodies of concurrent tests right after the file's beforeAll hooks.
    if (event.name === 'run_start' && state.rootDescribeBlock) {
      collectConcurrentTests(state.rootDescribeBlock, this.#current.concurrentTests)
    } else if (event.name === 'test_start' && event.test) {
      this.#current.titles = titlesOf(event.test)
      this.#current.concurrent = event.test.concurrent === true
      this.#current.failure = undefined
    } else if (event.name === 'test_fn_failure') {
      this.#current.failure = { error: event.error }
    }
  }
}

export { VcrEnvironment as TestEnvironment }

/** Every test below `block` declared with `test.concurrent`, by its Jest test id (what jest-circus's `getTestID` makes of it). */
function collectConcurrentTests(block: CircusBlock, found: Map<string, string[]>): void {
  for (const child of block.children ?? []) {
    if (child.type === 'describeBlock') collectConcurrentTests(child, found)
    else if (child.type === 'test' && child.concurrent === true) {
      const titles = titlesOf(child)
      found.set(titles.join(' '), titles)
    }
  }
}

/** The describe titles then the test's title; the root block (which has no parent) is not a describe. */
function titlesOf(test: CircusBlock): string[] {
  const titles = [test.name]
  for (let block = test.parent; block?.parent !== undefined; block = block.parent) titles.unshift(block.name)
  return titles
}
