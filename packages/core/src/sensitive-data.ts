import { isUtf8 } from 'node:buffer'
import { HttpHeaders } from './headers.js'
import { Request } from './request.js'
import { Response, timingOf } from './response.js'
import { type Spelling, SPELLINGS, spell } from './secrets/spellings.js'

/**
 * Ruby VCR's `filter_sensitive_data`: placeholder → the secret, or a function
 * that reads the secret off the live request (e.g. its Authorization header).
 *
 * @example { '<API_KEY>': process.env.API_KEY, '<TOKEN>': (request) => request.headers.get('authorization') }
 */
export type SensitiveData = Record<string, string | undefined | ((request: Request) => string | null | undefined)>

/** Replace `from` by `to`; in a JSON body by `toInJson` (a revealed secret must be JSON-escaped there). */
type Pair = readonly [from: string, to: string, toInJson?: string]

// Which spelling of a secret a placeholder is turned back into when several share its spelling
// (`<TOKEN>` is its own JSON escape; `%3CTOKEN%3E` is every percent-encoding of it): the one valid
// wherever it lands (`%20`, not `+`, means a space in a path and in a query alike).
const REVEAL_ORDER: readonly Spelling[] = ['raw', 'uri-component', 'url-query', 'url-path', 'form', 'json', 'json-ascii']
const REVEAL_ORDER_IN_JSON: readonly Spelling[] = ['json', 'json-ascii', 'raw', 'uri-component', 'url-query', 'url-path', 'form']

/**
 * Replaces secrets by placeholders everywhere in an interaction when it is
 * recorded (URL, headers, text bodies), and placeholders by the secrets of
 * the live request when it is played back, so the file holds no secret and
 * the client still sees the real values. Every spelling of a secret is caught
 * (see `SPELLINGS`: as is, percent-encoded three ways, JSON-escaped two ways)
 * and replaced by the same spelling of its placeholder, so playback turns
 * each back into the spelling it had.
 */
export class SensitiveDataFilter {
  readonly #spec: readonly (readonly [string, SensitiveData[string]])[]

  constructor(spec: SensitiveData | undefined) {
    this.#spec = Object.entries(spec ?? {})
  }

  get empty(): boolean {
    return this.#spec.length === 0
  }

  /** `[secret, placeholder]` pairs, one per spelling, longest secret first so one secret inside another is replaced whole. */
  hiding(request: Request): Pair[] {
    const pairs = new Map<string, string>()
    for (const [placeholder, secret] of this.#secrets(request)) {
      for (const spelling of SPELLINGS) {
        const from = spell(secret, spelling)
        if (!pairs.has(from)) pairs.set(from, spell(placeholder, spelling))
      }
    }
    return [...pairs].sort((a, b) => b[0].length - a[0].length)
  }

  /** `[placeholder, secret, secretInJson]` pairs, one per spelling of the placeholder. */
  revealing(request: Request): Pair[] {
    const pairs: Pair[] = []
    for (const [placeholder, secret] of this.#secrets(request)) {
      const spellings = new Map<string, Spelling[]>()
      for (const spelling of SPELLINGS) {
        const written = spell(placeholder, spelling)
        spellings.set(written, [...(spellings.get(written) ?? []), spelling])
      }
      for (const [written, shared] of spellings) {
        const pick = (order: readonly Spelling[]) => spell(secret, order.find((spelling) => shared.includes(spelling))!)
        pairs.push([written, pick(REVEAL_ORDER), pick(REVEAL_ORDER_IN_JSON)])
      }
    }
    return pairs.sort((a, b) => b[0].length - a[0].length)
  }

  #secrets(request: Request): [placeholder: string, secret: string][] {
    const out: [string, string][] = []
    for (const [placeholder, source] of this.#spec) {
      const secret = typeof source === 'function' ? source(request) : source
      if (typeof secret === 'string' && secret !== '') out.push([placeholder, secret])
    }
    return out
  }

  static request(request: Request, pairs: readonly Pair[]): Request {
    if (pairs.length === 0) return request
    const url = replaceAll(request.url, pairs)
    const headers = replaceInHeaders(request.headers, pairs)
    const body = request.body === null ? null : replaceInBody(request.body, pairs, isJson(request.headers))
    if (url === request.url && headers === request.headers && body === request.body) return request
    return new Request({ method: request.method, url, headers: withLength(headers, body, request.body), body })
  }

  static response(response: Response, pairs: readonly Pair[]): Response {
    if (pairs.length === 0) return response
    const headers = replaceInHeaders(response.headers, pairs)
    const body = replaceInBody(response.body, pairs, isJson(response.headers))
    if (headers === response.headers && body === response.body) return response
    // Timing is kept; the chunk boundaries only while the length is unchanged (Response checks).
    return new Response({ ...timingOf(response), status: response.status, headers: withLength(headers, body, response.body), body })
  }
}

/**
 * One pass over `text`, so what one pair wrote is never rewritten by the next
 * (a secret that contains another's placeholder); at each position the
 * longest `from` wins (pairs come longest first).
 */
function replaceAll(text: string, pairs: readonly Pair[], json = false): string {
  if (!pairs.some(([from]) => text.includes(from))) return text
  const replacements = new Map(pairs.map(([from, to, toInJson]) => [from, json && toInJson !== undefined ? toInJson : to]))
  const pattern = new RegExp(pairs.map(([from]) => escapeRegExp(from)).join('|'), 'g')
  return text.replace(pattern, (found) => replacements.get(found)!)
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

function isJson(headers: HttpHeaders): boolean {
  return /json/i.test(headers.get('content-type') ?? '')
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
function replaceInBody(body: Uint8Array, pairs: readonly Pair[], json: boolean): Uint8Array {
  if (!isUtf8(body)) return body
  const text = Buffer.from(body).toString('utf8')
  const next = replaceAll(text, pairs, json)
  return next === text ? body : Buffer.from(next, 'utf8')
}

/** Keeps Content-Length true to the body after a replacement changed its size. */
function withLength(headers: HttpHeaders, body: Uint8Array | null, before: Uint8Array | null): HttpHeaders {
  if (body === before || body === null || !headers.has('content-length')) return headers
  return new HttpHeaders(headers).set('Content-Length', String(body.length))
}
