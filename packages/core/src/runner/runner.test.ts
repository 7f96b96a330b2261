import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { runInNewContext } from 'node:vm'
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import type { Cassette } from '../cassette.js'
import { currentCassette, setTestCassetteLookup } from '../context.js'
import { CannotOverwriteExistingCassetteError, ConcurrentTestsError, GlobalFetchNotRoutedError, VcrError } from '../errors.js'
import { handleRequest } from '../handle-request.js'
import { VCR } from '../vcr.js'
import { assertGlobalFetchReachable, GLOBAL_FETCH_ROUTED } from './global-fetch.js'
import { RunnerHooks } from './runner-hooks.js'
import { runnerVcrOptions } from './runner-options.js'
import { TestFileSession } from './test-file-session.js'
import { describeVcrCause, wrappedVcrError } from './vcr-cause.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-runner-'))
})
afterEach(async () => {
  vi.unstubAllEnvs()
  vi.unstubAllGlobals()
  await rm(dir, { recursive: true, force: true })
})

let served = 0
const get = (url: string) =>
  handleRequest({ request: { method: 'GET', url }, sendReal: async () => ({ status: 200, body: `live ${++served}` }) })

describe('TestFileSession', () => {
  it('gives each test its own cassette beside the test file, current for requests made with no cassette given', async () => {
    const testFile = join(dir, 'api.test.ts')
    const session = new TestFileSession(new VCR(), testFile)
    const cassette = await session.startTest(['users', 'fetches'])
    expect(cassette.path).toBe(join(dir, '__cassettes__', 'api.test.ts', 'users', 'fetches.yaml'))
    expect(currentCassette()).toBe(cassette)
    await get('http://h.test/users')
    await session.endTest(undefined)
    expect(currentCassette()).toBeUndefined()
    expect(await readFile(cassette.path, 'utf8')).toContain('uri: http://h.test/users')
    await session.finish()
  })

  it('names a repeated title "title (2)" so two tests never share a cassette', async () => {
    const session = new TestFileSession(new VCR(), join(dir, 'x.test.ts'))
    const first = await session.startTest(['d', 't'])
    await session.endTest(undefined)
    const second = await session.startTest(['d', 't'])
    await session.endTest(undefined)
    expect(first.path.endsWith(join('d', 't.yaml'))).toBe(true)
    expect(second.path.endsWith(join('d', 't (2).yaml'))).toBe(true)
    await session.finish()
  })

  it('a useCassette inside a test wins over the test cassette', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const session = new TestFileSession(vcr, join(dir, 'x.test.ts'))
    const own = await session.startTest(['t'])
    await vcr.useCassette('inner.yaml', async (inner) => {
      await get('http://h.test/inner')
      expect(inner.length).toBe(1)
    })
    expect(own.length).toBe(0)
    await session.endTest(undefined)
    await session.finish()
  })

  it('a failed test saves nothing under the runner options, and a passing one does', async () => {
    const session = new TestFileSession(new VCR(runnerVcrOptions({})), join(dir, 'x.test.ts'))
    const failed = await session.startTest(['fails'])
    await get('http://h.test/a')
    await session.endTest({ error: new Error('assertion') })
    expect(existsSync(failed.path)).toBe(false)
    const passed = await session.startTest(['passes'])
    await get('http://h.test/a')
    await session.endTest(undefined)
    expect(existsSync(passed.path)).toBe(true)
    await session.finish()
  })

  it('writes the usage record: every cassette ejected during the file, relative paths, interactions after the run, and which were played', async () => {
    const testFile = join(dir, 'x.test.ts')
    const vcr = new VCR({ cassetteLibraryDir: join(dir, 'elsewhere') })
    const first = new TestFileSession(vcr, testFile)
    await first.startTest(['records'])
    await get('http://h.test/one')
    await get('http://h.test/two')
    await first.endTest(undefined)
    await vcr.useCassette('shared.yaml', () => get('http://h.test/shared'))
    await first.finish()

    const session = new TestFileSession(vcr, testFile)
    await session.startTest(['records'])
    await get('http://h.test/two')
    await session.endTest(undefined)
    await session.startTest(['new one'])
    await session.endTest(undefined)
    // Only Date is faked: the record says when the run finished, not when it started.
    vi.useFakeTimers({ toFake: ['Date'] })
    onTestFinished(() => void vi.useRealTimers())
    vi.setSystemTime(new Date('2030-01-02T03:04:05.678Z'))
    await session.finish()
    const record = JSON.parse(await readFile(join(dir, '__cassettes__', 'x.test.ts', '.vcrjs-usage.json'), 'utf8'))
    expect(record).toEqual({
      version: 1,
      testFile: '../../x.test.ts',
      writtenAt: '2030-01-02T03:04:05.678Z',
      cassettes: [
        { path: 'records.yaml', interactions: 2, played: [1] },
        { path: 'new one.yaml', interactions: 0, played: [] },
      ],
    })
  })

  it('lists a cassette outside the folder with a relative path, and leaves no record for a file that used no cassette', async () => {
    const vcr = new VCR({ cassetteLibraryDir: join(dir, 'fixtures') })
    const session = new TestFileSession(vcr, join(dir, 'x.test.ts'))
    await vcr.useCassette('shared.yaml', () => get('http://h.test/shared'))
    await session.finish()
    const record = JSON.parse(await readFile(join(dir, '__cassettes__', 'x.test.ts', '.vcrjs-usage.json'), 'utf8'))
    expect(record.cassettes).toEqual([{ path: '../../fixtures/shared.yaml', interactions: 1, played: [0] }])

    const unused = new TestFileSession(vcr, join(dir, 'y.test.ts'))
    await unused.finish()
    expect(existsSync(join(dir, '__cassettes__', 'y.test.ts'))).toBe(false)
  })

  it('refuses a test started while another test of the file has its cassette in, naming both and the fix, and leaves the running one alone', async () => {
    const session = new TestFileSession(new VCR(), join(dir, 'x.test.ts'), { concurrencyFix: 'Drop .concurrent.' })
    // The second starts while the first one's cassette is still loading, as concurrent tests' hooks run.
    const loading = session.startTest(['d', 'first'])
    const error = await session.startTest(['d', 'second']).catch((e: unknown) => e)
    const first = await loading
    expect(error).toBeInstanceOf(ConcurrentTestsError)
    expect(error).toMatchObject({ code: 'VCR_CONCURRENT_TESTS', test: ['d', 'second'], running: ['d', 'first'] })
    expect((error as Error).message).toBe(
      'Test "d > second" started while test "d > first" still has its cassette in: tests of one file that run concurrently would record into one cassette. Drop .concurrent.',
    )
    expect(currentCassette()).toBe(first)
    await get('http://h.test/first')
    await session.endTest(undefined)
    expect(await readFile(first.path, 'utf8')).toContain('uri: http://h.test/first')
    expect(existsSync(join(dir, '__cassettes__', 'x.test.ts', 'd', 'second.yaml'))).toBe(false)
    await session.finish()
  })

  it('runTest gives each of two tests running at once its own cassette, current only in its own async context', async () => {
    const session = new TestFileSession(new VCR(), join(dir, 'x.test.ts'))
    // Both tests are inside their cassettes before either makes a request, and they finish in the other order.
    let bothIn!: () => void
    const started = new Promise<void>((resolve) => (bothIn = resolve))
    let inside = 0
    const test = (path: string) => async () => {
      if (++inside === 2) bothIn()
      await started
      await get(`http://h.test/${path}`)
      await get(`http://h.test/${path}/again`)
    }
    let twoDone!: () => void
    const twoFinished = new Promise<void>((resolve) => (twoDone = resolve))
    await Promise.all([
      session.runTest(['one'], async () => {
        await test('one')()
        await twoFinished
      }, () => undefined),
      session.runTest(['two'], async () => {
        await test('two')()
        twoDone()
      }, () => undefined),
    ])
    const folder = join(dir, '__cassettes__', 'x.test.ts')
    const one = await readFile(join(folder, 'one.yaml'), 'utf8')
    const two = await readFile(join(folder, 'two.yaml'), 'utf8')
    expect(one.match(/uri: .*/g)).toEqual(['uri: http://h.test/one', 'uri: http://h.test/one/again'])
    expect(two.match(/uri: .*/g)).toEqual(['uri: http://h.test/two', 'uri: http://h.test/two/again'])
    expect(currentCassette()).toBeUndefined()
    await session.finish()
  })

  it('runTest saves nothing for a test whose failure the runner reports, under the runner options, and ejects when the test throws', async () => {
    const session = new TestFileSession(new VCR(runnerVcrOptions({})), join(dir, 'x.test.ts'))
    await session.runTest(['failed'], () => get('http://h.test/a'), () => ({ error: new Error('assertion') }))
    const thrown = new Error('hook')
    const error = await session.runTest(['threw'], async () => {
      await get('http://h.test/b')
      throw thrown
    }, () => undefined).catch((e: unknown) => e)
    expect(error).toBe(thrown)
    expect(currentCassette()).toBeUndefined()
    await session.runTest(['passed'], () => get('http://h.test/c'), () => undefined)
    const folder = join(dir, '__cassettes__', 'x.test.ts')
    expect(existsSync(join(folder, 'failed.yaml'))).toBe(false)
    expect(existsSync(join(folder, 'threw.yaml'))).toBe(false)
    expect(existsSync(join(folder, 'passed.yaml'))).toBe(true)
    await session.finish()
  })

  it('startConcurrentTest gives each of two tests started at once its own cassette, ejected by its own end with its own failure', async () => {
    const session = new TestFileSession(new VCR(runnerVcrOptions({})), join(dir, 'x.test.ts'))
    const [one, two] = await Promise.all([session.startConcurrentTest(['d', 'one']), session.startConcurrentTest(['d', 'two'])])
    expect(one.cassette).not.toBe(two.cassette)
    const send = (cassette: Cassette, path: string) =>
      handleRequest({ cassette, request: { method: 'GET', url: `http://h.test/${path}` }, sendReal: async () => ({ status: 200, body: path }) })
    await send(one.cassette, 'one')
    await send(two.cassette, 'two')
    await two.end({ error: new Error('assertion') })
    await send(one.cassette, 'one/again')
    await one.end(undefined)
    await session.finish()
    const folder = join(dir, '__cassettes__', 'x.test.ts', 'd')
    expect((await readFile(join(folder, 'one.yaml'), 'utf8')).match(/uri: .*/g)).toEqual(['uri: http://h.test/one', 'uri: http://h.test/one/again'])
    expect(existsSync(join(folder, 'two.yaml'))).toBe(false)
    expect(currentCassette()).toBeUndefined()
    const record = JSON.parse(await readFile(join(dir, '__cassettes__', 'x.test.ts', '.vcrjs-usage.json'), 'utf8'))
    expect(record.cassettes).toEqual([
      { path: 'd/two.yaml', interactions: 0, played: [] },
      { path: 'd/one.yaml', interactions: 2, played: [0, 1] },
    ])
  })

  it('counts the played indices in the file as saved when the save merged in what another process stored meanwhile', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await vcr.useCassette('elsewhere.yaml', () => get('http://h.test/other'))
    const session = new TestFileSession(vcr, join(dir, 'x.test.ts'))
    const mine = await session.startTest(['t'])
    await get('http://h.test/mine-1')
    await get('http://h.test/mine-2')
    // Another process saves the same cassette while this test runs.
    await mkdir(dirname(mine.path), { recursive: true })
    await copyFile(join(dir, 'elsewhere.yaml'), mine.path)
    await session.endTest(undefined)
    await session.finish()
    expect((await readFile(mine.path, 'utf8')).match(/uri: .*/g)).toEqual(['uri: http://h.test/mine-1', 'uri: http://h.test/mine-2', 'uri: http://h.test/other'])
    const record = JSON.parse(await readFile(join(dir, '__cassettes__', 'x.test.ts', '.vcrjs-usage.json'), 'utf8'))
    expect(record.cassettes).toEqual([{ path: 't.yaml', interactions: 3, played: [0, 1] }])
  })

  it('moves the plays of an earlier save along when a later save of the same file merges it in', async () => {
    const vcr = new VCR()
    const session = new TestFileSession(vcr, join(dir, 'x.test.ts'))
    const send = (cassette: Cassette, path: string) =>
      handleRequest({ cassette, request: { method: 'GET', url: `http://h.test/${path}` }, sendReal: async () => ({ status: 200, body: path }) })
    // Two cassettes of this test file on one file, both loaded before either saves (as two concurrent tests with a shared useCassette).
    const mine = await session.startTest(['t'])
    const other = await vcr.insertCassette(mine.path)
    await send(other, 'other')
    await send(mine, 'mine')
    await other.eject()
    await session.endTest(undefined)
    await session.finish()
    expect((await readFile(mine.path, 'utf8')).match(/uri: .*/g)).toEqual(['uri: http://h.test/mine', 'uri: http://h.test/other'])
    const record = JSON.parse(await readFile(join(dir, '__cassettes__', 'x.test.ts', '.vcrjs-usage.json'), 'utf8'))
    expect(record.cassettes).toEqual([{ path: 't.yaml', interactions: 2, played: [0, 1] }])
  })

  it('keeps the played indices of a cassette saved with dropUnusedRequests in the order of the new file', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await vcr.useCassette('c.yaml', async () => {
      await get('http://h.test/1')
      await get('http://h.test/2')
      await get('http://h.test/3')
    })
    const session = new TestFileSession(vcr, join(dir, 'x.test.ts'))
    await vcr.useCassette('c.yaml', () => get('http://h.test/3'), { dropUnusedRequests: true, recordMode: 'new_episodes' })
    await session.finish()
    const record = JSON.parse(await readFile(join(dir, '__cassettes__', 'x.test.ts', '.vcrjs-usage.json'), 'utf8'))
    expect(record.cassettes).toEqual([{ path: '../../c.yaml', interactions: 1, played: [0] }])
  })
})

