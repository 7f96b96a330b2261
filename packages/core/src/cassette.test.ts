import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  CannotOverwriteExistingCassetteError,
  CassetteLoadError,
  CassetteSaveError,
  InvalidOptionError,
  VcrError,
} from './errors.js'
import { handleRequest } from './handle-request.js'
import type { Cassette } from './cassette.js'
import { RECORD_MODES, type RecordMode } from './record-mode.js'
import { yamlSerializer } from './serializers/yaml.js'
import { VCR } from './vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-core-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** A stand-in network: counts calls, answers each with a body that says which call it was. */
function fakeNetwork() {
  const network = {
    calls: 0,
    send: async () => {
      network.calls++
      return { status: 200, headers: [['Content-Type', 'text/plain']] as [string, string][], body: `call ${network.calls}` }
    },
  }
  return network
}

const get = (url: string) => ({ method: 'GET', url })
const text = (response: { body: Uint8Array }) => Buffer.from(response.body).toString()

async function ask(cassette: Cassette, url: string, network = fakeNetwork()) {
  return text(await handleRequest({ cassette, request: get(url), sendReal: network.send }))
}

async function writeCassette(vcr: VCR, name: string, urls: string[]) {
  const network = fakeNetwork()
  await vcr.useCassette(name, async (cassette) => {
    for (const url of urls) await ask(cassette, url, network)
  })
}

describe('record modes', () => {
  const cases: [RecordMode, boolean, { replays: boolean; records: boolean }][] = [
    ['once', false, { replays: false, records: true }],
    ['once', true, { replays: true, records: false }],
    ['new_episodes', false, { replays: false, records: true }],
    ['new_episodes', true, { replays: true, records: true }],
    ['none', false, { replays: false, records: false }],
    ['none', true, { replays: true, records: false }],
    ['all', false, { replays: false, records: true }],
    ['all', true, { replays: false, records: true }],
  ]

  it.each(cases)('%s with cassette present=%s', async (recordMode, present, expected) => {
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode })
    if (present) await writeCassette(new VCR({ cassetteLibraryDir: dir }), 'c.yaml', ['http://h.test/known'])
    const network = fakeNetwork()
    await vcr.useCassette('c.yaml', async (cassette) => {
      const known = handleRequest({ cassette, request: get('http://h.test/known'), sendReal: network.send })
      if (expected.replays) expect(text(await known)).toBe('call 1')
      else if (expected.records) expect(text(await known)).toBe(`call ${network.calls}`)
      else await expect(known).rejects.toBeInstanceOf(CannotOverwriteExistingCassetteError)

      const unknown = handleRequest({ cassette, request: get('http://h.test/unknown'), sendReal: network.send })
      if (expected.records) expect(text(await unknown)).toBe(`call ${network.calls}`)
      else await expect(unknown).rejects.toBeInstanceOf(CannotOverwriteExistingCassetteError)
    })
    expect(network.calls).toBe((expected.replays ? 0 : expected.records ? 1 : 0) + (expected.records ? 1 : 0))
  })

  it('none creates no file; all replaces the cassette with this run', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await vcr.useCassette('none.yaml', (c) => ask(c, 'http://h.test/x').catch(() => undefined), { recordMode: 'none' })
    await expect(readdir(dir)).resolves.toEqual([])

    await writeCassette(vcr, 'all.yaml', ['http://h.test/a', 'http://h.test/b'])
    await vcr.useCassette('all.yaml', (c) => ask(c, 'http://h.test/c'), { recordMode: 'all' })
    const file = await readFile(join(dir, 'all.yaml'), 'utf8')
    expect(file).toContain('http://h.test/c')
    expect(file).not.toContain('http://h.test/a')
  })

  it('new_episodes appends new interactions after the old ones', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await writeCassette(vcr, 'e.yaml', ['http://h.test/a'])
    await vcr.useCassette('e.yaml', (c) => ask(c, 'http://h.test/b'), { recordMode: 'new_episodes' })
    const reloaded = await vcr.insertCassette('e.yaml')
    expect(reloaded.requests.map((r) => r.path)).toEqual(['/a', '/b'])
    await reloaded.eject()
  })

  it('rejects an unknown record mode, listing the allowed ones', () => {
    expect(() => new VCR({ recordMode: 'sometimes' as RecordMode })).toThrow(
      "Invalid recordMode \"sometimes\". Allowed values: 'once', 'new_episodes', 'none', 'all'.",
    )
    expect(RECORD_MODES).toEqual(['once', 'new_episodes', 'none', 'all'])
  })
})

