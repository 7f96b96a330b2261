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
  errors?: unknown[]
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
 * - publishes the current test's describe titles and failure for `setupVcr`,
 *   and the file's `test.concurrent` tests, which run side by side.
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
    this.#current = { testFile: context.testPath, titles: [], failure: undefined, concurrentTests: new Map() }
  }

  override async setup(): Promise<void> {
    await super.setup()
    installGlobalVcrDispatcher()
    shareCassetteContext(this.global)
    Object.assign(this.global, { [JEST_CURRENT_TEST]: this.#current, [GLOBAL_FETCH_ROUTED]: true })
  }

  async handleTestEvent(event: CircusEvent, state: CircusState): Promise<void> {
    const { test } = event
    // Before any test runs: jest-circus 29 starts the bodies of concurrent tests right after the file's beforeAll hooks.
    if (event.name === 'run_start' && state.rootDescribeBlock) {
      collectConcurrentTests(state.rootDescribeBlock, this.#current.concurrentTests)
    } else if (test?.concurrent === true) {
      await this.#concurrentTestEvent(event, test)
    } else if (event.name === 'test_start' && test) {
      this.#current.titles = titlesOf(test)
      this.#current.failure = undefined
    } else if (event.name === 'test_fn_failure') {
      this.#current.failure = { error: event.error }
    }
  }

  /** Jest runs no beforeEach/afterEach hook for a concurrent test: its cassette goes in and out on its events. */
  async #concurrentTestEvent(event: CircusEvent, test: CircusBlock): Promise<void> {
    const events = this.#current.concurrentTestEvents
    if (!events) return
    if (event.name === 'test_started') await events.started(testId(test))
    else if (event.name === 'test_fn_success' || event.name === 'test_fn_failure') {
      const failure = event.name === 'test_fn_failure' ? { error: event.error } : undefined
      const error = await events.finished(testId(test), failure)
      // What failed the ejection (a save error) fails the test, as it does in afterEach for the others.
      if (error !== undefined) test.errors?.push(error)
    } else if (event.name === 'test_done' && (test.errors?.length ?? 0) > 0) {
      // A test that failed before its function ran (a beforeAll hook threw) has no test_fn_* event: its cassette goes out, unsaved.
      await events.finished(testId(test), { error: test.errors?.[0] })
    }
  }
}

export { VcrEnvironment as TestEnvironment }

/** Every test below `block` declared with `test.concurrent`, by its Jest test id (what jest-circus's `getTestID` makes of it). */
function collectConcurrentTests(block: CircusBlock, found: Map<string, string[]>): void {
  for (const child of block.children ?? []) {
    if (child.type === 'describeBlock') collectConcurrentTests(child, found)
    else if (child.type === 'test' && child.concurrent === true) found.set(testId(child), titlesOf(child))
  }
}

/** What jest-circus's `getTestID` makes of a test: its describe titles and title joined with spaces. */
function testId(test: CircusBlock): string {
  return titlesOf(test).join(' ')
}

/** The describe titles then the test's title; the root block (which has no parent) is not a describe. */
function titlesOf(test: CircusBlock): string[] {
  const titles = [test.name]
  for (let block = test.parent; block?.parent !== undefined; block = block.parent) titles.unshift(block.name)
  return titles
}
