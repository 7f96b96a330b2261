import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { currentCassette } from './context.js'
import { CassetteEjectedError, InvalidOptionError } from './errors.js'
import { handleRequest } from './handle-request.js'
import { MemoryPersister } from './persisters/memory.js'
import { VCR } from './vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-vcr-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const sendReal = async () => ({ status: 200, body: 'live' })
const record = (url: string) => handleRequest({ request: { method: 'GET', url }, sendReal })

describe('VCR options', () => {
  it('fails at construction on unknown options, matchers and serializers, naming the known ones', () => {
    expect(() => new VCR({ record_mode: 'all' } as never)).toThrow(
      /^Unknown VCR option 'record_mode'\. Did you mean 'recordMode'\? .* Known options: recordMode, matchOn, .*, cassetteLibraryDir\.$/,
    )
    expect(() => new VCR({ bogus: 1 } as never)).toThrow(/^Unknown VCR option 'bogus'\. Known options: /)
    expect(() => new VCR({ matchOn: ['method', 'jurassic'] })).toThrow(/Unknown matcher 'jurassic'/)
    expect(() => new VCR({ serializer: 'bogo' })).toThrow("Unknown serializer 'bogo'. Known serializers: yaml, json, ruby-yaml.")
    expect(() => new VCR({ serializer: 'bogo' })).toThrow(InvalidOptionError)
  })

  it('per-cassette options override the VCR options', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
    await vcr.useCassette('o.json', (cassette) => {
      expect(cassette.recordMode).toBe('all')
      return record('http://h.test/a')
    }, { recordMode: 'all', serializer: 'json' })
    expect(JSON.parse(await readFile(join(dir, 'o.json'), 'utf8')).version).toBe(1)
  })

  it('registered matchers and serializers are usable by name', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    vcr.registerSerializer('bogo', { serialize: (data) => `BOGO${JSON.stringify(data)}`, deserialize: (text) => JSON.parse(text.slice(4)) })
    vcr.registerMatcher('jurassic', (r1, r2) => r1.path.split('/')[1] === r2.path.split('/')[1])
    await vcr.useCassette('b.bogo', () => record('http://h.test/dino/1'), { serializer: 'bogo' })
    expect(await readFile(join(dir, 'b.bogo'), 'utf8')).toMatch(/^BOGO\{"interactions"/)
    const replayed = await vcr.useCassette('b.bogo', () => record('http://h.test/dino/2'), {
      serializer: 'bogo',
      matchOn: ['jurassic'],
      recordMode: 'none',
    })
    expect(Buffer.from(replayed.body).toString()).toBe('live')
  })

  it('a registered persister replaces the file system', async () => {
    const vcr = new VCR({ cassetteLibraryDir: '/cassettes' })
    const persister = new MemoryPersister()
    vcr.registerPersister(persister)
    await vcr.useCassette('m.yaml', () => record('http://h.test/m'))
    expect([...persister.files.keys()]).toEqual(['/cassettes/m.yaml'])
    expect(persister.files.get('/cassettes/m.yaml')).toContain('uri: http://h.test/m')
  })
})