describe('playback', () => {
  it('identical requests play back in recorded order, each once', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await writeCassette(vcr, 'p.yaml', ['http://h.test/n', 'http://h.test/n', 'http://h.test/n'])
    await vcr.useCassette('p.yaml', async (cassette) => {
      expect([await ask(cassette, 'http://h.test/n'), await ask(cassette, 'http://h.test/n'), await ask(cassette, 'http://h.test/n')]).toEqual([
        'call 1',
        'call 2',
        'call 3',
      ])
      expect(cassette.playCount).toBe(3)
      expect(cassette.allPlayed).toBe(true)
      const error = await ask(cassette, 'http://h.test/n').catch((e: Error) => e)
      expect(error).toBeInstanceOf(CannotOverwriteExistingCassetteError)
      expect((error as Error).message).toContain('was already played')
      cassette.rewind()
      expect(cassette.playCount).toBe(0)
      expect(await ask(cassette, 'http://h.test/n')).toBe('call 1')
    })
  })

  it("allPlayed counts as vcrpy's all_played: an interaction recorded in new_episodes has not been played (vcrpy tests/integration/test_record_mode.py)", async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'new_episodes' })
    await writeCassette(vcr, 'episodes.yaml', ['http://h.test/'])
    await vcr.useCassette('episodes.yaml', async (cassette) => {
      await ask(cassette, 'http://h.test/')
      expect(cassette.allPlayed).toBe(true)
      await ask(cassette, 'http://h.test/get')
      expect([cassette.playCount, cassette.allPlayed]).toEqual([1, false])
    })
    await vcr.useCassette('episodes.yaml', (cassette) => expect(cassette.length).toBe(2))
  })

  it('allowPlaybackRepeats repeats the last match once all have played', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await writeCassette(vcr, 'r.yaml', ['http://h.test/n', 'http://h.test/n'])
    const bodies = await vcr.useCassette(
      'r.yaml',
      async (c) => [await ask(c, 'http://h.test/n'), await ask(c, 'http://h.test/n'), await ask(c, 'http://h.test/n')],
      { allowPlaybackRepeats: true },
    )
    expect(bodies).toEqual(['call 1', 'call 2', 'call 2'])
  })

  it('exposes requests, responses, length and responsesOf', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await writeCassette(vcr, 'api.yaml', ['http://h.test/a?x=1', 'http://h.test/b', 'http://h.test/a?x=1'])
    const cassette = await vcr.insertCassette('api.yaml')
    expect(cassette.length).toBe(3)
    expect(cassette.requests.map(String)).toEqual(['GET http://h.test/a?x=1', 'GET http://h.test/b', 'GET http://h.test/a?x=1'])
    expect(cassette.responses.map(text)).toEqual(['call 1', 'call 2', 'call 3'])
    expect(cassette.responsesOf(get('http://h.test/a?x=1')).map(text)).toEqual(['call 1', 'call 3'])
    expect(cassette.responsesOf(get('http://h.test/zzz'))).toEqual([])
    expect(cassette.allPlayed).toBe(false)
    await cassette.eject()
  })

  it('looks requests up through an index, not a scan of the cassette', async () => {
    const urls = Array.from({ length: 5000 }, (_, i) => `http://h.test/item/${i}`)
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json' })
    await writeCassette(vcr, 'big.json', urls)
    let comparisons = 0
    vcr.registerMatcher('counted', () => {
      comparisons++
      return true
    })
    await vcr.useCassette(
      'big.json',
      async (cassette) => {
        expect(await ask(cassette, 'http://h.test/item/4321')).toBe('call 4322')
        expect(await ask(cassette, 'http://h.test/item/7')).toBe('call 8')
      },
      { matchOn: ['method', 'scheme', 'host', 'port', 'path', 'query', 'counted'] },
    )
    // Only the request's own bucket is checked by the matchers that cannot be indexed.
    expect(comparisons).toBe(2)
  })
})

