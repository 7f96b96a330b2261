import { on, once } from 'node:events'
import { readFile } from 'node:fs/promises'
import http, { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { type AxiosTransport, type VcrAdapterOptions, vcrAdapter } from '@vcrjs/axios'
import { type Cassette, type CassetteOptions, CannotOverwriteExistingCassetteError, InvalidOptionError, NoCassetteError, VCR } from '@vcrjs/core'
import axios, { AxiosError, type AxiosHeaders, type AxiosRequestConfig, type AxiosResponse, type AxiosResponseHeaders } from 'axios'
import { Agent, type Dispatcher } from 'undici'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { defineConformanceSuite } from './conformance/suite.js'
import { selfSignedCertificate } from './http/tls.js'
import { startWireServer } from './http/wire-server.js'
import { axiosClient } from './support/axios-clients.js'
import { expectNoMatch } from './support/errors.js'
import { PEERS, peerDir } from './support/peer-fixtures.js'
import { BINARY_BODY, COMPRESSED_JSON, JSON_BODY, startTestServer, type TestServer, UTF8_BODY } from './support/server.js'
import { tempCassetteDir } from './support/temp.js'

defineConformanceSuite(axiosClient('http'))
defineConformanceSuite(axiosClient('fetch'))

const TRANSPORTS = ['http', 'fetch'] as const satisfies readonly AxiosTransport[]

/** The test server, closed when the test finishes; `stop()` closes it earlier, to prove a replay needs no network. */
async function serve(): Promise<{ server: TestServer; stop: () => Promise<void> }> {
  const server = await startTestServer()
  let closing: Promise<void> | undefined
  const stop = () => (closing ??= server.close())
  onTestFinished(stop)
  return { server, stop }
}

/**
 * Sends `config` through plain axios with the same adapter (the truth), then
 * records it through vcrAdapter, closes the server and replays it.
 */
async function liveRecordedReplayed(transport: AxiosTransport, path: string, config: AxiosRequestConfig = {}, cassetteOptions: CassetteOptions = {}) {
  const { server, stop } = await serve()
  const request = { ...config, url: server.url(path) }
  const live = await settled(axios.create({ adapter: transport }).request(request))
  const liveHits = server.hits
  const dir = await tempCassetteDir()
  const vcr = new VCR({ cassetteLibraryDir: dir, ...cassetteOptions })
  const client = (cassette: Cassette) => axios.create({ adapter: vcrAdapter(cassette, { transport }) })
  const recorded = await vcr.useCassette('axios.yaml', (cassette) => settled(client(cassette).request(request)))
  await stop()
  const hits = server.hits
  const replayed = await vcr.useCassette('axios.yaml', (cassette) => settled(client(cassette).request(request)), { recordMode: 'none' })
  expect(server.hits, 'replay must not reach the server').toBe(hits)
  const file = await readFile(join(dir, 'axios.yaml'), 'utf8')
  const stored = await vcr.useCassette('axios.yaml', (cassette) => cassette.responses, { recordMode: 'none' })
  /** `hits`: how many requests the recording sent. */
  return { live, recorded, replayed, file, stored, hits: hits - liveHits }
}

type Outcome = { response: AxiosResponse; error?: undefined } | { response?: undefined; error: AxiosError }

async function settled(promise: Promise<AxiosResponse>): Promise<Outcome> {
  try {
    return { response: await promise }
  } catch (error) {
    if (!axios.isAxiosError(error)) throw error
    return { error }
  }
}

function responseOf(outcome: Outcome): AxiosResponse {
  if (!outcome.response) throw new Error(`expected a response, got ${String(outcome.error)}`, { cause: outcome.error })
  return outcome.response
}

function errorOf(outcome: Outcome): AxiosError {
  if (!outcome.error) throw new Error(`expected an AxiosError, got a ${outcome.response.status} response`)
  return outcome.error
}

/** Headers as axios hands them to the caller, without the ones that change between two requests. */
function stableHeaders(response: AxiosResponse): Record<string, unknown> {
  const { date: _date, ...rest } = (response.headers as AxiosHeaders).toJSON()
  return rest
}

async function readNodeStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks)
}