describe('RunnerHooks', () => {
  /** What vitest hands its hooks for test `name` in describe `d` of `file`. */
  const vitestContext = (file: string, name: string) => ({ task: { name, suite: { name: 'd', suite: { name: file, filepath: file } }, file: { filepath: file } } })

  it('a test refused for running concurrently ends nothing: the running test keeps its cassette and saves it', async () => {
    const file = join(dir, 'x.test.ts')
    const hooks = new RunnerHooks({}, { concurrencyFix: 'Drop .concurrent.' })
    const one = vitestContext(file, 'one')
    const two = vitestContext(file, 'two')
    await hooks.beforeTest(one)
    await expect(hooks.beforeTest(two)).rejects.toThrow(ConcurrentTestsError)
    // The runner still calls the refused test's after-each hook.
    await hooks.afterTest(two, { error: new Error('refused') })
    await get('http://h.test/one')
    await hooks.afterTest(one, undefined)
    await hooks.afterFile()
    const folder = join(dir, '__cassettes__', 'x.test.ts', 'd')
    expect((await readFile(join(folder, 'one.yaml'), 'utf8')).match(/uri: .*/g)).toEqual(['uri: http://h.test/one'])
    expect(existsSync(join(folder, 'two.yaml'))).toBe(false)
  })

  it('aroundTest runs the test inside its cassette, and a hook handed no test of a file runs it with none', async () => {
    const file = join(dir, 'x.test.ts')
    const hooks = new RunnerHooks({}, { concurrencyFix: '' })
    await hooks.aroundTest(vitestContext(file, 'wrapped'), () => get('http://h.test/wrapped'), () => undefined)
    let inside: unknown = 'not run'
    await hooks.aroundTest({}, async () => {
      inside = currentCassette()
    }, () => undefined)
    expect(inside).toBeUndefined()
    await hooks.afterFile()
    expect(await readFile(join(dir, '__cassettes__', 'x.test.ts', 'd', 'wrapped.yaml'), 'utf8')).toContain('uri: http://h.test/wrapped')
  })
})

