import { HttpHeaders } from '@vcrjs/core'
import axios, { AxiosError, AxiosHeaders, type AxiosResponse, CanceledError, type InternalAxiosRequestConfig } from 'axios'
import { fetchDecode, fetchDecodedCodings, reencodeFetchDecoded } from './content-coding.js'
import { basicAuthorization, type Hop, removeHeaders, singleHopConfig, type WireHeaders } from './hop.js'
import { resolveLocation, switchesToGet } from './redirects.js'
import type { Transport } from './transport.js'

/** Statuses whose responses have no body in fetch. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])
/** The statuses fetch follows. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
/** Node's fetch gives up after 20 redirects; axios's `maxRedirects` only switches following off (0). */
const FETCH_MAX_REDIRECTS = 20

/**
 * axios's fetch adapter (lib/adapters/fetch.js) over Node's fetch. Real
 * requests go through `axios.getAdapter('fetch')` one hop at a time with
 * `redirect: 'manual'`; the caller's response is built as that adapter builds
 * it from a fetch `Response`.
 */
export const fetchTransport: Transport = {
  name: 'fetch',

  prepare(headers, _body, auth) {
    // The fetch adapter sends credentials as a header, so they follow fetch's redirect rules for headers.
    if (auth !== undefined) {
      headers.delete('authorization')
      headers.set('Authorization', basicAuthorization(auth))
    }
    headers.set('User-Agent', `axios/${axios.VERSION}`, false)
    return undefined
  },

  async send(config, hop, signal) {
    const adapter = axios.getAdapter('fetch', config)
    const response = await adapter({
      ...singleHopConfig(config, hop, new AxiosHeaders(hop.headers as Record<string, string | string[]>), signal),
      responseType: 'arraybuffer',
      fetchOptions: { ...(config.fetchOptions as object | undefined), redirect: 'manual' },
    })
    const headers = new HttpHeaders()
    for (const [name, value] of response.headers as AxiosHeaders) {
      for (const item of Array.isArray(value) ? value : [value]) headers.append(capitalize(name), String(item))
    }
    let body: Buffer = Buffer.from(response.data as ArrayBuffer)
    if (hop.method !== 'HEAD' && !NULL_BODY_STATUSES.has(response.status)) {
      const encoded = reencodeFetchDecoded(body, headers.get('content-encoding'))
      if (encoded) {
        body = encoded
        if (headers.has('content-length')) headers.set('content-length', String(encoded.length))
      }
    }
    return { response: { status: { code: response.status, message: response.statusText }, headers, body }, request: response.request }
  },

  requestFor(chain, sent) {
    // Live, fetch follows redirects itself and axios hands out the Request of the first URL.
    if (sent !== undefined && chain.current === chain.first) return sent
    try {
      return new Request(chain.first.url, { method: chain.first.method })
    } catch {
      return undefined
    }
  },

  async present(config, response, hop, request) {
    const status = response.status.code
    const headers = new Headers()
    for (const [name, value] of response.headers) headers.append(name, value)
    const nullBody = NULL_BODY_STATUSES.has(status)
    let body: Buffer = Buffer.from(response.body)
    const codings = hop.method === 'HEAD' || nullBody ? undefined : fetchDecodedCodings(headers.get('content-encoding'))
    const maxContentLength = config.maxContentLength ?? -1
    const tooLong = () => new AxiosError(`maxContentLength size of ${maxContentLength} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, request)
    if (maxContentLength > -1 && Number(headers.get('content-length') ?? -1) > maxContentLength) throw tooLong()
    try {
      if (codings) body = fetchDecode(body, codings)
    } catch (error) {
      throw AxiosError.from(error as Error, undefined, config, request)
    }
    if (maxContentLength > -1 && body.length > maxContentLength) throw tooLong()
    const fetched = new Response(nullBody || hop.method === 'HEAD' ? null : body, { status, statusText: response.status.message, headers })
    const presented: AxiosResponse = { data: undefined, status, statusText: fetched.statusText, headers: AxiosHeaders.from(headers as unknown as AxiosHeaders), config, request }
    presented.data = await readAs(fetched, config.responseType)
    return presented
  },

  follows(config, response, request) {
    if (!REDIRECT_STATUSES.has(response.status.code) || config.maxRedirects === 0) return false
    const mode = (config.fetchOptions as { redirect?: unknown } | undefined)?.redirect
    if (mode === 'manual') return false
    if (mode === 'error') throw networkError(config, request, 'unexpected redirect')
    return true
  },

  maxRedirects() {
    return FETCH_MAX_REDIRECTS
  },

  tooManyRedirects(config, request) {
    return networkError(config, request, 'redirect count exceeded')
  },

  nextHop(_config, { current }, response, location) {
    const headers: WireHeaders = { ...current.headers }
    let { method, body, streamed } = current
    if (switchesToGet(response.status.code, method)) {
      method = 'GET'
      body = null
      streamed = false
      removeHeaders(headers, /^content-(?:encoding|language|location|type)$/i)
    }
    const to = resolveLocation(location, current.url)
    if (to.origin !== new URL(current.url).origin) removeHeaders(headers, /^(?:authorization|proxy-authorization|cookie|host)$/i)
    return { url: to.href, method, headers, auth: undefined, body, streamed }
  },

  timeoutError(config) {
    return new AxiosError(`timeout of ${config.timeout}ms exceeded`, AxiosError.ETIMEDOUT, config)
  },

  abortError(config, reason) {
    if (axios.isAxiosError(reason)) return Object.assign(reason, { config })
    return new CanceledError(reason instanceof Error ? reason.message : (reason as string | undefined), config)
  },
}

/**
 * Fetch lower-cases header names and hides how the server spelled them; the
 * cassette gets the conventional spelling (`Content-Type`), the one most
 * servers send and vcrpy cassettes show. Names are matched case-insensitively.
 */
function capitalize(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase())
}

/** The body as axios's fetch adapter reads it for a `responseType`. */
async function readAs(response: Response, responseType: string | undefined): Promise<unknown> {
  switch (String(responseType || 'text').toLowerCase()) {
    case 'stream':
      return response.body
    case 'arraybuffer':
      return response.arrayBuffer()
    case 'blob':
      return response.blob()
    case 'formdata':
      return response.formData()
    default:
      return response.text()
  }
}

/** A failed fetch as the fetch adapter reports it: `Network Error` with fetch's TypeError's cause. */
function networkError(config: InternalAxiosRequestConfig, request: unknown, reason: string): AxiosError {
  const error = new AxiosError('Network Error', AxiosError.ERR_NETWORK, config, request)
  Object.defineProperty(error, 'cause', { value: new Error(reason), writable: true, enumerable: false, configurable: true })
  return error
}

