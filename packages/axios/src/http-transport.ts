import type { IncomingMessage } from 'node:http'
import { pipeline, Readable, type Transform } from 'node:stream'
import zlib from 'node:zlib'
import { HttpHeaders, type Response } from '@vcrjs/core'
import axios, { AxiosError, AxiosHeaders, type AxiosResponse, CanceledError, type InternalAxiosRequestConfig } from 'axios'
import { httpAdapterDecoders } from './content-coding.js'
import { basicAuthorization, type Hop, removeHeaders, singleHopConfig, type WireHeaders } from './hop.js'
import { nodeHeaders } from './node-headers.js'
import { resolveLocation, switchesToGet } from './redirects.js'
import type { RedirectChain, Transport } from './transport.js'

const ACCEPT_ENCODING = 'gzip, compress, deflate, br'
const hasZstd = typeof (zlib as unknown as { createZstdDecompress?: unknown }).createZstdDecompress === 'function'
// follow-redirects' default when axios's maxRedirects is unset.
const DEFAULT_MAX_REDIRECTS = 21

/**
 * axios's Node http adapter (lib/adapters/http.js) with follow-redirects. Real
 * requests go through `axios.getAdapter('http')` one hop at a time, with
 * redirects, decompression and status checks off, so the raw response is what
 * gets recorded; the caller's response is then built the way the adapter
 * builds it from a socket.
 */