describe('setTestCassetteLookup', () => {
  it("sends a request to the lookup's cassette before the inserted one, after a useCassette around it, and rejects it with what the lookup throws", async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const inserted = await vcr.insertCassette('inserted.yaml')
    const found = await vcr.insertCassette('found.yaml')
    const refused = new ConcurrentTestsError(['t'], [], 'Drop .concurrent.')
    let answer: () => Cassette | undefined = () => found
    setTestCassetteLookup(() => answer())
    onTestFinished(() => setTestCassetteLookup(undefined))
    // `found` is inserted last: the lookup must win over the inserted one either way.
    await inserted.eject()
    const newest = await vcr.insertCassette('newest.yaml')
    await get('http://h.test/found')
    await vcr.useCassette('scoped.yaml', (scoped) => get('http://h.test/scoped').then(() => expect(scoped.length).toBe(1)))
    answer = () => undefined
    await get('http://h.test/newest')
    answer = () => {
      throw refused
    }
    await expect(get('http://h.test/refused')).rejects.toBe(refused)
    setTestCassetteLookup(undefined)
    await get('http://h.test/after')
    expect(found.length).toBe(1)
    expect(newest.length).toBe(2)
    await newest.eject()
    await found.eject()
  })
})

describe('runnerVcrOptions', () => {
  it('under CI with no record mode given, the mode is none; a given mode or VCR_RECORD_MODE wins', async () => {
    vi.stubEnv('VCR_RECORD_MODE', '')
    vi.stubEnv('CI', 'true')
    expect(runnerVcrOptions({})).toEqual({ recordOnException: false, recordMode: 'none' })
    expect(runnerVcrOptions({ recordMode: 'once' }).recordMode).toBe('once')
    expect(runnerVcrOptions({ recordOnException: true }).recordOnException).toBe(true)
    vi.stubEnv('CI', 'false')
    expect(runnerVcrOptions({}).recordMode).toBeUndefined()
    vi.stubEnv('CI', '1')
    vi.stubEnv('VCR_RECORD_MODE', 'all')
    expect(runnerVcrOptions({}).recordMode).toBeUndefined()
    const cassette = await new VCR(runnerVcrOptions({})).insertCassette(join(dir, 'c.yaml'))
    expect(cassette.recordMode).toBe('all')
    await cassette.eject()
  })

  it('under CI a missing cassette fails with an error that says the file does not exist', async () => {
    vi.stubEnv('VCR_RECORD_MODE', '')
    vi.stubEnv('CI', 'true')
    const vcr = new VCR(runnerVcrOptions({ cassetteLibraryDir: dir }))
    const error = await vcr.useCassette('missing.yaml', () => get('http://h.test/x')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CannotOverwriteExistingCassetteError)
    expect((error as Error).message).toMatch(/^Cassette .*missing\.yaml does not exist, and record mode 'none' does not record: GET http:\/\/h\.test\/x cannot be replayed\./)
  })
})

