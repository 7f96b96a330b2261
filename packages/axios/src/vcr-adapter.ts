import { type Cassette, handleRequest, VcrError } from '@vcrjs/core'
import axios, { AxiosError, AxiosHeaders, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios'
import { withCancellation } from './cancellation.js'
import { fetchTransport } from './fetch-transport.js'
import { type Hop, toCoreRequest, type WireHeaders } from './hop.js'
import { httpTransport } from './http-transport.js'
import { normalizeOptions, type VcrAdapterOptions } from './options.js'
import { redirectLocation } from './redirects.js'
import { captureBody } from './request-body.js'
import { settle } from './settle.js'
import type { Transport } from './transport.js'

/**
 * An axios adapter that replays requests from a cassette and records the ones
 * the cassette's record mode lets through, using axios's own http (or fetch)
 * adapter for the real request.
 *
 * Every redirect hop is its own interaction, as vcrpy and Ruby VCR record them;
 * the adapter follows redirects itself the way axios does live. Replayed
 * responses honour `responseType`, `decompress`, `validateStatus`,
 * `maxContentLength`, `signal` and `timeout` as a live response does, and
 * `transformResponse` runs as usual. A request that can be neither replayed
 * nor recorded rejects with an `AxiosError` whose `cause` is a
 * `CannotOverwriteExistingCassetteError`.
 *
 * @param cassette The cassette to use; when omitted, the cassette of the
 *   innermost `vcr.useCassette` around each request.
 * @param options Which axios adapter performs real requests; see `VcrAdapterOptions`.
 * @example
 * const client = axios.create({ adapter: vcrAdapter(cassette) })
 * @example
 * // one client for the whole app; each test's useCassette decides where requests go
 * const client = axios.create({ adapter: vcrAdapter() })
 * await vcr.useCassette('users.yaml', () => client.get('https://api.example.com/users'))
 */
export function vcrAdapter(cassette?: Cassette, options?: VcrAdapterOptions): AxiosAdapter {
  const { adapter } = normalizeOptions(options)
  const transport = adapter === 'fetch' ? fetchTransport : httpTransport
  return (config) => withCancellation(config, transport, (signal) => exchange(config, cassette, transport, signal))
}

async function exchange(
  config: InternalAxiosRequestConfig,
  cassette: Cassette | undefined,
  transport: Transport,
  signal: AbortSignal,
): Promise<AxiosResponse> {
  let request: unknown
  try {
    const first = await firstHop(config, transport)
    let current = first
    for (let redirects = 0; ; redirects++) {
      let sent: unknown
      const hop = current
      const response = await handleRequest({
        cassette,
        request: toCoreRequest(hop),
        sendReal: async () => {
          const real = await transport.send(config, hop, signal)
          sent = real.request
          return real.response
        },
      })
      request = transport.requestFor({ first, current: hop }, sent)
      const location = redirectLocation(response)
      if (location === undefined || !transport.follows(config, response, request)) {
        return settle(await transport.present(config, response, hop, request))
      }
      if (redirects >= transport.maxRedirects(config)) throw transport.tooManyRedirects(config, request)
      current = transport.nextHop(config, { first, current: hop }, response, location)
    }
  } catch (error) {
    throw asAxiosError(error, config, request)
  }
}

/** The request as axios would put it on the wire: full URL, headers the adapter adds, body bytes. */
async function firstHop(config: InternalAxiosRequestConfig, transport: Transport): Promise<Hop> {
  const url = new URL(axios.getUri(config))
  // A copy: the caller's config.headers stays as axios left it.
  const headers = new AxiosHeaders(config.headers).normalize(false)
  const body = await captureBody(config, headers, axios.VERSION)
  let auth = config.auth ? `${config.auth.username ?? ''}:${config.auth.password ?? ''}` : undefined
  if (auth === undefined && (url.username || url.password)) auth = `${decode(url.username)}:${decode(url.password)}`
  url.username = ''
  url.password = ''
  const kept = transport.prepare(headers, body, auth, config)
  const maxBodyLength = config.maxBodyLength ?? -1
  if (maxBodyLength > -1 && body.bytes && body.bytes.length > maxBodyLength) {
    throw new AxiosError('Request body larger than maxBodyLength limit', AxiosError.ERR_BAD_REQUEST, config)
  }
  return {
    url: url.href,
    method: (config.method ?? 'get').toUpperCase(),
    headers: headers.toJSON() as WireHeaders,
    auth: kept,
    body: body.bytes,
    streamed: body.streamed,
  }
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component)
  } catch {
    return component
  }
}

/**
 * Errors reach axios as AxiosErrors carrying the caller's config, so axios's
 * own error handling (interceptors, `axios.isAxiosError`) keeps working; a
 * vcrjs error rides along as `cause`, with its message and code.
 */
function asAxiosError(error: unknown, config: InternalAxiosRequestConfig, request: unknown): unknown {
  if (axios.isAxiosError(error)) {
    // The inner adapter reports the config it was given; the caller knows its own.
    error.config = config
    return error
  }
  if (error instanceof Error) {
    return AxiosError.from(error, error instanceof VcrError ? error.code : undefined, config, request)
  }
  return error
}
