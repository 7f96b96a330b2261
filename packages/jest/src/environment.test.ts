import { JEST_CURRENT_TEST } from '@vcrjs/core/runner'
import { getGlobalDispatcher, setGlobalDispatcher } from 'undici'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { JestCurrentTest } from './current-test.js'
import VcrEnvironment from './environment.js'

// jest-circus's events as it dispatches them to the environment (the shapes of jest-circus 29 and 30).
interface Block {
  name: string
  type: 'describeBlock' | 'test'
  parent?: Block
  children: Block[]
  concurrent?: boolean
  errors: unknown[]
}
const block = (name: string, type: Block['type'], parent?: Block, concurrent?: boolean): Block => {
  const made: Block = { name, type, parent, children: [], concurrent, errors: [] }
  parent?.children.push(made)
  return made
}

async function environment(): Promise<{ env: VcrEnvironment; current: JestCurrentTest }> {
  const dispatcher = getGlobalDispatcher()
  const env = new VcrEnvironment({ globalConfig: {}, projectConfig: { testEnvironmentOptions: {} } } as never, { testPath: '/p/api.test.js', console, docblockPragmas: {} } as never)
  await env.setup()
  onTestFinished(async () => {
    await env.teardown()
    setGlobalDispatcher(dispatcher)
  })
  return { env, current: (env.global as unknown as Record<symbol, JestCurrentTest>)[JEST_CURRENT_TEST]! }
}

describe('VcrEnvironment', () => {
  it('collects the concurrent tests at run_start by Jest test id, and reports their start and end to setupVcr, not as the current test', async () => {
    const { env, current } = await environment()
    const root = block('ROOT_DESCRIBE_BLOCK', 'describeBlock')
    const d = block('d', 'describeBlock', root)
    const one = block('one', 'test', d, true)
    const inner = block('inner', 'describeBlock', d)
    block('two', 'test', inner, true)
    const turn = block('in turn', 'test', d, false)
    await env.handleTestEvent({ name: 'run_start' }, { rootDescribeBlock: root })
    expect([...current.concurrentTests]).toEqual([
      ['d one', ['d', 'one']],
      ['d inner two', ['d', 'inner', 'two']],
    ])

    const calls: unknown[] = []
    const ejectError = new Error('could not save')
    current.concurrentTestEvents = {
      started: async (id) => void calls.push(['started', id]),
      finished: async (id, failure) => {
        calls.push(['finished', id, failure])
        return ejectError
      },
    }
    await env.handleTestEvent({ name: 'test_start', test: turn }, {})
    const failed = new Error('assertion')
    await env.handleTestEvent({ name: 'test_start', test: one }, {})
    await env.handleTestEvent({ name: 'test_started', test: one }, {})
    await env.handleTestEvent({ name: 'test_fn_failure', test: one, error: failed }, {})
    expect(calls).toEqual([
      ['started', 'd one'],
      ['finished', 'd one', { error: failed }],
    ])
    // The test that ejecting failed fails with it; the test run in turn keeps its titles and has no failure.
    expect(one.errors).toEqual([ejectError])
    expect(current.titles).toEqual(['d', 'in turn'])
    expect(current.failure).toBeUndefined()
    await env.handleTestEvent({ name: 'test_fn_failure', test: turn, error: failed }, {})
    expect(current.failure).toEqual({ error: failed })

    // A concurrent test failed by a beforeAll hook has no test_fn_* event: test_done ends it, unsaved; a passing one's test_done does nothing more.
    const hookError = new Error('beforeAll')
    const two = inner.children[0]!
    two.errors.push(hookError)
    await env.handleTestEvent({ name: 'test_done', test: two }, {})
    await env.handleTestEvent({ name: 'test_done', test: block('passed', 'test', d, true) }, {})
    expect(calls.slice(2)).toEqual([['finished', 'd inner two', { error: hookError }]])
  })
})
