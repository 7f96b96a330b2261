import { AsyncLocalStorage } from 'node:async_hooks'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConcurrentTestsError, UnusedInteractionsError, VCR } from '@vcrjs/core'
import { handleRequest } from '@vcrjs/core/adapter'
import { JEST_CURRENT_TEST } from '@vcrjs/core/runner'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JestCurrentTest } from './current-test.js'
import { setupVcr } from './setup-vcr.js'

// setupVcr against Jest's globals as jest-circus sets them, and the events
// @vcrjs/jest/environment passes on; the real runners are driven in
// test/consumers (Jest 29 and 30).

let dir: string
/** jest-circus's async context named after the concurrent test it runs (`expect.getState().currentConcurrentTestName`). */
const testName = new AsyncLocalStorage<string>()
let current: JestCurrentTest
const hooks: Record<'beforeEach' | 'afterEach' | 'afterAll', (() => Promise<void>)[]> = { beforeEach: [], afterEach: [], afterAll: [] }

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-jest-'))
  current = {
    testFile: join(dir, 'api.test.js'),
    titles: [],
    failure: undefined,
    concurrentTests: new Map([
      ['d one', ['d', 'one']],
      ['d two', ['d', 'two']],
    ]),
  }
  for (const name of ['beforeEach', 'afterEach', 'afterAll'] as const) {
    hooks[name] = []
    vi.stubGlobal(name, (fn: () => Promise<void>) => hooks[name].push(fn))
  }
  vi.stubGlobal('expect', { getState: () => ({ currentConcurrentTestName: () => testName.getStore() }) })
  vi.stubGlobal(JEST_CURRENT_TEST, current)
})
afterEach(async () => {
  for (const hook of hooks.afterAll) await hook()
  vi.unstubAllGlobals()
  await rm(dir, { recursive: true, force: true })
})

const get = (path: string) =>
  handleRequest({ request: { method: 'GET', url: `http://h.test/${path}` }, sendReal: async () => ({ status: 200, body: path }) })
const uris = async (path: string) => (await readFile(join(dir, '__cassettes__', 'api.test.js', path), 'utf8')).match(/uri: .*/g)

describe('setupVcr with test.concurrent', () => {
  it('gives each concurrent test started in its own async context (Jest 30) its own cassette, and saves nothing for one that failed', async () => {
    setupVcr()
    const events = current.concurrentTestEvents!
    let arrived = 0
    let release!: () => void
    const both = new Promise<void>((resolve) => (release = resolve))
    const run = (id: string, path: string, failure?: { error: unknown }) =>
      testName.run(id, async () => {
        await events.started(id)
        await get(path)
        if (++arrived === 2) release()
        await both
        await get(`${path}/again`)
        return events.finished(id, failure)
      })
    expect(await Promise.all([run('d one', 'one'), run('d two', 'two', { error: new Error('assertion') })])).toEqual([undefined, undefined])
    expect(await uris('d/one.yaml')).toEqual(['uri: http://h.test/one', 'uri: http://h.test/one/again'])
    expect(existsSync(join(dir, '__cassettes__', 'api.test.js', 'd', 'two.yaml'))).toBe(false)
  })

  it("refuses a concurrent test's request when its start was reported outside its async context (Jest 29), naming it, another concurrent test and the fix", async () => {
    setupVcr()
    await current.concurrentTestEvents!.started('d one')
    const error = await testName.run('d one', () => get('one')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConcurrentTestsError)
    expect(error).toMatchObject({ code: 'VCR_CONCURRENT_TESTS', test: ['d', 'one'], running: ['d', 'two'] })
    expect((error as Error).message).toContain('Test "d > one" made a request with no cassette of its own: it runs with test.concurrent (as does "d > two")')
    expect((error as Error).message).toContain('Upgrade to Jest 30')
    expect(await current.concurrentTestEvents!.finished('d one', undefined)).toBeUndefined()
  })

  it("a useCassette inside a concurrent test wins, and a request of a test that is not concurrent goes to that test's cassette", async () => {
    const vcr = setupVcr({ cassetteLibraryDir: dir })
    await testName.run('d one', () => vcr.useCassette('own.yaml', () => get('own')))
    current.titles = ['in turn']
    await hooks.beforeEach[0]!()
    // Jest 30 names the async context of every test, concurrent or not.
    await testName.run('in turn', () => get('turn'))
    await hooks.afterEach[0]!()
    expect((await readFile(join(dir, 'own.yaml'), 'utf8')).match(/uri: .*/g)).toEqual(['uri: http://h.test/own'])
    expect(await uris('in turn.yaml')).toEqual(['uri: http://h.test/turn'])
  })

  it('resolves to what ejecting a concurrent test\'s cassette threw, and stops routing after the file', async () => {
    await new VCR({ cassetteLibraryDir: join(dir, '__cassettes__', 'api.test.js') }).useCassette('d/one.yaml', () => get('one'))
    setupVcr({ allowUnusedInteractions: false })
    const events = current.concurrentTestEvents!
    const error = await testName.run('d one', async () => {
      await events.started('d one')
      return events.finished('d one', undefined)
    })
    expect(error).toBeInstanceOf(UnusedInteractionsError)
    for (const hook of hooks.afterAll.splice(0)) await hook()
    expect(current.concurrentTestEvents).toBeUndefined()
    // No longer refused: the lookup went with the file.
    await expect(testName.run('d one', () => get('after'))).resolves.toMatchObject({ action: 'passthrough' })
  })
})
