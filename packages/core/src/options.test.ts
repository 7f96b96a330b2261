import { spawnSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Cassette } from './cassette.js'
import { CannotOverwriteExistingCassetteError, NoCassetteError, UnusedInteractionsError } from './errors.js'
import { handleRequest } from './handle-request.js'
import { matchersMatch } from './test-support.js'
import { Request, type RequestInit } from './request.js'
import { Response } from './response.js'
import { VCR } from './vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-options-'))
})
afterEach(async () => {
  vi.unstubAllEnvs()
  await rm(dir, { recursive: true, force: true })
})

/** A stand-in network that echoes what it was sent, so a test sees exactly what reached it. */
function echoNetwork(extra: { headers?: [string, string][]; body?: (request: Request) => string | Uint8Array } = {}) {
  const network = {
    seen: [] as Request[],
    send: (request: Request) => async () => {
      network.seen.push(request)
      return new Response({
        status: 200,
        headers: [['Content-Type', 'application/json'], ...(extra.headers ?? [])],
        body: extra.body ? extra.body(request) : JSON.stringify({ url: request.url, n: network.seen.length }),
      })
    },
  }
  return network
}

async function send(cassette: Cassette | undefined, init: RequestInit, network = echoNetwork()) {
  const request = new Request(init)
  return handleRequest({ cassette, request, sendReal: network.send(request) })
}

const bodyText = (response: Response) => Buffer.from(response.body).toString()
const file = (name: string) => readFile(join(dir, name), 'utf8')

describe('filters', () => {
  it('filterHeaders removes or replaces request headers before recording, and the filtered cassette still matches', async () => {
    const vcr = new VCR({
      cassetteLibraryDir: dir,
      filterHeaders: ['authorization', ['X-Api-Key', 'REDACTED'], ['x-trace', (_name, value) => value.slice(0, 3)]],
      matchOn: ['method', 'uri', 'headers'],
    })
    const init = { method: 'GET', url: 'http://h.test/me', headers: { Authorization: 'Bearer s3cret', 'x-api-key': 'k3y', 'X-Trace': 'abcdef' } }
    const network = echoNetwork()
    await vcr.useCassette('h.yaml', (c) => send(c, init, network))
    expect(network.seen[0]!.headers.get('authorization')).toBe('Bearer s3cret')
    const text = await file('h.yaml')
    expect(text).not.toContain('s3cret')
    expect(text).not.toContain('k3y')
    expect(text).toContain('REDACTED')
    expect(text).toContain('- abc\n')
    const replayed = await vcr.useCassette('h.yaml', (c) => send(c, init), { recordMode: 'none' })
    expect(JSON.parse(bodyText(replayed)).n).toBe(1)
  })

  it('filterQueryParameters rewrites the recorded URI', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, filterQueryParameters: ['api_key', ['user', 'someone']] })
    const init = { method: 'GET', url: 'http://h.test/q?api_key=s3cret&user=alice&page=2' }
    await vcr.useCassette('q.yaml', (c) => send(c, init, echoNetwork({ body: () => 'ok' })))
    const text = await file('q.yaml')
    expect(text).toContain('uri: http://h.test/q?user=someone&page=2')
    expect(text).not.toContain('s3cret')
    await vcr.useCassette('q.yaml', (c) => send(c, init), { recordMode: 'none' })
  })

  it('filterPostDataParameters filters form and JSON bodies and keeps Content-Length true', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, filterPostDataParameters: [['password', '<PASSWORD>'], 'otp'], matchOn: ['method', 'uri', 'body'] })
    const form = 'user=alice&password=hunter2&otp=123456'
    const json = JSON.stringify({ user: 'alice', password: 'hunter2', otp: 123456, keep: [1, 2] })
    const requests = [
      { method: 'POST', url: 'http://h.test/login', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(form.length) }, body: form },
      { method: 'POST', url: 'http://h.test/api', headers: { 'Content-Type': 'application/json', 'Content-Length': String(json.length) }, body: json },
    ]
    await vcr.useCassette('p.yaml', async (c) => {
      for (const init of requests) await send(c, init)
    })
    const cassette = await vcr.insertCassette('p.yaml', { recordMode: 'none' })
    const [formRequest, jsonRequest] = cassette.requests
    expect(Buffer.from(formRequest!.body!).toString()).toBe('user=alice&password=%3CPASSWORD%3E')
    expect(formRequest!.headers.get('content-length')).toBe(String(formRequest!.body!.length))
    expect(JSON.parse(Buffer.from(jsonRequest!.body!).toString())).toEqual({ user: 'alice', password: '<PASSWORD>', keep: [1, 2] })
    expect(jsonRequest!.headers.get('content-length')).toBe(String(jsonRequest!.body!.length))
    for (const init of requests) await send(cassette, init)
    await cassette.eject()
    expect(await file('p.yaml')).not.toContain('hunter2')
  })

  it('filterResponseHeaders keeps Set-Cookie off disk while the live client still gets it', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, filterResponseHeaders: ['set-cookie', ['x-request-id', 'fixed']] })
    const network = echoNetwork({ headers: [['Set-Cookie', 'session=s3cret'], ['X-Request-Id', 'r-981']] })
    const live = await vcr.useCassette('c.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/' }, network))
    expect(live.headers.getAll('set-cookie')).toEqual(['session=s3cret'])
    const text = await file('c.yaml')
    expect(text).not.toContain('s3cret')
    expect(text).toContain('- fixed')
  })
})

