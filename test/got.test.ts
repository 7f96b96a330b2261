import { createHmac } from 'node:crypto'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { readFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { type Cassette, CannotOverwriteExistingCassetteError, InvalidOptionError, NoCassetteError, VCR } from '@vcrjs/core'
import { UnsupportedRequestError, vcrHooks, type VcrHooksOptions } from '@vcrjs/got'
import got, { type BeforeRequestHook, HTTPError, RequestError, TimeoutError } from 'got'
import { describe, expect, it, onTestFinished } from 'vitest'
import { defineConformanceSuite } from './conformance/suite.js'
import { gotPromise, gotStream } from './support/got-clients.js'
import { expectNoMatch } from './support/errors.js'
import { BINARY_BODY, COMPRESSED_JSON, JSON_BODY, startTestServer, UTF8_BODY } from './support/server.js'
import { startStreamServer } from './support/stream-server.js'
import { tempCassetteDir } from './support/temp.js'

defineConformanceSuite(gotPromise)
defineConformanceSuite(gotStream)

/** The error `promise` rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the request to fail')
}

/** The back-off got waited before each retry, as it publishes it on its diagnostics channel. */
function retryDelays(): number[] {
  const delays: number[] = []
  const listener = (message: unknown) => void delays.push((message as { delay: number }).delay)
  subscribe('got:request:retry', listener)
  onTestFinished(() => void unsubscribe('got:request:retry', listener))
  return delays
}

describe('got: retries', () => {
  it('records each attempt as its own interaction, and replays the retries without waiting out the back-off', async () => {
    const server = await startTestServer()
    onTestFinished(() => server.close())
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = got.extend({ hooks: vcrHooks(), retry: { limit: 2 } })
    const recordedDelays = retryDelays()
    const recorded = await vcr.useCassette('retries.yaml', () =>
      rejection(client(server.url('/status/503'), { retry: { backoffLimit: 10 } })),
    )
    expect(server.hits).toBe(3)
    expect(recorded).toBeInstanceOf(HTTPError)
    // Attempts that went to the network keep got's back-off (at most backoffLimit plus got's up to 100 ms of noise).
    expect(recordedDelays).toHaveLength(2)
    for (const delay of recordedDelays) expect(delay).toBeGreaterThanOrEqual(10)
    const file = await readFile(join(dir, 'retries.yaml'), 'utf8')
    expect(file.match(/- request:/g)).toHaveLength(3)

    const replayedDelays = retryDelays()
    const { error, playCount } = await vcr.useCassette(
      'retries.yaml',
      async (cassette) => ({ error: await rejection(client(server.url('/status/503'))), playCount: cassette.playCount }),
      { recordMode: 'none' },
    )
    // got's own back-off before the two retries is 1 s then 2 s; after a replayed attempt it is got's minimum.
    expect(replayedDelays).toEqual([1, 1])
    expect(error).toBeInstanceOf(HTTPError)
    expect((error as HTTPError).response.statusCode).toBe(503)
    expect((error as HTTPError).response.retryCount).toBe(2)
    expect(playCount).toBe(3)
    expect(server.hits).toBe(3)
  })

  it('skipRetryBackoffOnReplay: false keeps got delays on replay', async () => {
    const server = await startTestServer()
    onTestFinished(() => server.close())
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = got.extend({
      hooks: vcrHooks(undefined, { skipRetryBackoffOnReplay: false }),
      retry: { limit: 2, backoffLimit: 20 },
    })
    await vcr.useCassette('slow-retries.yaml', () => rejection(client(server.url('/status/503'))))
    const delays = retryDelays()
    const error = await vcr.useCassette('slow-retries.yaml', () => rejection(client(server.url('/status/503'))), { recordMode: 'none' })
    expect(delays).toHaveLength(2)
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(20)
    expect((error as HTTPError).response.retryCount).toBe(2)
  })
})

describe('got: pagination', () => {
  it('got.paginate records every page and replays them offline', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = got.extend({ hooks: vcrHooks() })
    const allPages = () =>
      client.paginate.all<number, string>(server.url('/counter?page=1'), {
        pagination: {
          transform: (response) => [JSON.parse(response.body).count as number],
          paginate: ({ response }) => {
            const page = Number(new URL(response.url).searchParams.get('page'))
            return page < 3 ? { url: new URL(`/counter?page=${page + 1}`, server.origin) } : false
          },
        },
      })
    const live = await vcr.useCassette('pages.yaml', allPages)
    await server.close()
    const replayed = await vcr.useCassette('pages.yaml', allPages, { recordMode: 'none' })
    expect(live).toEqual([1, 2, 3])
    expect(replayed).toEqual(live)
    expect(server.hits).toBe(3)
    expect(await readFile(join(dir, 'pages.yaml'), 'utf8')).toContain('/counter?page=3')
  })
})

