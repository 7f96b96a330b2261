import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Cassette } from './cassette.js'
import { CannotOverwriteExistingCassetteError, InvalidOptionError } from './errors.js'
import { handleRequest } from './handle-request.js'
import { BUILT_IN_MATCHERS, BUILT_INS } from './matchers.js'
import type { CassetteOptions } from './options.js'
import type { Request, RequestInit } from './request.js'
import { VCR } from './vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-matching-'))
})
afterEach(async () => {
  vi.restoreAllMocks()
  await rm(dir, { recursive: true, force: true })
})

/** A stand-in network that answers each call with a body saying which call it was. */
function fakeNetwork() {
  const network = {
    calls: 0,
    send: async () => ({ status: 200, headers: { 'Content-Type': 'text/plain' }, body: `call ${++network.calls}` }),
  }
  return network
}

const GRAPHQL = 'http://api.test/graphql'
const graphql = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  url: GRAPHQL,
  headers: { 'Content-Type': 'application/json', ...headers },
  body,
})
const query = (id: number) => JSON.stringify({ query: 'query Item($id: ID!) { item(id: $id) { id name } }', variables: { id, page: 1 } })
/** The same request, keys in another order and spaced differently: the body matcher must not care. */
const reordered = (id: number) => `{ "variables": { "page": 1, "id": ${id} }, "query": "query Item($id: ID!) { item(id: $id) { id name } }" }`

async function ask(cassette: Cassette, request: RequestInit): Promise<string> {
  const response = await handleRequest({ cassette, request, sendReal: fakeNetwork().send })
  return Buffer.from(response.body).toString()
}

async function record(name: string, requests: RequestInit[], options: CassetteOptions = {}): Promise<void> {
  const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json' })
  const network = fakeNetwork()
  const cassette = await vcr.insertCassette(name, { recordMode: 'all', ...options })
  for (const request of requests) await handleRequest({ cassette, request, sendReal: network.send })
  await cassette.eject()
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  )
}

describe('indexed matching on one URL', () => {
  const SIZE = 5000

  it('matchOn [method, uri, body] over 5,000 interactions: one body key per lookup, one comparison (the candidate in its bucket), no reason', async () => {
    await record('graphql.json', Array.from({ length: SIZE }, (_, id) => graphql(query(id))))
    const key = vi.spyOn(BUILT_INS.body, 'key')
    const match = vi.spyOn(BUILT_INS.body, 'match')
    const explain = vi.spyOn(BUILT_INS.body, 'explain')
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json', matchOn: ['method', 'uri', 'body'] })
    await vcr.useCassette('graphql.json', async (cassette) => {
      expect(key).toHaveBeenCalledTimes(SIZE) // indexing the loaded interactions
      key.mockClear()
      expect(await ask(cassette, graphql(reordered(4321)))).toBe('call 4322')
      expect(await ask(cassette, graphql(reordered(7)))).toBe('call 8')
      expect(await ask(cassette, graphql(query(SIZE - 1)))).toBe(`call ${SIZE}`)
      expect(key).toHaveBeenCalledTimes(3)
    })
    // body's key only narrows (vcrpy's rule compares bytes across Content-Types): the matcher checks the one candidate.
    expect(match).toHaveBeenCalledTimes(3)
    expect(explain).not.toHaveBeenCalled()
  })

  it('matchOn [method, uri, headers] over 5,000 interactions: one headers key per lookup', async () => {
    await record('headers.json', Array.from({ length: SIZE }, (_, id) => graphql('{}', { 'X-Request-Id': String(id) })))
    const key = vi.spyOn(BUILT_INS.headers, 'key')
    const match = vi.spyOn(BUILT_INS.headers, 'match')
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json', matchOn: ['method', 'uri', 'headers'] })
    await vcr.useCassette('headers.json', async (cassette) => {
      key.mockClear()
      // Header names in another case and order: the canonical form sorts and lower-cases them.
      const request = { method: 'POST', url: GRAPHQL, headers: [['x-request-id', '2500'], ['content-type', 'application/json']] as [string, string][], body: '{}' }
      expect(await ask(cassette, request)).toBe('call 2501')
      expect(key).toHaveBeenCalledTimes(1)
    })
    expect(match).not.toHaveBeenCalled()
  })

  it("a custom matcher with a key is indexed: it runs once per lookup, where without a key it runs on every candidate", async () => {
    const operation = (r: Request) => (JSON.parse(Buffer.from(r.body ?? '{}').toString()) as { variables: { id: number } }).variables.id.toString()
    await record('custom.json', Array.from({ length: SIZE }, (_, id) => graphql(query(id))))
    const counts = { key: 0, match: 0 }
    const match = (r1: Request, r2: Request) => (counts.match++, operation(r1) === operation(r2))
    const key = (r: Request) => (counts.key++, operation(r))

    const matchOn = ['method', 'uri', 'operation']
    const keyed = new VCR({ cassetteLibraryDir: dir, serializer: 'json' })
    keyed.registerMatcher('operation', match, { key })
    await keyed.useCassette(
      'custom.json',
      async (cassette) => {
        expect(counts.key).toBe(SIZE)
        counts.key = 0
        expect(await ask(cassette, graphql(reordered(4000)))).toBe('call 4001')
        expect(counts).toEqual({ key: 1, match: 1 })
      },
      { matchOn },
    )

    counts.match = 0
    const unkeyed = new VCR({ cassetteLibraryDir: dir, serializer: 'json' })
    unkeyed.registerMatcher('operation', match)
    await unkeyed.useCassette(
      'custom.json',
      async (cassette) => {
        expect(await ask(cassette, graphql(reordered(4000)))).toBe('call 4001')
        expect(counts.match).toBe(4001)
      },
      { matchOn },
    )
  })
})