describe.each(TRANSPORTS)('axios (%s): replayed responses are what live axios gives', (transport) => {
  it('headers: the names, values and order axios gives live, Set-Cookie as an array of two', async () => {
    const { live, replayed } = await liveRecordedReplayed(transport, '/cookies')
    expect(stableHeaders(responseOf(replayed))).toEqual(stableHeaders(responseOf(live)))
    expect(Object.keys(stableHeaders(responseOf(replayed)))).toEqual(Object.keys(stableHeaders(responseOf(live))))
    expect(responseOf(replayed).headers['set-cookie']).toEqual(['session=abc123; Path=/; HttpOnly', 'theme=dark; Path=/'])
    expect(responseOf(replayed).statusText).toBe('OK')
  })

  it("responseType 'json' (the default) parses, 'text' does not", async () => {
    const json = await liveRecordedReplayed(transport, '/json')
    expect(responseOf(json.replayed).data).toEqual({ hello: 'world' })
    expect(responseOf(json.replayed).data).toEqual(responseOf(json.live).data)
    const text = await liveRecordedReplayed(transport, '/json', { responseType: 'text' })
    expect(responseOf(text.replayed).data).toBe(JSON_BODY)
    expect(responseOf(text.replayed).data).toBe(responseOf(text.live).data)
  })

  it("responseType 'arraybuffer' gives the same bytes and type as live", async () => {
    const { live, replayed } = await liveRecordedReplayed(transport, '/binary', { responseType: 'arraybuffer' })
    const data = responseOf(replayed).data as ArrayBufferLike | Buffer
    expect(Object.prototype.toString.call(data)).toBe(Object.prototype.toString.call(responseOf(live).data))
    expect(Buffer.compare(Buffer.from(data as ArrayBuffer), BINARY_BODY)).toBe(0)
  })

  it('transformResponse runs on the replayed body, with the response headers', async () => {
    const transformResponse = (data: string, headers: AxiosResponseHeaders) => `${String(headers['content-type'])}|${data.toUpperCase()}`
    const { live, replayed } = await liveRecordedReplayed(transport, '/json', { transformResponse })
    expect(responseOf(replayed).data).toBe('application/json|{"HELLO":"WORLD"}')
    expect(responseOf(replayed).data).toBe(responseOf(live).data)
  })

  it('validateStatus: a replayed 404 rejects with the AxiosError live axios gives, carrying the response', async () => {
    const { live, replayed } = await liveRecordedReplayed(transport, '/status/404')
    const error = errorOf(replayed)
    expect(error).toBeInstanceOf(AxiosError)
    expect(error.code).toBe('ERR_BAD_REQUEST')
    expect(error.message).toBe('Request failed with status code 404')
    expect(error.response?.status).toBe(404)
    expect(error.response?.data).toBe('status 404')
    expect([error.code, error.message, error.response?.data]).toEqual([errorOf(live).code, errorOf(live).message, errorOf(live).response?.data])
    const server500 = await liveRecordedReplayed(transport, '/status/500')
    expect(errorOf(server500.replayed).code).toBe('ERR_BAD_RESPONSE')
    const accepted = await liveRecordedReplayed(transport, '/status/404', { validateStatus: () => true })
    expect(responseOf(accepted.replayed).status).toBe(404)
  })

  it('a gzip body is stored as the wire bytes and decoded by axios on replay, as live', async () => {
    const { live, replayed, file, stored } = await liveRecordedReplayed(transport, '/gzip')
    expect(file).toMatch(/Content-Encoding:\n\s+- gzip/i)
    expect(gunzipSync(stored[0]!.body).toString()).toBe(COMPRESSED_JSON)
    expect(responseOf(replayed).data).toEqual(JSON.parse(COMPRESSED_JSON))
    expect(stableHeaders(responseOf(replayed))).toEqual(stableHeaders(responseOf(live)))
  })

  it('maxContentLength applies to the replayed body, with the error live axios gives', async () => {
    const { live, replayed } = await liveRecordedReplayed(transport, '/gzip', { maxContentLength: 50 })
    expect(errorOf(replayed).message).toBe('maxContentLength size of 50 exceeded')
    expect([errorOf(replayed).code, errorOf(replayed).message]).toEqual([errorOf(live).code, errorOf(live).message])
    const fits = await liveRecordedReplayed(transport, '/gzip', { maxContentLength: 10_000 })
    expect(responseOf(fits.replayed).data).toEqual(JSON.parse(COMPRESSED_JSON))
  })

  it('axios follows a redirect chain itself and each hop is recorded; maxRedirects: 0 hands back the 302', async () => {
    const followed = await liveRecordedReplayed(transport, '/redirect/2')
    expect(responseOf(followed.replayed).data).toEqual({ hello: 'world' })
    expect(followed.hits).toBe(3)
    expect(followed.stored.map((response) => response.status.code)).toEqual([302, 302, 200])
    expect(followed.file).toMatch(/uri: \S+\/redirect\/2\n(.|\n)*uri: \S+\/redirect\/1\n(.|\n)*uri: \S+\/json\n/)
    const kept = await liveRecordedReplayed(transport, '/redirect/1', { maxRedirects: 0, validateStatus: () => true })
    expect(responseOf(kept.replayed).status).toBe(302)
    expect(responseOf(kept.replayed).headers.location).toBe('/json')
    expect(stableHeaders(responseOf(kept.replayed))).toEqual(stableHeaders(responseOf(kept.live)))
    expect(kept.hits).toBe(1)
  })

  it('a request no interaction matches rejects with an AxiosError caused by CannotOverwriteExistingCassetteError', async () => {
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
    const outcome = await vcr.useCassette('empty.yaml', (cassette) =>
      settled(axios.create({ adapter: vcrAdapter(cassette, { transport }) }).get('http://127.0.0.1:8765/nothing')),
    )
    const error = errorOf(outcome)
    expect(error.cause).toBeInstanceOf(CannotOverwriteExistingCassetteError)
    expect(error.config?.url).toBe('http://127.0.0.1:8765/nothing')
    expect((error.cause as Error).message).toContain('GET http://127.0.0.1:8765/nothing')
  })

  it('a timeout while recording rejects as it does live, and nothing is recorded', async () => {
    const { server } = await serve()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const live = await settled(axios.create({ adapter: transport }).get(server.url('/slow?ms=5000'), { timeout: 50 }))
    const recorded = await vcr.useCassette('timeout.yaml', (cassette) =>
      settled(axios.create({ adapter: vcrAdapter(cassette, { transport }) }).get(server.url('/slow?ms=5000'), { timeout: 50 })),
    )
    expect(errorOf(recorded).message).toBe('timeout of 50ms exceeded')
    expect([errorOf(recorded).code, errorOf(recorded).message]).toEqual([errorOf(live).code, errorOf(live).message])
    await expect(readFile(join(dir, 'timeout.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('an AbortController abort while recording rejects with the CanceledError live axios gives, stops the real request, records nothing', async () => {
    const { origin, arrivals } = await silentServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const abortOnArrival = async (client: ReturnType<typeof axios.create>) => {
      const controller = new AbortController()
      const outcome = settled(client.get(`${origin}/hang`, { signal: controller.signal }))
      const [, response] = (await arrivals.next()).value as [IncomingMessage, ServerResponse]
      controller.abort()
      // The server sees the connection it was answering go away: the real request stopped.
      await once(response, 'close')
      return outcome
    }
    const live = await abortOnArrival(axios.create({ adapter: transport }))
    const recorded = await vcr.useCassette('abort.yaml', (cassette) => abortOnArrival(axios.create({ adapter: vcrAdapter(cassette, { transport }) })))
    expect(axios.isCancel(errorOf(recorded))).toBe(true)
    expect([errorOf(recorded).code, errorOf(recorded).message]).toEqual([errorOf(live).code, errorOf(live).message])
    await expect(readFile(join(dir, 'abort.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('a signal aborted before a replayed request rejects with the CanceledError live axios gives', async () => {
    const { server, stop } = await serve()
    const request = { url: server.url('/json'), signal: AbortSignal.abort() }
    const live = await settled(axios.create({ adapter: transport }).request(request))
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = (cassette: Cassette) => axios.create({ adapter: vcrAdapter(cassette, { transport }) })
    await vcr.useCassette('abort.yaml', (cassette) => client(cassette).get(server.url('/json')))
    await stop()
    const replayed = await vcr.useCassette('abort.yaml', (cassette) => settled(client(cassette).request(request)), { recordMode: 'none' })
    expect(axios.isCancel(errorOf(replayed))).toBe(true)
    expect([errorOf(replayed).code, errorOf(replayed).message]).toEqual([errorOf(live).code, errorOf(live).message])
  })
})

/** A server that answers nothing, reporting each request as it arrives; closed when the test ends. */
async function silentServer(): Promise<{ origin: string; arrivals: AsyncIterator<[IncomingMessage, ServerResponse]> }> {
  const server = createServer()
  const arrivals = on(server, 'request') as AsyncIterator<[IncomingMessage, ServerResponse]>
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals }
}

interface Echoed {
  method: string
  headers: Record<string, string>
  body: string
}

/** What the echo endpoint received, with a multipart boundary replaced so two encodings of one form compare equal. */
function received(response: AxiosResponse): { method: string; contentType: string | undefined; framing: string; body: string } {
  const echoed = response.data as Echoed
  const body = Buffer.from(echoed.body, 'base64').toString('latin1')
  const boundary = /^--(\S+)\r\n/.exec(body)?.[1]
  const normalize = (text: string) => (boundary ? text.split(boundary).join('BOUNDARY') : text)
  return {
    method: echoed.method,
    contentType: echoed.headers['content-type'] === undefined ? undefined : normalize(echoed.headers['content-type']),
    framing: echoed.headers['transfer-encoding'] ?? `length ${echoed.headers['content-length']}`,
    body: normalize(body),
  }
}

const REQUEST_DATA = {
  'an object (sent as JSON)': () => ({ name: 'vcrjs', tags: ['a', 'b'] }),
  'a string': () => 'plain text',
  'a Buffer': () => BINARY_BODY,
  URLSearchParams: () => new URLSearchParams({ a: '1', b: 'two words' }),
  FormData: () => {
    const form = new FormData()
    form.append('field', 'value')
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt')
    return form
  },
  'a Node stream': () => Readable.from([Buffer.from('chunk one, '), Buffer.from('chunk two')]),
} satisfies Record<string, () => unknown>

/**
 * Where a recording differs from live axios, each for a reason outside this preset:
 * - fetch, a Node stream: @vcrjs/undici reads a streamed body to the end (to record it)
 *   before sending it, so it goes out with a Content-Length instead of chunked.
 * - fetch, FormData: live, axios's fetch adapter in Node labels the multipart body
 *   application/x-www-form-urlencoded, so the body matcher cannot see past the random
 *   boundary; the replay matches on method and uri.
 */
function declaredDifference(transport: AxiosTransport, kind: string): 'resent with a length' | 'form labelled urlencoded' | undefined {
  if (transport === 'fetch' && kind === 'a Node stream') return 'resent with a length'
  if (transport === 'fetch' && kind === 'FormData') return 'form labelled urlencoded'
  return undefined
}

describe.each(TRANSPORTS)('axios (%s): request data', (transport) => {
  for (const [kind, data] of Object.entries(REQUEST_DATA)) {
    it(`${kind}: sent as live axios sends it, recorded as those bytes, matched on replay`, async () => {
      const difference = declaredDifference(transport, kind)
      const { server, stop } = await serve()
      const live = await axios.create({ adapter: transport }).post(server.url('/echo'), data())
      const dir = await tempCassetteDir()
      const matchOn = difference === 'form labelled urlencoded' ? ['method', 'uri'] : ['method', 'uri', 'body']
      const vcr = new VCR({ cassetteLibraryDir: dir, matchOn })
      const client = (cassette: Cassette) => axios.create({ adapter: vcrAdapter(cassette, { transport }) })
      const recorded = await vcr.useCassette('data.yaml', (cassette) => client(cassette).post(server.url('/echo'), data()))
      await stop()
      if (difference === 'resent with a length') {
        expect(received(live).framing).toBe('chunked')
        expect(received(recorded)).toEqual({ ...received(live), framing: 'length 20' })
      } else {
        expect(received(recorded)).toEqual(received(live))
      }
      if (difference === 'form labelled urlencoded') expect(received(live).contentType).toBe('application/x-www-form-urlencoded')
      const sentBytes = Buffer.from((recorded.data as Echoed).body, 'base64')
      const replayed = await vcr.useCassette(
        'data.yaml',
        async (cassette) => {
          expect(Buffer.compare(Buffer.from(cassette.requests[0]!.body!), sentBytes)).toBe(0)
          // A form gets a new random boundary; the body matcher sees past it.
          return client(cassette).post(server.url('/echo'), data())
        },
        { recordMode: 'none' },
      )
      expect(replayed.data).toEqual(recorded.data)
    })
  }
})

it('axios (http): a multipart boundary the caller sets is the one sent and recorded, as live', async () => {
  const { server } = await serve()
  const form = () => {
    const data = new FormData()
    data.append('field', 'line one\nline two')
    return data
  }
  const headers = { 'Content-Type': 'multipart/form-data; boundary=vcrjs-fixed-boundary-0123' }
  const live = await axios.create({ adapter: 'http' }).post(server.url('/echo'), form(), { headers })
  const dir = await tempCassetteDir()
  const vcr = new VCR({ cassetteLibraryDir: dir })
  const recorded = await vcr.useCassette('boundary.yaml', (cassette) =>
    axios.create({ adapter: vcrAdapter(cassette) }).post(server.url('/echo'), form(), { headers }),
  )
  expect((recorded.data as Echoed).body).toBe((live.data as Echoed).body)
  expect((recorded.data as Echoed).headers['content-type']).toBe(headers['Content-Type'])
  expect(await readFile(join(dir, 'boundary.yaml'), 'utf8')).toContain('--vcrjs-fixed-boundary-0123')
})

describe('axios (http): responses', () => {
  it("responseType 'stream' replays as a Node Readable of the decoded body", async () => {
    const { live, replayed } = await liveRecordedReplayed('http', '/gzip', { responseType: 'stream' })
    const stream = responseOf(replayed).data as Readable
    expect(stream).toBeInstanceOf(Readable)
    expect((await readNodeStream(stream)).toString()).toBe(COMPRESSED_JSON)
    expect((await readNodeStream(responseOf(live).data as Readable)).toString()).toBe(COMPRESSED_JSON)
    expect(stableHeaders(responseOf(replayed))).toEqual(stableHeaders(responseOf(live)))
  })

  it('decompress: false replays the raw gzip bytes with their Content-Encoding, as live', async () => {
    const { live, replayed } = await liveRecordedReplayed('http', '/gzip', { decompress: false, responseType: 'arraybuffer' })
    const raw = responseOf(replayed).data as Buffer
    expect(gunzipSync(raw).toString()).toBe(COMPRESSED_JSON)
    expect(Buffer.compare(raw, responseOf(live).data as Buffer)).toBe(0)
    expect(responseOf(replayed).headers['content-encoding']).toBe('gzip')
    expect(stableHeaders(responseOf(replayed))).toEqual(stableHeaders(responseOf(live)))
  })

  it('deflate and br decode on replay; responseEncoding applies to text', async () => {
    for (const encoding of ['deflate', 'br']) {
      const { replayed } = await liveRecordedReplayed('http', `/${encoding}`)
      expect(responseOf(replayed).data).toEqual(JSON.parse(COMPRESSED_JSON))
    }
    const { live, replayed } = await liveRecordedReplayed('http', '/utf8', { responseType: 'text', responseEncoding: 'latin1' })
    expect(responseOf(replayed).data).toBe(Buffer.from(UTF8_BODY).toString('latin1'))
    expect(responseOf(replayed).data).toBe(responseOf(live).data)
  })
})

it("axios (fetch): responseType 'stream' replays as a web ReadableStream, as the fetch adapter gives", async () => {
  const { live, replayed } = await liveRecordedReplayed('fetch', '/json', { responseType: 'stream' })
  const stream = responseOf(replayed).data as ReadableStream<Uint8Array>
  expect(stream).toBeInstanceOf(ReadableStream)
  expect(responseOf(live).data).toBeInstanceOf(ReadableStream)
  expect(await new Response(stream).text()).toBe(JSON_BODY)
  await (responseOf(live).data as ReadableStream).cancel()
})

describe.each(TRANSPORTS)('axios (%s): URLs and redirects', (transport) => {
  it('baseURL and params resolve to the full URL that is recorded and matched', async () => {
    const { server, stop } = await serve()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = (cassette: Cassette) => axios.create({ adapter: vcrAdapter(cassette, { transport }), baseURL: `${server.origin}/` })
    const recorded = await vcr.useCassette('params.yaml', (cassette) => client(cassette).get('text', { params: { b: 2, a: 'x y' } }))
    await stop()
    expect(recorded.data).toBe('query: b=2&a=x+y')
    expect(await readFile(join(dir, 'params.yaml'), 'utf8')).toContain(`uri: ${server.origin}/text?b=2&a=x+y`)
    const replayed = await vcr.useCassette('params.yaml', (cassette) => client(cassette).get('text', { params: { b: 2, a: 'x y' } }), {
      recordMode: 'none',
    })
    expect(replayed.data).toBe('query: b=2&a=x+y')
    await vcr.useCassette('params.yaml', (cassette) => expectNoMatch(client(cassette).get('text', { params: { b: 3, a: 'x y' } })), {
      recordMode: 'none',
    })
  })

  it('a POST redirected by 302 continues as a GET without a body; a 307 resends the body', async () => {
    const { live, recorded, replayed, file } = await liveRecordedReplayed(transport, '/redirect-to?status=302&location=/echo', {
      method: 'POST',
      data: 'payload',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(received(responseOf(recorded))).toEqual(received(responseOf(live)))
    expect(received(responseOf(replayed))).toMatchObject({ method: 'GET', body: '', contentType: undefined })
    expect(file).toMatch(/method: POST\n\s+uri: \S+\/redirect-to/)
    expect(file).toMatch(/method: GET\n\s+uri: \S+\/echo\n/)
    const kept = await liveRecordedReplayed(transport, '/redirect-to?status=307&location=/echo', {
      method: 'POST',
      data: 'payload',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(received(responseOf(kept.recorded))).toEqual(received(responseOf(kept.live)))
    expect(received(responseOf(kept.replayed))).toMatchObject({ method: 'POST', body: 'payload', contentType: 'text/plain' })
  })

  it('credentials go to the same origin after a redirect and are dropped on another origin, as live', async () => {
    const { server: other } = await serve()
    const config = { auth: { username: 'user', password: 'secret' }, headers: { Cookie: 'a=1' } }
    const sameOrigin = await liveRecordedReplayed(transport, '/redirect-to?location=/echo', config)
    const sent = (response: AxiosResponse) => (response.data as Echoed).headers
    expect(sent(responseOf(sameOrigin.replayed)).authorization).toBe(`Basic ${Buffer.from('user:secret').toString('base64')}`)
    expect(sent(responseOf(sameOrigin.recorded)).authorization).toBe(sent(responseOf(sameOrigin.live)).authorization)
    expect(sent(responseOf(sameOrigin.recorded)).cookie).toBe(sent(responseOf(sameOrigin.live)).cookie)
    const crossOrigin = await liveRecordedReplayed(transport, `/redirect-to?location=${encodeURIComponent(other.url('/echo'))}`, config)
    expect(sent(responseOf(crossOrigin.replayed)).authorization).toBeUndefined()
    expect(sent(responseOf(crossOrigin.replayed)).cookie).toBe(sent(responseOf(crossOrigin.live)).cookie)
    expect(sent(responseOf(crossOrigin.live)).authorization).toBeUndefined()
    expect(crossOrigin.file).toContain(other.url('/echo'))
  })
})

describe('axios (http): redirect limits and hooks', () => {
  it('maxRedirects stops the chain with the error follow-redirects gives, when recording and on replay', async () => {
    const { live, recorded, replayed, hits } = await liveRecordedReplayed('http', '/redirect/3', { maxRedirects: 1 })
    for (const outcome of [recorded, replayed]) {
      expect(errorOf(outcome).code).toBe('ERR_FR_TOO_MANY_REDIRECTS')
      expect(errorOf(outcome).message).toBe('Maximum number of redirects exceeded')
    }
    expect([errorOf(recorded).code, errorOf(recorded).message]).toEqual([errorOf(live).code, errorOf(live).message])
    expect(hits).toBe(2)
  })

  it('beforeRedirect sees each hop and its header changes go out with the next one', async () => {
    const calls: string[] = []
    const beforeRedirect = (options: Record<string, unknown>, response: { statusCode: number }) => {
      calls.push(`${response.statusCode} ${String(options.href)}`)
      ;(options.headers as Record<string, string>)['X-Hop'] = String(calls.length)
    }
    const { live, recorded, replayed, file } = await liveRecordedReplayed('http', '/redirect-to?location=/echo', { beforeRedirect })
    // live, recording, replay: the hook runs on replay too
    expect(calls).toHaveLength(3)
    expect(calls[1]).toBe(calls[0])
    expect(calls[2]).toBe(calls[0])
    expect(calls[0]).toMatch(/^302 http:\/\/127\.0\.0\.1:\d+\/echo$/)
    const hop = (outcome: Outcome) => (responseOf(outcome).data as Echoed).headers['x-hop']
    expect([hop(live), hop(recorded), hop(replayed)]).toEqual(['1', '2', '2'])
    expect(file).toMatch(/X-Hop:\n\s+- '2'\n(.|\n)*uri: \S+\/echo\n/)
  })
})

// The conformance suite replays the peers' single-request fixtures; a redirect chain is axios's own to follow.
describe.each(TRANSPORTS)('axios (%s): cassettes recorded by vcrpy and Ruby VCR', (transport) => {
  for (const peer of PEERS) {
    it(`${peer.dir}/redirect${peer.extension}: the chain recorded hop by hop is followed to the end`, async () => {
      const vcr = new VCR({ cassetteLibraryDir: peerDir(peer), recordMode: 'none' })
      const { response, allPlayed } = await vcr.useCassette(`redirect${peer.extension}`, async (cassette) => {
        const response = await axios.create({ adapter: vcrAdapter(cassette, { transport }) }).get(cassette.requests[0]!.url)
        return { response, allPlayed: cassette.allPlayed }
      })
      expect(response.status).toBe(200)
      expect(response.data).toEqual({ hello: 'world' })
      expect(allPlayed).toBe(true)
    })
  }
})

describe('vcrAdapter options', () => {
  it('rejects a bad cassette argument, transport or option at the factory, saying what to pass', () => {
    expect(() => vcrAdapter({ transport: 'fetch' } as unknown as Cassette)).toThrow(InvalidOptionError)
    expect(() => vcrAdapter({ transport: 'fetch' } as unknown as Cassette)).toThrow("got an object with keys transport. Pass options second, e.g. vcrAdapter(undefined, { transport: 'fetch' })")
    expect(() => vcrAdapter(undefined, { transport: 'xhr' as AxiosTransport })).toThrow(InvalidOptionError)
    expect(() => vcrAdapter(undefined, { transport: 'xhr' as AxiosTransport })).toThrow(`vcrAdapter option 'transport' must be one of 'http', 'fetch'; got "xhr"`)
    expect(() => vcrAdapter(undefined, { adapter: 'fetch' } as VcrAdapterOptions)).toThrow("Unknown vcrAdapter option 'adapter'; it is now called 'transport'.")
    expect(() => vcrAdapter(undefined, { retries: 2 } as VcrAdapterOptions)).toThrow("Unknown vcrAdapter option 'retries'; the options are: allowHttpWithoutCassette, transport")
    expect(() => vcrAdapter(undefined, 'fetch' as VcrAdapterOptions)).toThrow('vcrAdapter options must be an object')
    expect(() => vcrAdapter(undefined, { allowHttpWithoutCassette: 'no' as unknown as boolean })).toThrow("vcrAdapter option 'allowHttpWithoutCassette' must be true or false")
  })

  it("the default transport is axios's http adapter: a replayed stream is a Node Readable", async () => {
    const { server } = await serve()
    const response = await axios.create({ adapter: vcrAdapter() }).get(server.url('/json'), { responseType: 'stream' })
    expect(response.data).toBeInstanceOf(Readable)
    expect((await readNodeStream(response.data as Readable)).toString()).toBe(JSON_BODY)
  })

  it.each(TRANSPORTS)('%s: with no cassette anywhere, requests go to the network unrecorded', async (transport) => {
    const { server } = await serve()
    const client = axios.create({ adapter: vcrAdapter(undefined, { transport }) })
    const first = await client.get(server.url('/counter'))
    const second = await client.get(server.url('/counter'))
    expect([first.data, second.data]).toEqual([{ count: 1 }, { count: 2 }])
    expect(server.hits).toBe(2)
  })

  it.each(TRANSPORTS)('%s: allowHttpWithoutCassette: false rejects a request outside any cassette with NoCassetteError, before the network', async (transport) => {
    const { server } = await serve()
    const client = axios.create({ adapter: vcrAdapter(undefined, { transport, allowHttpWithoutCassette: false }) })
    const error = errorOf(await settled(client.get(server.url('/json'))))
    expect(error.cause).toBeInstanceOf(NoCassetteError)
    expect((error.cause as Error).message).toContain(`GET ${server.url('/json')}`)
    expect(server.hits).toBe(0)
    const dir = await tempCassetteDir()
    const inside = await new VCR({ cassetteLibraryDir: dir }).useCassette('inside.yaml', () => client.get(server.url('/json')))
    expect(inside.data).toEqual({ hello: 'world' })
  })

  it.each(TRANSPORTS)("%s: the request config axios hands the caller back is live axios's", async (transport) => {
    const { live, replayed } = await liveRecordedReplayed(transport, '/json')
    expect(responseOf(replayed).config.headers.toJSON()).toEqual(responseOf(live).config.headers.toJSON())
    expect(responseOf(replayed).config.url).toBe(responseOf(live).config.url)
  })
})

describe("vcrAdapter: the caller's own connection settings", () => {
  it('http: an httpAgent in the config makes the real connections when recording, and none on replay', async () => {
    const { server, stop } = await serve()
    const connections: string[] = []
    class CountingAgent extends http.Agent {
      override createConnection(...args: Parameters<http.Agent['createConnection']>) {
        connections.push(String(args[0].port))
        return super.createConnection(...args)
      }
    }
    const httpAgent = new CountingAgent()
    onTestFinished(() => httpAgent.destroy())
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = (cassette: Cassette) => axios.create({ adapter: vcrAdapter(cassette), httpAgent })
    await vcr.useCassette('agent.yaml', (cassette) => client(cassette).get(server.url('/json')))
    expect(connections).toEqual([String(server.port)])
    await stop()
    const replayed = await vcr.useCassette('agent.yaml', (cassette) => client(cassette).get(server.url('/json')), { recordMode: 'none' })
    expect(replayed.data).toEqual({ hello: 'world' })
    expect(connections).toHaveLength(1)
  })

  it("http: without an agent in the config, Node's global agent makes the real requests, and none on replay", async () => {
    const { server, stop } = await serve()
    const agent = http.globalAgent as http.Agent & { addRequest(...args: unknown[]): void }
    const addRequest = vi.spyOn(agent, 'addRequest')
    onTestFinished(() => addRequest.mockRestore())
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = (cassette: Cassette) => axios.create({ adapter: vcrAdapter(cassette) })
    await vcr.useCassette('global.yaml', (cassette) => client(cassette).get(server.url('/json')))
    expect(addRequest).toHaveBeenCalledTimes(1)
    await stop()
    await vcr.useCassette('global.yaml', (cassette) => client(cassette).get(server.url('/json')), { recordMode: 'none' })
    expect(addRequest).toHaveBeenCalledTimes(1)
  })

  it('http: one vcrjs agent stands in for each real agent, for every request of the adapter', async () => {
    const { server } = await serve()
    const own = new http.Agent({ keepAlive: false })
    onTestFinished(() => own.destroy())
    const adapter = vcrAdapter()
    const send = (config: AxiosRequestConfig = {}) => axios.create({ adapter }).get(server.url('/json'), config)
    const [first, second, withOwn, withOwnAgain] = [await send(), await send(), await send({ httpAgent: own }), await send({ httpAgent: own })]
    expect(second.config.httpAgent).toBe(first.config.httpAgent)
    expect(withOwnAgain.config.httpAgent).toBe(withOwn.config.httpAgent)
    expect(withOwn.config.httpAgent).not.toBe(first.config.httpAgent)
    // Each takes its real agent's keep-alive setting, so the client writes what it writes live.
    expect([first.headers.connection, withOwn.headers.connection]).toEqual(['keep-alive', 'close'])
  })

  it('http: a proxy in the environment does not take the recording past the vcrjs agent', async () => {
    const { server } = await serve()
    // A proxy that is not there: a request sent to it fails at once.
    const { server: gone, stop } = await serve()
    await stop()
    const proxy = gone.origin
    vi.stubEnv('HTTP_PROXY', proxy)
    vi.stubEnv('http_proxy', proxy)
    vi.stubEnv('NO_PROXY', '')
    vi.stubEnv('no_proxy', '')
    onTestFinished(() => void vi.unstubAllEnvs())
    const dir = await tempCassetteDir()
    const recorded = await new VCR({ cassetteLibraryDir: dir }).useCassette('env-proxy.yaml', (cassette) =>
      axios.create({ adapter: vcrAdapter(cassette) }).get(server.url('/json')),
    )
    expect(recorded.data).toEqual({ hello: 'world' })
    expect(server.hits).toBe(1)
    expect(await readFile(join(dir, 'env-proxy.yaml'), 'utf8')).toContain(`uri: ${server.url('/json')}`)
  })

  it("https: an httpsAgent with the caller's CA makes the real TLS connection when recording; the replay needs no server", async () => {
    const certificate = await selfSignedCertificate()
    const server = await startWireServer(certificate)
    const httpsAgent = new https.Agent({ ca: certificate.cert })
    onTestFinished(() => httpsAgent.destroy())
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const get = (options?: CassetteOptions) =>
      vcr.useCassette('tls.yaml', (cassette) => axios.create({ adapter: vcrAdapter(cassette), httpsAgent }).get(server.url('/counter')), options)
    const recorded = await get()
    await server.close()
    const replayed = await get({ recordMode: 'none' })
    expect(server.origin).toMatch(/^https:/)
    expect([recorded.data, replayed.data]).toEqual([{ count: 1 }, { count: 1 }])
    expect(server.hits).toBe(1)
    expect(await readFile(join(dir, 'tls.yaml'), 'utf8')).toContain(`uri: ${server.url('/counter')}`)
    // Without the CA, the real handshake fails as it does live.
    const untrusted = await new VCR({ cassetteLibraryDir: dir }).useCassette('untrusted.yaml', async (cassette) => {
      const other = await startWireServer(certificate)
      return settled(axios.create({ adapter: vcrAdapter(cassette) }).get(other.url('/counter')))
    })
    expect(errorOf(untrusted).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT')
  })

  it("http: axios's proxy option is refused with a typed error naming the alternative", async () => {
    const error = errorOf(await settled(axios.create({ adapter: vcrAdapter() }).get('http://127.0.0.1:9/', { proxy: { host: '127.0.0.1', port: 9 } })))
    expect(error.cause).toBeInstanceOf(InvalidOptionError)
    expect(error.code).toBe('VCR_INVALID_OPTION')
    expect(error.message).toContain('as httpsAgent / httpAgent instead')
  })

  it('fetch: a dispatcher in fetchOptions makes the real requests when recording, and none on replay', async () => {
    const { server, stop } = await serve()
    const dispatched: string[] = []
    class CountingAgent extends Agent {
      override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
        dispatched.push(String(options.path))
        return super.dispatch(options, handler)
      }
    }
    const dispatcher = new CountingAgent()
    onTestFinished(() => dispatcher.close())
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = (cassette: Cassette) => axios.create({ adapter: vcrAdapter(cassette, { transport: 'fetch' }), fetchOptions: { dispatcher } })
    await vcr.useCassette('dispatcher.yaml', (cassette) => client(cassette).get(server.url('/json')))
    expect(dispatched).toEqual(['/json'])
    await stop()
    const replayed = await vcr.useCassette('dispatcher.yaml', (cassette) => client(cassette).get(server.url('/json')), { recordMode: 'none' })
    expect(replayed.data).toEqual({ hello: 'world' })
    expect(dispatched).toHaveLength(1)
  })
})