describe('got: hook order', () => {
  /** A request-signing hook, as an API client would add it. */
  const signWith =
    (key: string): BeforeRequestHook =>
    (options) => {
      const body = typeof options.body === 'string' ? options.body : ''
      options.headers['x-signature'] = createHmac('sha256', key).update(`${options.method} ${options.url!.pathname} ${body}`).digest('hex')
    }

  it('a signing hook added after the vcr hook runs first: its header is sent, recorded and matched', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    vcr.registerMatcher('signature', (r1, r2) => r1.headers.get('x-signature') === r2.headers.get('x-signature'))
    const matchOn = ['method', 'uri', 'signature']
    const clientSignedWith = (key: string) => got.extend({ hooks: vcrHooks() }).extend({ hooks: { beforeRequest: [signWith(key)] } })
    const post = (key: string) => clientSignedWith(key).post(server.url('/echo'), { json: { amount: 10 } }).json<{ headers: Record<string, string> }>()
    const expected = createHmac('sha256', 'k1').update('POST /echo {"amount":10}').digest('hex')

    const live = await vcr.useCassette('signed.yaml', () => post('k1'), { matchOn })
    await server.close()
    expect(live.headers['x-signature']).toBe(expected)
    expect(await readFile(join(dir, 'signed.yaml'), 'utf8')).toContain(expected)

    const replayed = await vcr.useCassette('signed.yaml', () => post('k1'), { matchOn, recordMode: 'none' })
    expect(replayed.headers['x-signature']).toBe(expected)
    const wrongKey = await vcr.useCassette('signed.yaml', () => expectNoMatch(post('k2')), { matchOn, recordMode: 'none' })
    expect(wrongKey.message).toMatch(/matcher failed: signature/)
    expect(server.hits).toBe(1)
  })
})

describe('got: responses and errors', () => {
  it('a replayed 404 rejects with got HTTPError carrying the response', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = got.extend({ hooks: vcrHooks() })
    await vcr.useCassette('404.yaml', () => rejection(client(server.url('/status/404'))))
    await server.close()
    const error = await vcr.useCassette('404.yaml', () => rejection(client(server.url('/status/404'))), { recordMode: 'none' })
    expect(error).toBeInstanceOf(HTTPError)
    expect((error as HTTPError).message).toContain('404')
    expect((error as HTTPError).response.statusCode).toBe(404)
    expect((error as HTTPError).response.body).toBe('status 404')
    expect(server.hits).toBe(1)
  })

  it('responseType json and text, and .json() / .text(), read the replayed body', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = got.extend({ hooks: vcrHooks() })
    const readAll = async () => [
      (await client(server.url('/json'), { responseType: 'json' })).body,
      await client(server.url('/gzip')).json(),
      (await client(server.url('/utf8'), { responseType: 'text' })).body,
      await client(server.url('/br')).text(),
    ]
    const live = await vcr.useCassette('types.yaml', readAll)
    await server.close()
    const replayed = await vcr.useCassette('types.yaml', readAll, { recordMode: 'none' })
    expect(replayed).toEqual(live)
    expect(replayed).toEqual([JSON.parse(JSON_BODY), JSON.parse(COMPRESSED_JSON), UTF8_BODY, COMPRESSED_JSON])
  })

  it('a request with no recorded match fails with a got RequestError whose cause is CannotOverwriteExistingCassetteError', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
    const client = got.extend({ hooks: vcrHooks() })
    const [promised, streamed] = await vcr.useCassette('empty.yaml', async () => [
      await rejection(client(server.url('/json'))),
      await rejection(client.stream(server.url('/json')).toArray()),
    ])
    await server.close()
    for (const error of [promised, streamed]) {
      expect(error).toBeInstanceOf(RequestError)
      expect((error as RequestError).cause).toBeInstanceOf(CannotOverwriteExistingCassetteError)
      expect((error as RequestError).message).toContain(`GET ${server.url('/json')}`)
    }
    expect(server.hits).toBe(0)
  })
})