describe('sensitiveData', () => {
  it('writes placeholders instead of secrets everywhere and gives the client the live secrets on replay', async () => {
    const options = {
      cassetteLibraryDir: dir,
      // Off, so that sensitiveData (not the default filter of Authorization and api_key) is what hides them.
      filterDefaults: false,
      sensitiveData: {
        '<API_KEY>': 'key-123',
        '<TOKEN>': (request: Request) => request.headers.get('authorization')?.replace('Bearer ', ''),
      },
    }
    const init = {
      method: 'POST',
      url: 'http://h.test/things?api_key=key-123',
      headers: { Authorization: 'Bearer tok-456', 'Content-Type': 'application/json' },
      body: '{"token":"tok-456"}',
    }
    const network = echoNetwork({ body: () => JSON.stringify({ issued: 'tok-456', key: 'key-123' }) })
    const live = await new VCR(options).useCassette('s.yaml', (c) => send(c, init, network))
    expect(JSON.parse(bodyText(live))).toEqual({ issued: 'tok-456', key: 'key-123' })
    const text = await file('s.yaml')
    expect(text).not.toContain('key-123')
    expect(text).not.toContain('tok-456')
    expect(text).toContain('api_key=<API_KEY>')
    expect(text).toContain('Bearer <TOKEN>')
    const replayed = await new VCR(options).useCassette('s.yaml', (c) => send(c, init), { recordMode: 'none' })
    expect(JSON.parse(bodyText(replayed))).toEqual({ issued: 'tok-456', key: 'key-123' })
  })
})

describe('hooks', () => {
  it('beforeRecordRequest rewrites requests; null lets a request through unrecorded', async () => {
    const vcr = new VCR({
      cassetteLibraryDir: dir,
      beforeRecordRequest: [
        (request) => (request.path === '/health' ? null : request),
        (request) => new Request({ ...request, url: request.url.replace('v1', 'vX'), headers: request.headers }),
      ],
    })
    const network = echoNetwork()
    await vcr.useCassette('b.yaml', async (c) => {
      await send(c, { method: 'GET', url: 'http://h.test/health' }, network)
      await send(c, { method: 'GET', url: 'http://h.test/v1/users' }, network)
    })
    expect(network.seen).toHaveLength(2)
    const text = await file('b.yaml')
    expect(text).not.toContain('/health')
    expect(text).toContain('http://h.test/vX/users')
    await vcr.useCassette('b.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/v1/users' }), { recordMode: 'none' })
  })

  it('beforeRecordResponse rewrites responses; null skips recording the interaction', async () => {
    const vcr = new VCR({
      cassetteLibraryDir: dir,
      beforeRecordResponse: (response, request) =>
        request.path === '/skip' ? null : new Response({ ...response, headers: [['X-Rewritten', 'yes']] }),
    })
    await vcr.useCassette('r.yaml', async (c) => {
      await send(c, { method: 'GET', url: 'http://h.test/skip' })
      await send(c, { method: 'GET', url: 'http://h.test/keep' })
    })
    const text = await file('r.yaml')
    expect(text).not.toContain('/skip')
    expect(text).toContain('X-Rewritten')
  })
})