describe('the matchers and additionalMatchers options', () => {
  it("the README's example: a matcher given in `matchers` is usable in the same constructor's matchOn", async () => {
    await record('jurassic.json', [{ method: 'GET', url: 'http://h.test/dinosaurs?era=jurassic' }])
    const vcr = new VCR({
      cassetteLibraryDir: dir,
      serializer: 'json',
      recordMode: 'none',
      matchers: { jurassic: (r1, r2) => r1.query.some(([, v]) => v === 'jurassic') === r2.query.some(([, v]) => v === 'jurassic') },
      matchOn: ['method', 'jurassic'],
    })
    await vcr.useCassette('jurassic.json', async (cassette) => {
      expect(await ask(cassette, { method: 'GET', url: 'http://other.test/anything?e=jurassic' })).toBe('call 1')
      const error = (await rejection(ask(cassette, { method: 'GET', url: 'http://h.test/dinosaurs?era=cretaceous' }))) as CannotOverwriteExistingCassetteError
      expect(error.closest[0]!.failed).toEqual([{ name: 'jurassic', reason: 'the matcher returned false' }])
    })
  })

  it('takes { match, key } (indexed), adds per-cassette matchers to the VCR ones without leaking them, and registerMatcher replaces a VCR one', async () => {
    await record('k.json', [graphql(query(1)), graphql(query(2))])
    const id = (r: Request) => String((JSON.parse(Buffer.from(r.body!).toString()) as { variables: { id: number } }).variables.id)
    const key = vi.fn(id)
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json', recordMode: 'none', matchers: { id: { match: (r1, r2) => id(r1) === id(r2), key } } })
    await vcr.useCassette('k.json', async (cassette) => expect(await ask(cassette, graphql(reordered(2)))).toBe('call 2'), { matchOn: ['uri', 'id'] })
    expect(key).toHaveBeenCalledTimes(3) // two interactions indexed, one lookup

    await vcr.useCassette(
      'k.json',
      async (cassette) => {
        expect(await ask(cassette, { ...graphql(reordered(2)), method: 'PUT' })).toBe('call 2')
        await expect(ask(cassette, graphql(query(9)))).rejects.toThrow('matcher failed: id')
      },
      { matchers: { anything: (r1, r2) => r1.url === r2.url }, matchOn: ['uri', 'id', 'anything'] },
    )
    await expect(vcr.useCassette('k.json', () => undefined, { matchOn: ['uri', 'anything'] })).rejects.toThrow("Unknown matcher 'anything' in matchOn")

    vcr.registerMatcher('id', () => false)
    const error = (await rejection(vcr.useCassette('k.json', (cassette) => ask(cassette, graphql(query(2))), { matchOn: ['uri', 'id'] }))) as CannotOverwriteExistingCassetteError
    expect(error).toBeInstanceOf(CannotOverwriteExistingCassetteError)
  })

  it("additionalMatchers is appended to matchOn (vcrpy's additional_matchers), on the VCR or per cassette", async () => {
    await record('add.json', [graphql(query(1))])
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json', recordMode: 'none', additionalMatchers: ['body'] })
    await vcr.useCassette('add.json', async (cassette) => {
      expect(await ask(cassette, graphql(reordered(1)))).toBe('call 1')
      const error = (await rejection(ask(cassette, graphql(query(2))))) as CannotOverwriteExistingCassetteError
      expect(error.message).toContain('matching on method, scheme, host, port, path, query, body')
      expect(error.closest[0]!.failed.map((failure) => failure.name)).toEqual(['body'])
    })
    // Without it, the default matchOn ignores the body.
    await new VCR({ cassetteLibraryDir: dir, serializer: 'json', recordMode: 'none' }).useCassette('add.json', async (cassette) => {
      expect(await ask(cassette, graphql(query(2)))).toBe('call 1')
    })
    await vcr.useCassette(
      'add.json',
      async (cassette) => {
        // The cassette's additionalMatchers replace the VCR's: the body no longer counts, the method does.
        expect(await ask(cassette, graphql(query(2)))).toBe('call 1')
        await expect(ask(cassette, { ...graphql(query(1)), method: 'PUT' })).rejects.toThrow('matching on uri, method')
      },
      { matchOn: ['uri'], additionalMatchers: ['method', 'uri'] },
    )
  })

  it.each([
    [{ matchers: 5 }, 'matchers', 'matchers must be an object of name → matcher'],
    [{ matchers: { x: 'r1.url' } }, 'matchers', 'matchers.x must be a function (r1, r2) => boolean or an object { match: (r1, r2) => boolean, key?: (request) => string }'],
    [{ matchers: { x: { match: () => true, key: 'url' } } }, 'matchers', 'matchers.x.key must be a function (request) => string, or left out'],
    [{ additionalMatchers: 'body' }, 'additionalMatchers', `additionalMatchers must be an array of matcher names. Known matchers: ${BUILT_IN_MATCHERS.join(', ')}.`],
    [{ additionalMatchers: ['bodyy'] }, 'additionalMatchers', `Unknown matcher 'bodyy' in additionalMatchers. Known matchers: ${BUILT_IN_MATCHERS.join(', ')}.`],
    [{ matchOn: ['method', 'jurassic'] }, 'matchOn', `Unknown matcher 'jurassic' in matchOn. Known matchers: ${BUILT_IN_MATCHERS.join(', ')}. Add your own with the matchers option`],
  ])('fails at construction on %j, naming what is allowed', async (options, option, message) => {
    for (const attempt of [() => new VCR(options as never), () => new VCR({ cassetteLibraryDir: dir }).useCassette('x.yaml', () => undefined, options as never)]) {
      const error = (await rejection(Promise.resolve().then(attempt))) as InvalidOptionError
      expect(error).toBeInstanceOf(InvalidOptionError)
      expect(error.option).toBe(option)
      expect(error.message).toContain(message)
    }
  })
})