describe('got: request bodies', () => {
  it('string, Buffer, json, form, a Readable and an async generator are recorded and matched by their bytes', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, matchOn: ['method', 'uri', 'body'] })
    const client = got.extend({ hooks: vcrHooks() })
    const url = server.url('/echo')
    async function* generated() {
      yield 'from '
      yield Buffer.from('a generator')
    }
    const sendAll = async () => {
      const echoes = await Promise.all([
        client.post(url, { body: 'plain text' }),
        client.put(url, { body: BINARY_BODY }),
        client.post(url, { json: { name: 'vcrjs' } }),
        client.post(url, { form: { a: '1', b: 'two words' } }),
        client.post(url, { body: Readable.from([Buffer.from('from '), Buffer.from('a stream')]) }),
        client.post(url, { body: generated() }),
        client.stream.post(url, { body: Readable.from([Buffer.from('into got.stream')]) }).toArray(),
      ])
      return echoes.map((echo) => {
        const text = 'body' in echo ? echo.body : Buffer.concat(echo as Uint8Array[]).toString()
        return Buffer.from(JSON.parse(text).body as string, 'base64')
      })
    }
    const live = await vcr.useCassette('bodies.yaml', sendAll)
    await server.close()
    const replayed = await vcr.useCassette('bodies.yaml', sendAll, { recordMode: 'none' })
    expect(replayed).toEqual(live)
    expect(live.map((body) => body.toString('latin1'))).toEqual([
      'plain text',
      BINARY_BODY.toString('latin1'),
      '{"name":"vcrjs"}',
      'a=1&b=two+words',
      'from a stream',
      'from a generator',
      'into got.stream',
    ])
    expect(server.hits).toBe(7)
    const file = await readFile(join(dir, 'bodies.yaml'), 'utf8')
    for (const body of ['plain text', 'a=1&b=two+words', 'from a stream', 'from a generator']) expect(file).toContain(body)
  })

  it('a FormData body is recorded as the multipart bytes got sent', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = got.extend({ hooks: vcrHooks() })
    const form = new FormData()
    form.append('field', 'value from a form')
    const echoed = await vcr.useCassette('form-data.yaml', () =>
      client.post(server.url('/echo'), { body: form }).json<{ headers: Record<string, string>; body: string }>(),
    )
    await server.close()
    const sent = Buffer.from(echoed.body, 'base64').toString()
    expect(echoed.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(sent).toContain('name="field"')
    expect(sent).toContain('value from a form')
    const file = await readFile(join(dir, 'form-data.yaml'), 'utf8')
    expect(file).toContain('value from a form')
  })

  it('a 307 redirect sends the body again, and both hops are recorded with it', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, matchOn: ['method', 'uri', 'body'] })
    const client = got.extend({ hooks: vcrHooks() })
    const send = () => client.post(server.url('/redirect-to?status=307&location=/echo'), { body: 'kept across the hop' }).json<{ method: string; body: string }>()
    const live = await vcr.useCassette('307.yaml', send)
    await server.close()
    const replayed = await vcr.useCassette('307.yaml', send, { recordMode: 'none' })
    expect(replayed).toEqual(live)
    expect(live.method).toBe('POST')
    expect(Buffer.from(live.body, 'base64').toString()).toBe('kept across the hop')
    const file = await readFile(join(dir, '307.yaml'), 'utf8')
    expect(file.match(/body: kept across the hop/g)).toHaveLength(2)
    expect(server.hits).toBe(2)
  })

  it('a body written into got.stream() is refused with an error that says to pass it as `body`', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = got.extend({ hooks: vcrHooks() })
    const error = await vcr.useCassette('duplex.yaml', () =>
      rejection(pipeline(Readable.from(['written into the stream']), client.stream.post(server.url('/echo')), new PassThrough())),
    )
    await server.close()
    expect((error as RequestError).cause).toBeInstanceOf(UnsupportedRequestError)
    expect((error as RequestError).message).toContain('Pass the body as the `body` option')
    expect(server.hits).toBe(0)
  })
})