describe('decodeCompressedResponse', () => {
  const payload = JSON.stringify({ readable: 'yes', n: [1, 2, 3] })
  const encodings: [string, Buffer][] = [
    ['gzip', gzipSync(payload)],
    ['deflate', deflateSync(payload)],
    // Servers send raw deflate under the same name; browsers and curl accept it, and so does vcrjs.
    ['deflate', deflateRawSync(payload)],
    ['br', brotliCompressSync(payload)],
  ]
  it.each(encodings)('%s bodies are stored decoded, without Content-Encoding and with a true Content-Length', async (encoding, compressed) => {
    const vcr = new VCR({ cassetteLibraryDir: dir, decodeCompressedResponse: true })
    const network = echoNetwork({
      headers: [['Content-Encoding', encoding], ['Content-Length', String(compressed.length)]],
      body: () => compressed,
    })
    const live = await vcr.useCassette('d.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/' }, network))
    expect(Buffer.compare(Buffer.from(live.body), compressed)).toBe(0)
    const cassette = await vcr.insertCassette('d.yaml')
    const stored = cassette.responses[0]!
    expect(bodyText(stored)).toBe(payload)
    expect(stored.headers.has('content-encoding')).toBe(false)
    expect(stored.headers.get('content-length')).toBe(String(payload.length))
    await cassette.eject()
    expect(await file('d.yaml')).toContain("string: '{\"readable\":\"yes\"")
  })
})

describe('ignored hosts', () => {
  it('ignoreHosts and ignoreLocalhost always reach the network, in every mode, and are never recorded', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none', ignoreHosts: ['Telemetry.test'], ignoreLocalhost: true })
    const network = echoNetwork()
    await vcr.useCassette('i.yaml', async (c) => {
      await send(c, { method: 'GET', url: 'http://telemetry.test/ping' }, network)
      await send(c, { method: 'GET', url: 'http://localhost:3000/' }, network)
      await send(c, { method: 'GET', url: 'http://127.0.0.1:3000/' }, network)
      await send(c, { method: 'GET', url: 'http://[::1]:3000/' }, network)
      await expect(send(c, { method: 'GET', url: 'http://other.test/' }, network)).rejects.toBeInstanceOf(CannotOverwriteExistingCassetteError)
    })
    expect(network.seen).toHaveLength(4)
    expect(await readdir(dir)).toEqual([])
  })
})

describe('unused interactions', () => {
  async function recordTwo(vcr: VCR) {
    await vcr.useCassette('u.yaml', async (c) => {
      await send(c, { method: 'GET', url: 'http://h.test/a' })
      await send(c, { method: 'GET', url: 'http://h.test/b' })
    })
  }

  it('dropUnusedRequests saves only what was played or recorded', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await recordTwo(vcr)
    await vcr.useCassette('u.yaml', async (c) => {
      await send(c, { method: 'GET', url: 'http://h.test/b' })
      await send(c, { method: 'GET', url: 'http://h.test/c' })
    }, { recordMode: 'new_episodes', dropUnusedRequests: true })
    const cassette = await vcr.insertCassette('u.yaml')
    expect(cassette.requests.map((r) => r.path)).toEqual(['/b', '/c'])
    await cassette.eject()
  })

  it('allowUnusedInteractions: false raises on eject, listing what was not played', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, allowUnusedInteractions: false })
    await recordTwo(vcr)
    const error = await vcr.useCassette('u.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/a' })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnusedInteractionsError)
    expect((error as UnusedInteractionsError).unused).toEqual(['GET http://h.test/b'])
    expect((error as Error).message).toContain('  - GET http://h.test/b')
  })

  it("allowUnusedInteractions: false lets the test's own error win", async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, allowUnusedInteractions: false })
    await recordTwo(vcr)
    await expect(
      vcr.useCassette('u.yaml', () => {
        throw new Error('the assertion that failed')
      }),
    ).rejects.toThrow('the assertion that failed')
  })
})