describe('the cause of a failed test', () => {
  it('finds the vcrjs error a client wrapped, and nothing for a vcrjs error itself or an unrelated one', () => {
    const vcrError = new VcrError('VCR_X', 'no match here')
    const wrapped = new TypeError('fetch failed', { cause: vcrError })
    expect(wrappedVcrError(wrapped)).toBe(vcrError)
    expect(wrappedVcrError(new Error('test failure', { cause: wrapped }))).toBe(vcrError)
    expect(wrappedVcrError(vcrError)).toBeUndefined()
    expect(wrappedVcrError(new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') }))).toBeUndefined()
    expect(describeVcrCause(vcrError)).toBe('vcrjs: VcrError (VCR_X): no match here')
  })
})

describe('global fetch from another realm', () => {
  it('throws GlobalFetchNotRoutedError naming the fix, unless the realm was routed', () => {
    expect(() => assertGlobalFetchReachable('Use the forks pool.')).not.toThrow()
    vi.stubGlobal('fetch', runInNewContext('(function fetch() {})'))
    expect(() => assertGlobalFetchReachable('Use the forks pool.')).toThrow(GlobalFetchNotRoutedError)
    expect(() => assertGlobalFetchReachable('Use the forks pool.')).toThrow(/separate realm \(a vm context\).*would reach the network\. Use the forks pool\.$/)
    vi.stubGlobal(GLOBAL_FETCH_ROUTED, true)
    expect(() => assertGlobalFetchReachable('Use the forks pool.')).not.toThrow()
  })
})

describe('NODE_DEBUG=vcrjs', () => {
  it('logs one line per request: the cassette, the request without credentials, and what happened', async () => {
    const script = join(dir, 'debug.mts')
    const core = resolve(import.meta.dirname, '../index.ts')
    await writeFile(
      script,
      `import { VCR, handleRequest } from ${JSON.stringify(core)}
const vcr = new VCR({ cassetteLibraryDir: ${JSON.stringify(dir)}, ignoreHosts: ['ignored.test'] })
const get = (url) => handleRequest({ request: { method: 'GET', url, headers: { authorization: 'Bearer sekrit-token' } }, sendReal: async () => ({ status: 201, body: 'x' }) })
await vcr.useCassette('d.yaml', async () => { await get('https://user:pw@h.test/a?q=1'); await get('http://ignored.test/p?key=abc') })
await vcr.useCassette('d.yaml', async () => { await get('https://user:pw@h.test/a?q=1'); await get('https://h.test/a?q=2').catch(() => {}) })
await get('http://outside.test/o?token=abc')
`,
    )
    const tsx = resolve(import.meta.dirname, '../../../../node_modules/tsx/dist/cli.mjs')
    const child = spawnSync(process.execPath, [tsx, script], { env: { ...process.env, NODE_DEBUG: 'vcrjs', VCR_RECORD_MODE: '' }, encoding: 'utf8' })
    expect(child.status, child.stderr).toBe(0)
    const lines = child.stderr.split('\n').filter((line) => line.startsWith('VCRJS'))
    const cassette = join(dir, 'd.yaml')
    expect(lines.map((line) => line.replace(/^VCRJS \d+: /, ''))).toEqual([
      `${cassette}: GET https://h.test/a?q=1: recorded (status 201)`,
      `${cassette}: GET http://ignored.test:80/p?…: passed through (ignored host)`,
      `${cassette}: GET https://h.test/a?q=1: replayed interaction 1 of 1`,
      `${cassette}: GET https://h.test/a?q=2: no match: closest is interaction 1, GET https://h.test/a?q=1 (query: 'q=2' != 'q=1')`,
      `(no cassette): GET http://outside.test/o: passed through (no cassette in use)`,
    ])
    expect(child.stderr).not.toContain('sekrit')
    expect(child.stderr).not.toContain('pw@')
  })
})
