import { isUtf8 } from 'node:buffer'
import { HttpHeaders } from './headers.js'
import { Request } from './request.js'
import { Response } from './response.js'

/**
 * Ruby VCR's `filter_sensitive_data`: placeholder → the secret, or a function
 * that reads the secret off the live request (e.g. its Authorization header).
 *
 * @example { '<API_KEY>': process.env.API_KEY, '<TOKEN>': (request) => request.headers.get('authorization') }
 */
export type SensitiveData = Record<string, string | undefined | ((request: Request) => string | null | undefined)>

type Pair = readonly [from: string, to: string]

/**
 * Replaces secrets by placeholders everywhere in an interaction when it is
 * recorded (URL, headers, text bodies), and placeholders by the secrets of
 * the live request when it is played back, so the file holds no secret and
 * the client still sees the real values.
 */
export class SensitiveDataFilter {
  readonly #spec: readonly (readonly [string, SensitiveData[string]])[]

  constructor(spec: SensitiveData | undefined) {
    this.#spec = Object.entries(spec ?? {})
  }

  get empty(): boolean {
    return this.#spec.length === 0
  }

  /** `[secret, placeholder]` pairs for this request, longest secret first so one secret inside another is replaced whole. */
  hiding(request: Request): Pair[] {
    const pairs: Pair[] = []
    for (const [placeholder, source] of this.#spec) {
      const secret = typeof source === 'function' ? source(request) : source
      if (typeof secret !== 'string' || secret === '') continue
      pairs.push([secret, placeholder])
      const encoded = encodeURIComponent(secret)
      if (encoded !== secret) pairs.push([encoded, placeholder])
    }
    return pairs.sort((a, b) => b[0].length - a[0].length)
  }

  /** `[placeholder, secret]` pairs for this request. */
  revealing(request: Request): Pair[] {
    const pairs: Pair[] = []
    for (const [placeholder, source] of this.#spec) {
      const secret = typeof source === 'function' ? source(request) : source
      if (typeof secret === 'string' && secret !== '') pairs.push([placeholder, secret])
    }
    return pairs
  }

  static request(request: Request, pairs: readonly Pair[]): Request {
    if (pairs.length === 0) return request
    const url = replaceAll(request.url, pairs)
    const headers = replaceInHeaders(request.headers, pairs)
    const body = request.body === null ? null : replaceInBody(request.body, pairs)
    if (url === request.url && headers === request.headers && body === request.body) return request
    return new Request({ method: request.method, url, headers: withLength(headers, body, request.body), body })
  }

  static response(response: Response, pairs: readonly Pair[]): Response {
    if (pairs.length === 0) return response
    const headers = replaceInHeaders(response.headers, pairs)
    const body = replaceInBody(response.body, pairs)
    if (headers === response.headers && body === response.body) return response
    return new Response({ status: response.status, headers: withLength(headers, body, response.body), body })
  }
}

function replaceAll(text: string, pairs: readonly Pair[]): string {
  let out = text
  for (const [from, to] of pairs) out = out.replaceAll(from, to)
  return out
}

function replaceInHeaders(headers: HttpHeaders, pairs: readonly Pair[]): HttpHeaders {
  let changed = false
  const entries = headers.entries().map(([name, value]): [string, string] => {
    const next = replaceAll(value, pairs)
    changed ||= next !== value
    return [name, next]
  })
  return changed ? new HttpHeaders(entries) : headers
}

/** Only text bodies are rewritten: a compressed body is opaque (decode it first with `decodeCompressedResponse`). */
function replaceInBody(body: Uint8Array, pairs: readonly Pair[]): Uint8Array {
  if (!isUtf8(body)) return body
  const text = Buffer.from(body).toString('utf8')
  const next = replaceAll(text, pairs)
  return next === text ? body : Buffer.from(next, 'utf8')
}

/** Keeps Content-Length true to the body after a replacement changed its size. */
function withLength(headers: HttpHeaders, body: Uint8Array | null, before: Uint8Array | null): HttpHeaders {
  if (body === before || body === null || !headers.has('content-length')) return headers
  return new HttpHeaders(headers).set('Content-Length', String(body.length))
}
