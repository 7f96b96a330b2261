import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { type RecordingAdapter, type VcrAdapterOptions, vcrAdapter } from '@vcrjs/axios'
import { type Cassette, type CassetteOptions, CannotOverwriteExistingCassetteError, InvalidOptionError, VCR } from '@vcrjs/core'
import axios, {
  AxiosError,
  type AxiosHeaders,
  type AxiosRequestConfig,
  type AxiosResponse,
  type AxiosResponseHeaders,
} from 'axios'
import { describe, expect, it, onTestFinished } from 'vitest'
import { defineConformanceSuite } from './conformance/suite.js'
import { axiosClient } from './support/axios-clients.js'
import { expectNoMatch } from './support/errors.js'
import { PEERS, peerDir } from './support/peer-fixtures.js'
import { BINARY_BODY, COMPRESSED_JSON, JSON_BODY, startTestServer, UTF8_BODY } from './support/server.js'
import { tempCassetteDir } from './support/temp.js'

defineConformanceSuite(axiosClient('http'))
defineConformanceSuite(axiosClient('fetch'))

/** Sends `config` through plain axios (the truth), then records it through vcrAdapter and replays it with the server closed. */
async function liveRecordedReplayed(adapter: RecordingAdapter, path: string, config: AxiosRequestConfig = {}, cassetteOptions: CassetteOptions = {}) {
  const server = await startTestServer()
  const request = { ...config, url: server.url(path) }
  const live = await settled(axios.create({ adapter }).request(request))
  const liveHits = server.hits
  const dir = await tempCassetteDir()
  const vcr = new VCR({ cassetteLibraryDir: dir, ...cassetteOptions })
  const client = (cassette: Cassette) => axios.create({ adapter: vcrAdapter(cassette, { adapter }) })
  let recorded: Outcome
  try {
    recorded = await vcr.useCassette('axios.yaml', (cassette) => settled(client(cassette).request(request)))
  } finally {
    await server.close()
  }
  const hits = server.hits
  const replayed = await vcr.useCassette('axios.yaml', (cassette) => settled(client(cassette).request(request)), { recordMode: 'none' })
  expect(server.hits, 'replay must not reach the server').toBe(hits)
  const file = await readFile(join(dir, 'axios.yaml'), 'utf8')
  /** `hits`: how many requests the recording sent. */
  return { live, recorded, replayed, file, hits: hits - liveHits }
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

describe.each(['http', 'fetch'] as const)('axios (%s): replayed responses look like live ones', (adapter) => {
  it('headers: the names, values and order axios gives live, Set-Cookie as an array of two', async () => {
    const { live, replayed } = await liveRecordedReplayed(adapter, '/cookies')
    expect(stableHeaders(responseOf(replayed))).toEqual(stableHeaders(responseOf(live)))
    expect(Object.keys(stableHeaders(responseOf(replayed)))).toEqual(Object.keys(stableHeaders(responseOf(live))))
    expect(responseOf(replayed).headers['set-cookie']).toEqual(['session=abc123; Path=/; HttpOnly', 'theme=dark; Path=/'])
    expect(responseOf(replayed).statusText).toBe('OK')
  })

  it("responseType 'json' (the default) parses, 'text' does not", async () => {
    const json = await liveRecordedReplayed(adapter, '/json')
    expect(responseOf(json.replayed).data).toEqual({ hello: 'world' })
    expect(responseOf(json.replayed).data).toEqual(responseOf(json.live).data)
    const text = await liveRecordedReplayed(adapter, '/json', { responseType: 'text' })
    expect(responseOf(text.replayed).data).toBe(JSON_BODY)
    expect(responseOf(text.replayed).data).toBe(responseOf(text.live).data)
  })

  it("responseType 'arraybuffer' gives the same bytes and type as live", async () => {
    const { live, replayed } = await liveRecordedReplayed(adapter, '/binary', { responseType: 'arraybuffer' })
    const data = responseOf(replayed).data as ArrayBufferLike | Buffer
    expect(Object.prototype.toString.call(data)).toBe(Object.prototype.toString.call(responseOf(live).data))
    expect(Buffer.compare(Buffer.from(data as ArrayBuffer), BINARY_BODY)).toBe(0)
  })

  it('transformResponse runs on the replayed body, with the response headers', async () => {
    const transformResponse = (data: string, headers: AxiosResponseHeaders) => `${String(headers['content-type'])}|${data.toUpperCase()}`
    const { live, replayed } = await liveRecordedReplayed(adapter, '/json', { transformResponse })
    expect(responseOf(replayed).data).toBe('application/json|{"HELLO":"WORLD"}')
    expect(responseOf(replayed).data).toBe(responseOf(live).data)
  })

  it('validateStatus: a replayed 404 rejects with an AxiosError carrying the response', async () => {
    const { live, replayed } = await liveRecordedReplayed(adapter, '/status/404')
    const error = errorOf(replayed)
    expect(error).toBeInstanceOf(AxiosError)
    expect(error.code).toBe('ERR_BAD_REQUEST')
    expect(error.message).toBe('Request failed with status code 404')
    expect(error.response?.status).toBe(404)
    expect(error.response?.data).toBe('status 404')
    expect([error.code, error.message, error.response?.data]).toEqual([errorOf(live).code, errorOf(live).message, errorOf(live).response?.data])
    const server500 = await liveRecordedReplayed(adapter, '/status/500')
    expect(errorOf(server500.replayed).code).toBe('ERR_BAD_RESPONSE')
  })

  it('a gzip body is stored compressed and decoded on replay, as live', async () => {
    const { live, replayed, file } = await liveRecordedReplayed(adapter, '/gzip')
    expect(file).toMatch(/Content-Encoding:\n\s+- gzip/i)
    expect(responseOf(replayed).data).toEqual(JSON.parse(COMPRESSED_JSON))
    expect(stableHeaders(responseOf(replayed))).toEqual(stableHeaders(responseOf(live)))
  })

  it('maxContentLength applies to the replayed body', async () => {
    const { live, replayed } = await liveRecordedReplayed(adapter, '/gzip', { maxContentLength: 50 })
    expect(errorOf(replayed).message).toBe('maxContentLength size of 50 exceeded')
    expect(errorOf(replayed).message).toBe(errorOf(live).message)
  })

  it('a replayed redirect chain ends where the live one does; maxRedirects: 0 hands back the 302', async () => {
    const followed = await liveRecordedReplayed(adapter, '/redirect/2')
    expect(responseOf(followed.replayed).data).toEqual({ hello: 'world' })
    expect(followed.hits).toBe(3)
    const kept = await liveRecordedReplayed(adapter, '/redirect/1', { maxRedirects: 0, validateStatus: () => true })
    expect(responseOf(kept.replayed).status).toBe(302)
    expect(responseOf(kept.replayed).headers.location).toBe('/json')
    expect(stableHeaders(responseOf(kept.replayed))).toEqual(stableHeaders(responseOf(kept.live)))
    expect(kept.hits).toBe(1)
  })

  it('a request no interaction matches rejects with an AxiosError caused by CannotOverwriteExistingCassetteError', async () => {
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
    const outcome = await vcr.useCassette('empty.yaml', (cassette) =>
      settled(axios.create({ adapter: vcrAdapter(cassette, { adapter }) }).get('http://127.0.0.1:9/nothing')),
    )
    const error = errorOf(outcome)
    expect(error.cause).toBeInstanceOf(CannotOverwriteExistingCassetteError)
    expect(error.code).toBe('VCR_CANNOT_OVERWRITE_EXISTING_CASSETTE')
    expect(error.config?.url).toBe('http://127.0.0.1:9/nothing')
    expect(error.message).toContain('GET http://127.0.0.1:9/nothing')
  })

  it('a timeout rejects as it does live, and nothing is recorded', async () => {
    const server = await startTestServer()
    onTestFinished(() => server.close())
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const live = await settled(axios.create({ adapter }).get(server.url('/slow?ms=2000'), { timeout: 50 }))
    const recorded = await vcr.useCassette('timeout.yaml', (cassette) =>
      settled(axios.create({ adapter: vcrAdapter(cassette, { adapter }) }).get(server.url('/slow?ms=2000'), { timeout: 50 })),
    )
    expect(errorOf(recorded).message).toBe('timeout of 50ms exceeded')
    expect([errorOf(recorded).code, errorOf(recorded).message]).toEqual([errorOf(live).code, errorOf(live).message])
    await expect(readFile(join(dir, 'timeout.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('an abort through signal rejects with a CanceledError as live', async () => {
    const server = await startTestServer()
    onTestFinished(() => server.close())
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const abortSoon = () => {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 50)
      return controller.signal
    }
    const live = await settled(axios.create({ adapter }).get(server.url('/slow?ms=2000'), { signal: abortSoon() }))
    const started = Date.now()
    const recorded = await vcr.useCassette('abort.yaml', (cassette) =>
      settled(axios.create({ adapter: vcrAdapter(cassette, { adapter }) }).get(server.url('/slow?ms=2000'), { signal: abortSoon() })),
    )
    expect(Date.now() - started).toBeLessThan(1500)
    expect(axios.isCancel(errorOf(recorded))).toBe(true)
    expect([errorOf(recorded).code, errorOf(recorded).message]).toEqual([errorOf(live).code, errorOf(live).message])
    await expect(readFile(join(dir, 'abort.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

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

describe.each(['http', 'fetch'] as const)('axios (%s): request data', (adapter) => {
  for (const [kind, data] of Object.entries(REQUEST_DATA)) {
    it(`${kind}: sent as live axios sends it, recorded as those bytes, matched by body on replay`, async () => {
      const server = await startTestServer()
      const live = await axios.create({ adapter }).post(server.url('/echo'), data())
      const dir = await tempCassetteDir()
      const vcr = new VCR({ cassetteLibraryDir: dir, matchOn: ['method', 'uri', 'body'] })
      const client = (cassette: Cassette) => axios.create({ adapter: vcrAdapter(cassette, { adapter }) })
      const recorded = await vcr.useCassette('data.yaml', (cassette) => client(cassette).post(server.url('/echo'), data()))
      await server.close()
      const seen = received(recorded)
      const expected = received(live)
      if (kind === 'FormData' && adapter === 'fetch') {
        // Live, axios's fetch adapter in Node leaves the x-www-form-urlencoded default on a multipart body; vcrjs sends the multipart type.
        expect(seen.contentType).toBe('multipart/form-data; boundary=BOUNDARY')
        expect({ ...seen, contentType: undefined, framing: undefined }).toEqual({ ...expected, contentType: undefined, framing: undefined })
      } else {
        expect(seen).toEqual(expected)
      }
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
  const server = await startTestServer()
  onTestFinished(() => server.close())
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

describe.each(['http', 'fetch'] as const)('axios (%s): URLs and redirects', (adapter) => {
  it('baseURL and params resolve to the full URL that is recorded and matched', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const client = (cassette: Cassette) => axios.create({ adapter: vcrAdapter(cassette, { adapter }), baseURL: `${server.origin}/` })
    const recorded = await vcr.useCassette('params.yaml', (cassette) => client(cassette).get('text', { params: { b: 2, a: 'x y' } }))
    await server.close()
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
    const { live, recorded, replayed, file } = await liveRecordedReplayed(adapter, '/redirect-to?status=302&location=/echo', {
      method: 'POST',
      data: 'payload',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(received(responseOf(recorded))).toEqual(received(responseOf(live)))
    expect(received(responseOf(replayed))).toMatchObject({ method: 'GET', body: '', contentType: undefined })
    expect(file).toMatch(/method: POST\n\s+uri: \S+\/redirect-to/)
    expect(file).toMatch(/method: GET\n\s+uri: \S+\/echo\n/)
    const kept = await liveRecordedReplayed(adapter, '/redirect-to?status=307&location=/echo', {
      method: 'POST',
      data: 'payload',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(received(responseOf(kept.recorded))).toEqual(received(responseOf(kept.live)))
    expect(received(responseOf(kept.replayed))).toMatchObject({ method: 'POST', body: 'payload', contentType: 'text/plain' })
  })

  it('credentials go to the same origin after a redirect and are dropped on another origin, as live', async () => {
    const other = await startTestServer()
    onTestFinished(() => other.close())
    const config = { auth: { username: 'user', password: 'secret' }, headers: { Cookie: 'a=1' } }
    const sameOrigin = await liveRecordedReplayed(adapter, '/redirect-to?location=/echo', config)
    const sent = (response: AxiosResponse) => (response.data as Echoed).headers
    expect(sent(responseOf(sameOrigin.replayed)).authorization).toBe(`Basic ${Buffer.from('user:secret').toString('base64')}`)
    expect(sent(responseOf(sameOrigin.recorded)).authorization).toBe(sent(responseOf(sameOrigin.live)).authorization)
    expect(sent(responseOf(sameOrigin.recorded)).cookie).toBe(sent(responseOf(sameOrigin.live)).cookie)
    const crossOrigin = await liveRecordedReplayed(adapter, `/redirect-to?location=${encodeURIComponent(other.url('/echo'))}`, config)
    expect(sent(responseOf(crossOrigin.replayed)).authorization).toBeUndefined()
    expect(sent(responseOf(crossOrigin.replayed)).cookie).toBeUndefined()
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
describe.each(['http', 'fetch'] as const)('axios (%s): cassettes recorded by vcrpy and Ruby VCR', (adapter) => {
  for (const peer of PEERS) {
    it(`${peer.dir}/redirect${peer.extension}: the chain recorded hop by hop is followed to the end`, async () => {
      const vcr = new VCR({ cassetteLibraryDir: peerDir(peer), recordMode: 'none' })
      const { response, allPlayed } = await vcr.useCassette(`redirect${peer.extension}`, async (cassette) => {
        const response = await axios.create({ adapter: vcrAdapter(cassette, { adapter }) }).get(cassette.requests[0]!.url)
        return { response, allPlayed: cassette.allPlayed }
      })
      expect(response.status).toBe(200)
      expect(response.data).toEqual({ hello: 'world' })
      expect(allPlayed).toBe(true)
    })
  }
})

describe('vcrAdapter', () => {
  it('rejects an unknown recording adapter, naming the allowed ones', () => {
    expect(() => vcrAdapter(undefined, { adapter: 'xhr' as RecordingAdapter })).toThrow(InvalidOptionError)
    expect(() => vcrAdapter(undefined, { adapter: 'xhr' as RecordingAdapter })).toThrow("Allowed values: 'http', 'fetch'.")
    expect(() => vcrAdapter(undefined, { adaptor: 'fetch' } as VcrAdapterOptions)).toThrow("Unknown vcrAdapter option 'adaptor'")
  })

  it('with no cassette anywhere, requests go to the network unrecorded', async () => {
    const server = await startTestServer()
    onTestFinished(() => server.close())
    const client = axios.create({ adapter: vcrAdapter() })
    const first = await client.get(server.url('/counter'))
    const second = await client.get(server.url('/counter'))
    expect([first.data, second.data]).toEqual([{ count: 1 }, { count: 2 }])
    expect(server.hits).toBe(2)
  })

  it("leaves the caller's config.headers as axios built them", async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const response = await vcr.useCassette('headers.yaml', (cassette) => axios.create({ adapter: vcrAdapter(cassette) }).get(server.url('/json')))
    await server.close()
    expect(response.config.headers.toJSON()).toEqual({ Accept: 'application/json, text/plain, */*' })
    expect(await readFile(join(dir, 'headers.yaml'), 'utf8')).toMatch(/User-Agent:\n\s+- axios\//)
  })
})
