import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import { HttpHeaders, type Response } from '@vcrjs/core'

/**
 * The response the vcr hook hands got, replayed or just recorded: an
 * `IncomingMessage`-like stream that got accepts from a `beforeRequest` hook
 * (its documented way to answer from a cache). The body is the raw bytes as
 * the cassette holds them, so got decompresses it,
 * follows its redirects and applies its status errors exactly as for a
 * response from the network. got assigns `url`, `statusMessage` and more on
 * it, so the fields are plain and writable.
 */
export class ReplayedResponse extends Readable {
  statusCode: number
  statusMessage: string
  /** Node's form: lower-case names, `set-cookie` an array, other repeats joined as Node joins them. */
  headers: IncomingHttpHeaders
  /** Node's flat `[name, value, ...]` list, names as recorded. */
  rawHeaders: string[]
  url: string
  httpVersion = '1.1'
  httpVersionMajor = 1
  httpVersionMinor = 1
  trailers: Record<string, string> = {}
  rawTrailers: string[] = []
  /** The whole message is at hand, as for an `IncomingMessage` that has been received. */
  complete = true
  #body: Uint8Array | null

  constructor(response: Response, request: { method: string; url: string }) {
    super()
    const headers = headersAgreeingWithBody(response, request.method)
    this.statusCode = response.status.code
    this.statusMessage = response.status.message
    this.headers = toNodeHeaders(headers)
    this.rawHeaders = headers.toRaw()
    this.url = request.url
    this.#body = response.body.length > 0 ? response.body : null
  }

  override _read(): void {
    const body = this.#body
    this.#body = null
    if (body) this.push(body)
    this.push(null)
  }
}

/**
 * got 16 checks `content-length` against the bytes it reads (`strictContentLength`).
 * A cassette whose body was edited or filtered after recording may disagree
 * with its header; the body is what is replayed, so the header follows it.
 */
function headersAgreeingWithBody(response: Response, method: string): HttpHeaders {
  const declared = response.headers.get('content-length')
  if (declared === undefined || !mayHaveBody(method, response.status.code)) return response.headers
  const actual = String(response.body.length)
  if (declared.trim() === actual) return response.headers
  const name = response.headers.entries().find(([n]) => n.toLowerCase() === 'content-length')![0]
  return new HttpHeaders(response.headers).set(name, actual)
}

/** RFC 9110: these responses carry no body whatever their headers say. */
function mayHaveBody(method: string, status: number): boolean {
  return method.toUpperCase() !== 'HEAD' && status >= 200 && status !== 204 && status !== 205 && status !== 304
}

// Node keeps only the first value of these and drops repeats (see `IncomingMessage.headers`).
const SINGLE_VALUED = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
])

/** The headers as Node's `IncomingMessage.headers` presents them, so got sees what it sees live. */
function toNodeHeaders(headers: HttpHeaders): IncomingHttpHeaders {
  // No prototype, as Node's own: `constructor` or `__proto__` is a header name like any other.
  const out: Record<string, string | string[]> = Object.create(null)
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase()
    const existing = out[name]
    if (name === 'set-cookie') {
      out[name] = [...((existing as string[] | undefined) ?? []), value]
    } else if (existing === undefined) {
      out[name] = value
    } else if (!SINGLE_VALUED.has(name)) {
      out[name] = `${existing as string}${name === 'cookie' ? '; ' : ', '}${value}`
    }
  }
  return out
}