describe('the no-match error', () => {
  it('names the request without credentials, the cassette, the mode, and the closest requests with the failing matchers', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await writeCassette(vcr, 'err.yaml', ['http://h.test/users?page=1', 'http://h.test/teams'])
    const error = (await vcr
      .useCassette('err.yaml', (c) => ask(c, 'http://alice:hunter2@h.test/users?page=2'))
      .catch((e: unknown) => e)) as CannotOverwriteExistingCassetteError
    expect(error).toBeInstanceOf(CannotOverwriteExistingCassetteError)
    expect(error).toBeInstanceOf(VcrError)
    expect(error.code).toBe('VCR_CANNOT_OVERWRITE_EXISTING_CASSETTE')
    expect(error.cassettePath).toBe(join(dir, 'err.yaml'))
    expect(error.recordMode).toBe('once')
    expect(error.message).not.toContain('hunter2')
    expect(error.message).toContain(`Can't overwrite existing cassette ${join(dir, 'err.yaml')} in record mode 'once'`)
    expect(error.message).toContain('GET http://h.test/users?page=2')
    expect(error.message).toContain('1. GET http://h.test/users?page=1')
    expect(error.message).toContain("matcher failed: query: 'page=2' != 'page=1'")
    expect(error.message).toContain("matcher failed: path: '/users' != '/teams'")
    expect(error.message).toContain("recordMode 'new_episodes'")
  })

  it('is an instance across copies of @vcrjs/core, by its brand', () => {
    // What another copy's error carries: the brand, listing the classes it was built as.
    const foreign = Object.assign(Object.create(Error.prototype) as object, {
      [Symbol.for('vcrjs.error')]: ['CannotOverwriteExistingCassetteError', 'VcrError'],
    })
    expect(foreign).toBeInstanceOf(CannotOverwriteExistingCassetteError)
    expect(foreign).toBeInstanceOf(VcrError)
    expect(foreign).not.toBeInstanceOf(InvalidOptionError)
    expect(new InvalidOptionError('x', 'y')).not.toBeInstanceOf(CannotOverwriteExistingCassetteError)
    expect(new InvalidOptionError('x', 'y')).toBeInstanceOf(VcrError)
    expect(new Error('plain')).not.toBeInstanceOf(VcrError)
  })
})