describe('lifecycle', () => {
  it('useCassette ejects and saves even when the function throws', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await expect(
      vcr.useCassette('t.yaml', async () => {
        await record('http://h.test/before-throw')
        throw new Error('test failed')
      }),
    ).rejects.toThrow('test failed')
    expect(await readFile(join(dir, 't.yaml'), 'utf8')).toContain('before-throw')
    expect(currentCassette()).toBeUndefined()
  })

  it('withCassette wraps a test function in both forms, passing the cassette then the runner arguments', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const direct = vcr.withCassette('w1.yaml', async (cassette, label: string) => {
      await record('http://h.test/w1')
      return `${label}:${cassette.length}`
    })
    const curried = vcr.withCassette('w2.yaml', { serializer: 'json' })(async (cassette) => {
      await record('http://h.test/w2')
      return cassette.path
    })
    expect(await direct('ctx')).toBe('ctx:1')
    expect(await curried()).toBe(join(dir, 'w2.yaml'))
    expect(JSON.parse(await readFile(join(dir, 'w2.yaml'), 'utf8')).interactions).toHaveLength(1)
  })

  it('insertCassette makes a cassette current outside useCassette until it is ejected', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const cassette = await vcr.insertCassette('i.yaml')
    expect(currentCassette()).toBe(cassette)
    await record('http://h.test/i')
    expect(cassette.length).toBe(1)
    await cassette.eject()
    expect(currentCassette()).toBeUndefined()
    expect(await readFile(join(dir, 'i.yaml'), 'utf8')).toContain('http://h.test/i')
    await expect(handleRequest({ cassette, request: { method: 'GET', url: 'http://h.test/i' }, sendReal })).rejects.toBeInstanceOf(
      CassetteEjectedError,
    )
  })

  it('nested useCassette: the innermost wins, the outer comes back after', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await vcr.useCassette('outer.yaml', async (outer) => {
      await vcr.useCassette('inner.yaml', async (inner) => {
        expect(currentCassette()).toBe(inner)
        await record('http://h.test/inner')
      })
      expect(currentCassette()).toBe(outer)
      await record('http://h.test/outer')
    })
    expect(await readFile(join(dir, 'outer.yaml'), 'utf8')).not.toContain('inner')
  })

  it('with no cassette at all, requests pass through to the network', async () => {
    const response = await record('http://h.test/free')
    expect(Buffer.from(response.body).toString()).toBe('live')
  })
})

describe('cassette paths', () => {
  it('takes a file: URL, as a URL or a string, like vcrpy takes a pathlib.Path (vcrpy tests/unit/test_vcr.py)', async () => {
    const vcr = new VCR({ cassetteLibraryDir: '/nowhere' })
    const url = pathToFileURL(join(dir, 'as url.yaml'))
    const first = await vcr.useCassette(url, async (cassette) => {
      await record('http://h.test/')
      return cassette.path
    })
    expect(first).toBe(join(dir, 'as url.yaml'))
    expect(await readFile(join(dir, 'as url.yaml'), 'utf8')).toContain('uri: http://h.test/')
    const replayed = await vcr.useCassette(url.href, (cassette) => cassette.length, { recordMode: 'none' })
    expect(replayed).toBe(1)
  })

  it('refuses a URL that names no local file, with the allowed form', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await expect(vcr.useCassette(new URL('https://h.test/a.yaml'), () => undefined)).rejects.toThrow(InvalidOptionError)
    await expect(vcr.useCassette('file://remote-host/a.yaml', () => undefined)).rejects.toThrow(/must be a file: URL naming a file/)
  })
})

describe('withCassette(fn) names the cassette after the test', () => {
  it("uses node:test's t: the test file, the describe titles of fullName, and the title", async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const t = { name: 'fetches', fullName: 'users > by id > fetches', filePath: '/app/test/api.test.mjs', diagnostic() {} }
    const path = await vcr.withCassette(async (cassette, _t: typeof t) => cassette.path)(t)
    expect(path).toBe(join(dir, 'api.test.mjs', 'users', 'by id', 'fetches.yaml'))
  })

  it('gives a json cassette the .json extension, and makes each title a portable file name', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json' })
    const t = { name: 'a/b?', fullName: 'a/b?', filePath: '/app/x.test.mjs', diagnostic() {} }
    const path = await vcr.withCassette(async (cassette, _t: typeof t) => cassette.path)(t)
    expect(path).toMatch(new RegExp(`^${dir}/x\\.test\\.mjs/a_b_-[0-9a-f]{8}\\.json$`))
  })

  it('uses the Jest test published by @vcrjs/jest/environment, else the function name', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const key = Symbol.for('vcrjs.jest.current-test')
    async function namedTest(cassette: { path: string }) {
      return cassette.path
    }
    expect(await vcr.withCassette(namedTest)()).toBe(join(dir, 'namedTest.yaml'))
    ;(globalThis as Record<symbol, unknown>)[key] = { testFile: '/app/api.test.js', titles: ['users', 'fetches'] }
    try {
      expect(await vcr.withCassette(namedTest)()).toBe(join(dir, 'api.test.js', 'users', 'fetches.yaml'))
    } finally {
      delete (globalThis as Record<symbol, unknown>)[key]
    }
  })
})
