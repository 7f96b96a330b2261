import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Cassette } from '../cassette.js'
import { handleRequest } from '../handle-request.js'
import { Request, type RequestInit } from '../request.js'
import { Response } from '../response.js'
import { VCR } from '../vcr.js'
import { DEFAULT_FILTERED_HEADERS, DEFAULT_FILTERED_QUERY_PARAMETERS } from './defaults.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-filter-defaults-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Sends `init` through the cassette to a network that answers with a fixed body; returns what reached the network. */
async function send(cassette: Cassette, init: RequestInit): Promise<Request[]> {
  const seen: Request[] = []
  const request = new Request(init)
  await handleRequest({
    cassette,
    request,
    sendReal: async () => {
      seen.push(request)
      return new Response({ status: 200, body: 'ok' })
    },
  })
  return seen
}

const file = (name: string) => readFile(join(dir, name), 'utf8')

describe('filterDefaults (on by default)', () => {
  it('every default credential header and query parameter is stored as <FILTERED>; the network still got the real values', async () => {
    const headers = Object.fromEntries(DEFAULT_FILTERED_HEADERS.map((name, i) => [name.toUpperCase(), `header-secret-${i}`]))
    const query = DEFAULT_FILTERED_QUERY_PARAMETERS.map((name, i) => `${name}=query-secret-${i}`).join('&')
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const seen = await vcr.useCassette('d.yaml', (c) => send(c, { method: 'GET', url: `http://h.test/x?${query}&page=2`, headers }))
    expect(seen[0]!.headers.get('authorization')).toBe('header-secret-0')
    const text = await file('d.yaml')
    expect(text).not.toMatch(/header-secret|query-secret/)
    expect(text.match(/<FILTERED>/g)).toHaveLength(DEFAULT_FILTERED_HEADERS.length + DEFAULT_FILTERED_QUERY_PARAMETERS.length)
    expect(text).toContain('api_key=<FILTERED>')
    expect(text).toContain('&page=2')
  })

  it('query parameter names match in any case; the other parameters keep their exact spelling', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await vcr.useCassette('q.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/x?q=a%20b+c&API_KEY=s3cr3t&tag=%7E' }))
    expect(await file('q.yaml')).toContain('uri: http://h.test/x?q=a%20b+c&API_KEY=<FILTERED>&tag=%7E')
  })

  it('a parameter name is filtered however the URL spells it: percent-escaped, with a + for a space, after a second ?', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, filterQueryParameters: ['my key'] })
    await vcr.useCassette('s.yaml', async (c) => {
      await send(c, { method: 'GET', url: 'http://h.test/a?page=1&api%5Fkey=secret-one' })
      await send(c, { method: 'GET', url: 'http://h.test/b?my+key=secret-two&page=2' })
      await send(c, { method: 'GET', url: 'http://h.test/c??api_key=secret-three' })
      await send(c, { method: 'GET', url: 'http://h.test/d?Token' })
    })
    const text = await file('s.yaml')
    expect(text).not.toMatch(/secret-/)
    expect(text).toContain('uri: http://h.test/a?page=1&api%5Fkey=<FILTERED>')
    expect(text).toContain('uri: http://h.test/b?page=2')
    expect(text).toContain('uri: http://h.test/c??api_key=<FILTERED>')
    expect(text).toContain('uri: http://h.test/d?Token=<FILTERED>')
  })

  it('a request with no credential is stored with its URL and headers exactly as sent', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const url = 'http://h.test/x?q=a%20b+c&keys=1&tokens=2&%E2%9C%93=%7E#frag'
    await vcr.useCassette('n.yaml', (c) => send(c, { method: 'GET', url, headers: { 'X-Authorization-Mode': 'none', Accept: '*/*' } }))
    const [stored] = (await vcr.insertCassette('n.yaml', { recordMode: 'none' })).requests
    expect(stored!.url).toBe(url)
    expect(stored!.headers.entries()).toEqual([['X-Authorization-Mode', 'none'], ['Accept', '*/*']])
  })

  it('matching on headers and query still works across runs with different credentials (placeholder on both sides)', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, matchOn: ['method', 'uri', 'headers'] })
    const request = (token: string) => ({ method: 'GET', url: `http://h.test/me?access_token=${token}`, headers: { Authorization: `Bearer ${token}` } })
    await vcr.useCassette('m.yaml', (c) => send(c, request('first-token-1')))
    const seen = await vcr.useCassette('m.yaml', (c) => send(c, request('second-token-2')), { recordMode: 'none' })
    expect(seen).toEqual([])
  })

  it("the user's own filter for a name wins over the default", async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, filterHeaders: [['authorization', 'MINE']], filterQueryParameters: ['token'] })
    await vcr.useCassette('u.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/?token=abc&x=1', headers: { Authorization: 'Bearer abc' } }))
    const text = await file('u.yaml')
    expect(text).toContain('- MINE')
    expect(text).toContain('uri: http://h.test/?x=1')
  })

  it('filterDefaults: false records them as they were', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, filterDefaults: false, secretScan: 'off' })
    await vcr.useCassette('off.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/?api_key=k-123', headers: { Authorization: 'Bearer abc' } }))
    const text = await file('off.yaml')
    expect(text).toContain('api_key=k-123')
    expect(text).toContain('Bearer abc')
  })

  it('filterDefaults must be a boolean', () => {
    expect(() => new VCR({ filterDefaults: 'yes' as never })).toThrow('filterDefaults must be true or false')
  })
})

describe('URL userinfo', () => {
  it('never reaches the cassette: the stored URL has none, and a request with other credentials replays it', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await vcr.useCassette('ui.yaml', (c) => send(c, { method: 'GET', url: 'http://alice:pa%24%24word@h.test/private?x=1' }))
    const text = await file('ui.yaml')
    expect(text).not.toContain('alice')
    expect(text).not.toContain('pa%24%24word')
    expect(text).toContain('uri: http://h.test/private?x=1')
    const seen = await vcr.useCassette('ui.yaml', (c) => send(c, { method: 'GET', url: 'http://bob:other@h.test/private?x=1' }), { recordMode: 'none' })
    expect(seen).toEqual([])
  })
})