describe('got: recording', () => {
  it("goes through got's transport: a custom `request` function sends the recorded request", async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    let calls = 0
    const client = got.extend({
      hooks: vcrHooks(),
      request: (url, options, callback) => {
        calls++
        return httpRequest(url, { ...options, headers: { ...options.headers, 'x-transport': 'custom' } }, callback)
      },
    })
    const echoed = await vcr.useCassette('transport.yaml', () => client(server.url('/echo')).json<{ headers: Record<string, string> }>())
    await server.close()
    expect(calls).toBe(1)
    expect(echoed.headers['x-transport']).toBe('custom')
    const replayed = await vcr.useCassette('transport.yaml', () => client(server.url('/echo')).json<{ headers: Record<string, string> }>(), {
      recordMode: 'none',
    })
    expect(replayed).toEqual(echoed)
    expect(calls).toBe(1)
  })

})

describe("got: got's own timeouts while recording", () => {
  // Each fires as without vcrjs: the same error class, code and event, and nothing is recorded.
  it.each([
    ['response', '/silent', { response: 50 }],
    ['socket', '/silent', { socket: 50 }],
    ['request', '/stalled', { request: 100 }],
  ] as const)('timeout.%s', async (event, path, timeout) => {
    const server = await startStreamServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const shape = (error: unknown) => {
      const { name, code, event } = error as TimeoutError
      return { name, code, event, isTimeoutError: error instanceof TimeoutError }
    }
    const live = shape(await rejection(got(server.url(path), { timeout, retry: { limit: 0 } })))
    expect(live).toEqual({ name: 'TimeoutError', code: 'ETIMEDOUT', event, isTimeoutError: true })
    const client = got.extend({ hooks: vcrHooks(), retry: { limit: 0 } })
    const recording = await vcr.useCassette('timeout.yaml', async () => shape(await rejection(client(server.url(path), { timeout }))))
    expect(recording).toEqual(live)
    await expect(readFile(join(dir, 'timeout.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

describe('got: vcrHooks options', () => {
  it('outside any cassette requests reach the network, unless allowHttpWithoutCassette is false', async () => {
    const server = await startTestServer()
    const passthrough = await got.extend({ hooks: vcrHooks() })(server.url('/counter')).json<{ count: number }>()
    const strict = got.extend({ hooks: vcrHooks(undefined, { allowHttpWithoutCassette: false }) })
    const error = await rejection(strict(server.url('/counter')))
    await server.close()
    expect(passthrough.count).toBe(1)
    expect(error).toBeInstanceOf(RequestError)
    expect((error as RequestError).cause).toBeInstanceOf(NoCassetteError)
    expect(server.hits).toBe(1)
  })

  it('rejects unknown options, wrong values and options passed in place of the cassette, naming what is allowed', () => {
    expect(() => vcrHooks(undefined, { skipRetryBackof: true } as VcrHooksOptions)).toThrow(
      "Unknown vcrHooks option 'skipRetryBackof'; the options are: allowHttpWithoutCassette, skipRetryBackoffOnReplay",
    )
    expect(() => vcrHooks(undefined, { skipRetryBackoffOnReplay: 'no' } as unknown as VcrHooksOptions)).toThrow(InvalidOptionError)
    expect(() => vcrHooks({ allowHttpWithoutCassette: false } as unknown as Cassette)).toThrow(/takes a Cassette .* Pass options second/)
  })
})

describe('got: URL userinfo', () => {
  it('user:password@ in the URL never reaches the cassette, and the request replays', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = got.extend({ hooks: vcrHooks(), throwHttpErrors: false })
    const url = server.url('/json?x=1').replace('http://', 'http://alice:pa55-w0rd@')
    let live: string
    try {
      live = await vcr.useCassette('userinfo.yaml', async () => (await client(url)).body)
    } finally {
      await server.close()
    }
    expect(live).toBe(JSON_BODY)
    const replayed = await vcr.useCassette('userinfo.yaml', async () => (await client(url)).body, { recordMode: 'none' })
    expect(replayed).toBe(live)
    expect(server.hits).toBe(1)
    const file = await readFile(join(dir, 'userinfo.yaml'), 'utf8')
    expect(file).toContain(`uri: ${server.url('/json?x=1')}`)
    // got sent the credentials as an Authorization header, which the default filters replace.
    expect(file).toMatch(/authorization:\n\s+- '<FILTERED>'/i)
    expect(file).not.toContain('alice')
    expect(file).not.toContain('pa55-w0rd')
    expect(file).not.toContain(Buffer.from('alice:pa55-w0rd').toString('base64'))
  })
})