describe('reRecordInterval', () => {
  const staleCassette = (recordedAt: string) =>
    [
      'interactions:',
      '- recorded_at: ' + recordedAt,
      '  request:',
      '    body: null',
      '    headers: {}',
      '    method: GET',
      '    uri: http://h.test/a',
      '  response:',
      '    body:',
      "      string: 'old'",
      '    headers: {}',
      '    status:',
      '      code: 200',
      '      message: OK',
      'version: 1',
      '',
    ].join('\n')

  it('re-records an interaction older than the interval, even in once, and keeps a fresh one', async () => {
    const day = 24 * 3600 * 1000
    await writeFile(join(dir, 'old.yaml'), staleCassette(new Date(Date.now() - 10 * day).toISOString()))
    await writeFile(join(dir, 'fresh.yaml'), staleCassette(new Date(Date.now() - day).toISOString()))
    const vcr = new VCR({ cassetteLibraryDir: dir, reRecordInterval: 7 * day })
    const old = await vcr.useCassette('old.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/a' }))
    const fresh = await vcr.useCassette('fresh.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/a' }))
    expect(bodyText(old)).not.toBe('old')
    expect(bodyText(fresh)).toBe('old')
    const text = await file('old.yaml')
    expect(text).not.toContain("string: 'old'")
    expect(text).toMatch(/recorded_at: '?\d{4}-\d\d-\d\dT/)
  })

  it("in 'none' a stale interaction still replays: the mode cannot re-record it", async () => {
    const day = 24 * 3600 * 1000
    await writeFile(join(dir, 'stale.yaml'), staleCassette(new Date(Date.now() - 10 * day).toISOString()))
    const vcr = new VCR({ cassetteLibraryDir: dir, reRecordInterval: 7 * day, recordMode: 'none' })
    const replayed = await vcr.useCassette('stale.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/a' }))
    expect(bodyText(replayed)).toBe('old')
  })

  it('responsesOf finds interactions recorded in this run as well as loaded ones', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const found = await vcr.useCassette('of.yaml', async (c) => {
      await send(c, { method: 'GET', url: 'http://h.test/a' })
      await send(c, { method: 'GET', url: 'http://h.test/b' })
      return c.responsesOf({ method: 'GET', url: 'http://h.test/b' }).map(bodyText)
    })
    expect(found).toEqual([JSON.stringify({ url: 'http://h.test/b', n: 1 })])
  })

  it('stores recorded_at in a way vcrpy still loads', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await vcr.useCassette('vcrpy.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/a' }))
    const python = spawnSync(
      '/usr/bin/python3',
      ['-c', 'import sys; from vcr.serialize import deserialize; from vcr.serializers import yamlserializer; r, s = deserialize(open(sys.argv[1]).read(), yamlserializer); print(len(r), r[0].uri, s[0]["status"]["code"])', join(dir, 'vcrpy.yaml')],
      { encoding: 'utf8' },
    )
    expect(python.stderr, 'needs vcrpy: apt-get install python3-vcr').toBe('')
    expect(python.stdout.trim()).toBe('1 http://h.test/a 200')
  })
})

describe('more options', () => {
  it('recordOnException: false saves nothing when the test throws', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, recordOnException: false })
    await expect(
      vcr.useCassette('e.yaml', async (c) => {
        await send(c, { method: 'GET', url: 'http://h.test/a' })
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await readdir(dir)).toEqual([])
  })

  it('pathTransformer with VCR.ensureSuffix, and withCassette naming the cassette after the vitest test', async (context) => {
    const vcr = new VCR({ cassetteLibraryDir: dir, pathTransformer: VCR.ensureSuffix('.yaml') })
    await vcr.useCassette('named', (c) => send(c, { method: 'GET', url: 'http://h.test/a' }))
    await vcr.useCassette('already.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/a' }))
    const path = await vcr.withCassette(async (cassette, _context: typeof context) => cassette.path)(context)
    expect(path).toBe(join(dir, 'options.test.ts', 'more options', 'pathTransformer with VCR.ensureSuffix, and withCassette naming the cassette after the vitest test.yaml'))
    const custom = await vcr.withCassette(async (cassette) => cassette.path, { funcPathGenerator: () => 'custom/path' })()
    expect(custom).toBe(join(dir, 'custom/path.yaml'))
    expect((await readdir(dir)).sort()).toEqual(['already.yaml', 'named.yaml'])
  })

  it('VCR_RECORD_MODE overrides every record mode, and is checked', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
    vi.stubEnv('VCR_RECORD_MODE', 'all')
    const cassette = await vcr.insertCassette('env.yaml', { recordMode: 'once' })
    expect(cassette.recordMode).toBe('all')
    await cassette.eject()
    vi.stubEnv('VCR_RECORD_MODE', 'rerecord')
    await expect(vcr.insertCassette('env.yaml')).rejects.toThrow(/Invalid VCR_RECORD_MODE "rerecord"\. Allowed values: 'once'/)
  })

  it('allowHttpWithoutCassette: false refuses requests made outside any cassette', async () => {
    const request = new Request({ method: 'GET', url: 'https://user:pw@h.test/x' })
    const error = await handleRequest({ request, sendReal: echoNetwork().send(request), allowHttpWithoutCassette: false }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NoCassetteError)
    expect((error as Error).message).toMatch(/^GET https:\/\/h\.test\/x was made outside any cassette.*vcr\.useCassette/)
  })

  it('the body matcher ignores random multipart boundaries and JSON key order', () => {
    const multipart = (boundary: string) => ({
      method: 'POST',
      url: 'http://h.test/upload',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--${boundary}--\r\n`,
    })
    expect(matchersMatch(['body'], multipart('----abc123'), multipart('----xyz789'))).toBe(true)
    const json = (body: string) => ({ method: 'POST', url: 'http://h.test/', headers: { 'content-type': 'application/json' }, body })
    expect(matchersMatch(['body'], json('{"a":1,"b":{"c":2,"d":3}}'), json('{"b":{"d":3,"c":2},"a":1}'))).toBe(true)
  })
})