describe('the no-match error', () => {
  it('carries the request and the closest recorded requests, redacted, with the matchers that passed and failed and why', async () => {
    await record('err.json', [
      { method: 'GET', url: 'http://h.test/users?page=1', headers: { Authorization: 'Bearer recorded-token' } },
      { method: 'GET', url: 'http://h.test/teams' },
      { method: 'POST', url: 'http://elsewhere.test/x' },
      { method: 'DELETE', url: 'https://far.test/y' },
    ])
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json' })
    const cassette = await vcr.insertCassette('err.json')
    expect(await ask(cassette, { method: 'GET', url: 'http://h.test/teams' })).toBe('call 2')
    const error = (await rejection(
      ask(cassette, { method: 'GET', url: 'http://alice:hunter2@h.test/users?page=2', headers: { Authorization: 'Bearer live-token', Accept: 'a/b' } }),
    )) as CannotOverwriteExistingCassetteError
    await cassette.eject()

    expect(error).toBeInstanceOf(CannotOverwriteExistingCassetteError)
    expect(error.request!.url).toBe('http://h.test/users?page=2')
    expect(error.request!.headers.get('authorization')).toBe('<redacted>')
    expect(error.request!.headers.get('accept')).toBe('a/b')
    expect(error.closest.map(({ request, ...rest }) => ({ request: String(request), ...rest }))).toEqual([
      {
        request: 'GET http://h.test/users?page=1',
        index: 0,
        played: false,
        passed: ['method', 'scheme', 'host', 'port', 'path'],
        failed: [{ name: 'query', reason: "'page=2' != 'page=1'" }],
      },
      {
        request: 'GET http://h.test/teams',
        index: 1,
        played: true,
        passed: ['method', 'scheme', 'host', 'port'],
        failed: [
          { name: 'path', reason: "'/users' != '/teams'" },
          { name: 'query', reason: "'page=2' != ''" },
        ],
      },
      {
        request: 'POST http://elsewhere.test/x',
        index: 2,
        played: false,
        passed: ['scheme', 'port'],
        failed: [
          { name: 'method', reason: "'GET' != 'POST'" },
          { name: 'host', reason: "'h.test' != 'elsewhere.test'" },
          { name: 'path', reason: "'/users' != '/x'" },
          { name: 'query', reason: "'page=2' != ''" },
        ],
      },
    ])
    expect(error.closest[0]!.request.headers.get('authorization')).toBe('<redacted>')
    for (const secret of ['hunter2', 'live-token', 'recorded-token']) expect(JSON.stringify({ ...error, message: error.message })).not.toContain(secret)
    // The fields hand out copies: changing them leaves the cassette as it was.
    error.closest[0]!.request.headers.set('X-Changed', '1')
    expect(cassette.requests[0]!.headers.has('x-changed')).toBe(false)
  })

  it('an empty cassette: no closest requests', async () => {
    // A file with no interactions: a missing file gets its own message (it does not exist).
    await writeFile(join(dir, 'empty.json'), '{"interactions": [], "version": 1}')
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json', recordMode: 'none' })
    const error = (await rejection(vcr.useCassette('empty.json', (c) => ask(c, { method: 'GET', url: 'http://h.test/a' })))) as CannotOverwriteExistingCassetteError
    expect(error.closest).toEqual([])
    expect(error.message).toContain('The cassette holds no interactions.')
  })

  it('reasons are computed for the error only: a replay that skips candidates builds and reads none', async () => {
    await record('picky.json', [graphql('{"n":1}'), graphql('{"n":2}'), graphql('{"n":3}')])
    let messageReads = 0
    const picky = (r1: Request, r2: Request) => {
      if (Buffer.compare(r1.body!, r2.body!) === 0) return true
      // vcrpy-style: a matcher asserts, and its message is the reason.
      throw Object.create(Error.prototype, { message: { get: () => `bodies differ (read ${++messageReads})` } }) as Error
    }
    const explains = [...new Set(Object.values(BUILT_INS))].map((matcher) => vi.spyOn(matcher, 'explain'))
    const explained = () => explains.reduce((calls, explain) => calls + explain.mock.calls.length, 0)
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json', matchers: { picky }, matchOn: ['method', 'uri', 'picky'] })
    await vcr.useCassette('picky.json', async (cassette) => {
      expect(await ask(cassette, graphql('{"n":3}'))).toBe('call 3')
      expect(await ask(cassette, graphql('{"n":2}'))).toBe('call 2')
      expect(messageReads).toBe(0)
      expect(explained()).toBe(0)

      const error = (await rejection(ask(cassette, { ...graphql('{"n":4}'), url: 'http://api.test/other' }))) as CannotOverwriteExistingCassetteError
      expect(error.closest[0]!.failed).toEqual([
        { name: 'uri', reason: `'http://api.test/other' != '${GRAPHQL}'` },
        { name: 'picky', reason: 'bodies differ (read 1)' },
      ])
      expect(explained()).toBeGreaterThan(0)
    }, { recordMode: 'none' })
  })
})