describe('loading', () => {
  it.each([
    ['bad YAML', 'interactions: [\n  - {', /cannot be deserialized/],
    ['an unknown version', 'interactions: []\nversion: 2\n', /format version is 2; vcrjs reads version 1/],
    ["vcrpy's pre-1.0 list", '- request: {}\n  response: {}\n', /pre-1.0 format.*vcr\.migration/],
    ["Ruby VCR 1.x's list of structs", '- !ruby/struct:VCR::HTTPInteraction\n  request: !ruby/struct:VCR::Request\n    method: :get\n    uri: http://h:80/\n', /Ruby VCR 1\.x cassette.*vcr:migrate_cassettes/],
    ['a Python tag that would run code', 'interactions: []\n_x: !!python/object/apply:os.system ["touch pwned"]\nversion: 1\n', /Python tag !!python\/object\/apply:os\.system, which would run Python code/],
    ['no interactions key', 'foo: 1\n', /neither `interactions` \(vcrpy\) nor `http_interactions` \(Ruby VCR\)/],
    ['an interaction without a method', 'interactions:\n- request: {uri: "http://h/"}\n  response: {status: {code: 200}}\nversion: 1\n', /interactions\[0\]\.request\.method/],
    // Responses are built when first played; a broken one must still fail the load.
    ['a response with a bad status', 'interactions:\n- request: {method: GET, uri: "http://h/"}\n  response: {status: {code: nope}}\nversion: 1\n', /interactions\[0\]\.response\.status\.code/],
    ['a response with a bad body', 'interactions:\n- request: {method: GET, uri: "http://h/"}\n  response: {status: {code: 200}, body: {string: [5]}}\nversion: 1\n', /interactions\[0\]\.response\.body is neither/],
  ])('reports %s, naming the file, and never overwrites it', async (_, content, problem) => {
    const path = join(dir, 'broken.yaml')
    await writeFile(path, content)
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'new_episodes' })
    const error = (await vcr.useCassette('broken.yaml', () => undefined).catch((e: unknown) => e)) as CassetteLoadError
    expect(error).toBeInstanceOf(CassetteLoadError)
    expect(error.message).toContain(path)
    expect(error.message).toMatch(problem)
    expect(error.message).toContain('left untouched')
    expect(await readFile(path, 'utf8')).toBe(content)
  })

  it('reads Ruby VCR cassettes', async () => {
    await writeFile(
      join(dir, 'ruby.yml'),
      [
        'http_interactions:',
        '- request:',
        '    method: get',
        '    uri: http://h.test/ruby?b=2&a=1',
        '    body:',
        '      encoding: US-ASCII',
        "      string: ''",
        '    headers: {}',
        '  response:',
        '    status:',
        '      code: 200',
        '      message: OK',
        '    headers:',
        '      Set-Cookie:',
        '      - a=1',
        '      - b=2',
        '    body:',
        '      encoding: ASCII-8BIT',
        '      string: !binary |-',
        '        AAEC',
        '  recorded_at: Tue, 24 Nov 2026 10:00:00 GMT',
        'recorded_with: VCR 6.2.0',
        '',
      ].join('\n'),
    )
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
    await vcr.useCassette('ruby.yml', async (cassette) => {
      const response = await handleRequest({ cassette, request: get('http://h.test/ruby?a=1&b=2'), sendReal: fakeNetwork().send })
      expect([...response.body]).toEqual([0, 1, 2])
      expect(response.headers.getAll('set-cookie')).toEqual(['a=1', 'b=2'])
      expect(cassette.requests[0]!.method).toBe('GET')
      expect(cassette.requests[0]!.body).toBeNull()
    })
  })
})

describe('saving', () => {
  it('saves only when something was recorded', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await writeCassette(vcr, 's.yaml', ['http://h.test/a'])
    const before = await readFile(join(dir, 's.yaml'), 'utf8')
    await writeFile(join(dir, 's.yaml'), `${before}# a comment the user added\n`)
    await vcr.useCassette('s.yaml', (c) => ask(c, 'http://h.test/a'))
    expect(await readFile(join(dir, 's.yaml'), 'utf8')).toContain('# a comment the user added')
  })

  it('creates missing folders and leaves no temporary file', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await writeCassette(vcr, 'deep/er/c.yaml', ['http://h.test/a'])
    expect(await readdir(join(dir, 'deep/er'))).toEqual(['c.yaml'])
  })

  it('a failing serializer leaves the old file intact', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await writeCassette(vcr, 'keep.yaml', ['http://h.test/a'])
    const before = await readFile(join(dir, 'keep.yaml'), 'utf8')
    vcr.registerSerializer('broken', {
      serialize: () => {
        throw new Error('disk full of opinions')
      },
      deserialize: yamlSerializer.deserialize,
    })
    const error = await vcr
      .useCassette('keep.yaml', (c) => ask(c, 'http://h.test/new'), { recordMode: 'new_episodes', serializer: 'broken' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CassetteSaveError)
    expect((error as Error).message).toContain('disk full of opinions')
    expect(await readFile(join(dir, 'keep.yaml'), 'utf8')).toBe(before)
    expect(await readdir(dir)).toEqual(['keep.yaml'])
  })
})