export const httpTransport: Transport = {
  name: 'http',

  prepare(headers, body, auth, config) {
    headers.set('User-Agent', `axios/${axios.VERSION}`, false)
    if (body.bytes && !body.streamed) headers.setContentLength(body.bytes.length, false)
    const advertiseZstd = config.transitional && (config.transitional as { advertiseZstdAcceptEncoding?: unknown }).advertiseZstdAcceptEncoding === true
    headers.set('Accept-Encoding', advertiseZstd && hasZstd ? `${ACCEPT_ENCODING}, zstd` : ACCEPT_ENCODING, false)
    // Node sends `auth` as the Authorization header, replacing any the caller set.
    if (auth !== undefined) headers.delete('authorization')
    return auth
  },

  async send(config, hop, signal) {
    const adapter = axios.getAdapter('http', config)
    const headers = new AxiosHeaders(hop.headers as Record<string, string | string[]>)
    if (hop.auth !== undefined) headers.set('Authorization', basicAuthorization(hop.auth))
    const response = await adapter({ ...singleHopConfig(config, hop, headers, signal), responseType: 'stream', decompress: false })
    const stream = response.data as IncomingMessage
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    // rawHeaders keep the server's spelling, order and repeats; a rate-limited download loses them.
    const recorded = Array.isArray(stream.rawHeaders) ? HttpHeaders.fromRaw(stream.rawHeaders) : headersOf(response.headers as AxiosHeaders)
    return {
      response: { status: { code: response.status, message: response.statusText }, headers: recorded, body: Buffer.concat(chunks) },
      request: response.request,
    }
  },

  requestFor(chain, sent) {
    if (sent !== undefined) return sent
    const url = new URL(chain.current.url)
    // A replay has no ClientRequest; this carries the fields callers read from one.
    return { method: chain.current.method, protocol: url.protocol, host: url.hostname, path: url.pathname + url.search }
  },

  async present(config, response, hop, request) {
    const status = response.status.code
    const headers = nodeHeaders(response.headers)
    const decoders: Transform[] = []
    if (config.decompress !== false && headers['content-encoding']) {
      if (hop.method === 'HEAD' || status === 204) delete headers['content-encoding']
      const found = httpAdapterDecoders(String(headers['content-encoding'] ?? ''))
      if (found) {
        decoders.push(...found)
        delete headers['content-encoding']
      }
    }
    const source = Readable.from(response.body.length ? [Buffer.from(response.body)] : [], { objectMode: false })
    const body = decoders.length ? (pipeline([source, ...decoders], () => {}) as Transform) : source
    const presented: AxiosResponse = { data: undefined, status, statusText: response.status.message, headers: new AxiosHeaders(headers), config, request }
    const maxContentLength = config.maxContentLength ?? -1
    const tooLong = () => new AxiosError(`maxContentLength size of ${maxContentLength} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, request)
    if (config.responseType === 'stream') {
      presented.data = maxContentLength > -1 ? Readable.from(limited(body, maxContentLength, tooLong), { objectMode: false }) : body
      return presented
    }
    let bytes: Buffer
    try {
      const chunks: Buffer[] = []
      for await (const chunk of limited(body, maxContentLength, tooLong)) chunks.push(chunk)
      bytes = Buffer.concat(chunks)
    } catch (error) {
      if (axios.isAxiosError(error)) throw error
      throw AxiosError.from(error as Error, undefined, config, request, presented)
    }
    if (config.responseType === 'arraybuffer') {
      presented.data = bytes
    } else {
      const encoding = config.responseEncoding as BufferEncoding | undefined
      const text = bytes.toString(encoding)
      presented.data = !encoding || encoding === 'utf8' ? stripBom(text) : text
    }
    return presented
  },

  follows(config, response) {
    return config.maxRedirects !== 0 && response.status.code >= 300 && response.status.code < 400
  },

  maxRedirects(config) {
    return config.maxRedirects || DEFAULT_MAX_REDIRECTS
  },

  tooManyRedirects(config, request) {
    // follow-redirects' TooManyRedirectsError, as axios wraps it.
    const cause = Object.assign(new Error('Maximum number of redirects exceeded'), { code: 'ERR_FR_TOO_MANY_REDIRECTS' })
    cause.name = 'Error [ERR_FR_TOO_MANY_REDIRECTS]'
    return AxiosError.from(cause, undefined, config, request)
  },

  nextHop(config, chain, response, location) {
    const { current, first } = chain
    const status = response.status.code
    const headers: WireHeaders = { ...current.headers }
    let { method, body, streamed } = current
    if (switchesToGet(status, method)) {
      method = 'GET'
      body = null
      streamed = false
      removeHeaders(headers, /^content-/i)
    }
    removeHeaders(headers, /^host$/i)
    const from = new URL(current.url)
    let to = resolveLocation(location, current.url)
    if (to.origin !== from.origin) {
      const sensitive = Array.isArray(config.sensitiveHeaders) ? (config.sensitiveHeaders as unknown[]).map((name) => String(name).toLowerCase()) : []
      for (const name of Object.keys(headers)) {
        const key = name.toLowerCase()
        if (key === 'authorization' || key === 'cookie' || sensitive.includes(key)) delete headers[name]
      }
    }
    removeHeaders(headers, /^proxy-authorization$/i)
    // follow-redirects drops `auth` on every hop; axios restores it on the origin of the first request only.
    let auth = first.auth !== undefined && to.origin === new URL(first.url).origin ? first.auth : undefined
    const beforeRedirect = config.beforeRedirect as BeforeRedirect | undefined
    if (typeof beforeRedirect === 'function') {
      const options: RedirectOptions = {
        protocol: to.protocol,
        hostname: to.hostname.replace(/^\[|\]$/g, ''),
        port: to.port === '' ? '' : Number(to.port),
        path: to.pathname + to.search,
        pathname: to.pathname,
        search: to.search,
        hash: to.hash,
        href: to.href,
        method,
        headers,
        auth,
      }
      beforeRedirect(
        options,
        { headers: nodeHeaders(response.headers), statusCode: status },
        { url: current.url, method: current.method, headers: { Host: from.host, ...current.headers } },
      )
      to = urlOf(options, to)
      method = String(options.method).toUpperCase()
      auth = options.auth
      return { url: to.href, method, headers: options.headers ?? {}, auth, body, streamed }
    }
    return { url: to.href, method, headers, auth, body, streamed }
  },

  timeoutError(config) {
    const transitional = config.transitional as { clarifyTimeoutError?: boolean } | undefined
    return new AxiosError(
      config.timeoutErrorMessage || `timeout of ${config.timeout}ms exceeded`,
      transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED,
      config,
    )
  },

  abortError(config) {
    return new CanceledError(undefined, config)
  },
}

/** The options object follow-redirects hands `beforeRedirect`, with the fields callers change. */
interface RedirectOptions {
  protocol: string
  hostname: string
  port: number | ''
  path: string
  pathname: string
  search: string
  hash: string
  href: string
  method: string
  headers: WireHeaders
  auth: string | undefined
}

type BeforeRedirect = (
  options: RedirectOptions,
  responseDetails: { headers: Record<string, string | string[]>; statusCode: number },
  requestDetails: { url: string; method: string; headers: WireHeaders },
) => void

/** The URL follow-redirects requests after `beforeRedirect`, which may have changed the options. */
function urlOf(options: RedirectOptions, planned: URL): URL {
  const unchanged =
    options.protocol === planned.protocol &&
    options.hostname === planned.hostname.replace(/^\[|\]$/g, '') &&
    String(options.port) === planned.port &&
    options.path === planned.pathname + planned.search
  if (unchanged) return planned
  const host = options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname
  return new URL(`${options.protocol}//${host}${options.port === '' ? '' : `:${options.port}`}${options.path}`)
}

function headersOf(headers: AxiosHeaders): HttpHeaders {
  const out = new HttpHeaders()
  for (const [name, value] of headers) for (const item of Array.isArray(value) ? value : [value]) out.append(name, String(item))
  return out
}

async function* limited(body: Readable, max: number, tooLong: () => AxiosError): AsyncGenerator<Buffer> {
  let total = 0
  for await (const chunk of body) {
    total += (chunk as Buffer).length
    if (max > -1 && total > max) {
      body.destroy()
      throw tooLong()
    }
    yield chunk as Buffer
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}
