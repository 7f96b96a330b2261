import { type BodyInput, toBytes } from './body.js'
import { UnsupportedRequestError } from './errors.js'
import { HttpHeaders, type HeadersInput } from './headers.js'
import { urlForMessage } from './secrets/redact.js'

export const DEFAULT_PORTS = { http: 80, https: 443 } as const

const NO_QUERY: ReadonlyArray<readonly [string, string]> = Object.freeze([])

/** What an adapter or a user passes to describe a request. */
export interface RequestInit {
  method: string
  url: string | URL
  headers?: HeadersInput
  body?: BodyInput
}

/**
 * The core's neutral request. Every adapter converts its client's request into
 * this; matchers, filters and the cassette only ever see this.
 */
export class Request {
  /** Upper case, as vcrpy stores it. */
  readonly method: string
  /** The full URL as given (not re-serialised, so a cassette keeps its spelling). */
  readonly url: string
  readonly protocol: 'http' | 'https'
  readonly host: string
  /** Default ports filled in: 80 for http, 443 for https. */
  readonly port: number
  readonly path: string
  /** Ordered `[name, value]` pairs, percent-decoded, `+` read as a space. */
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly headers: HttpHeaders
  readonly body: Uint8Array | null

  constructor(init: RequestInit) {
    const url = typeof init.url === 'string' ? init.url : init.url.href
    const parsed = parseUrl(url)
    const protocol = parsed.protocol.slice(0, -1)
    if (protocol !== 'http' && protocol !== 'https') {
      throw new UnsupportedRequestError(`vcrjs records http and https requests only; got ${protocol}: in ${redactUrl(url)}. Send other protocols through a client without vcrjs.`)
    }
    this.method = init.method.toUpperCase()
    this.url = url
    this.protocol = protocol
    this.host = parsed.hostname
    this.port = parsed.port === '' ? DEFAULT_PORTS[protocol] : Number(parsed.port)
    this.path = parsed.pathname
    this.query = parsed.search === '' ? NO_QUERY : queryPairs(parsed)
    this.headers = new HttpHeaders(init.headers)
    this.body = toBytes(init.body)
  }

  /**
   * `input` itself when it is a Request of this copy of @vcrjs/core, else a
   * Request built from its fields (a RequestInit, or a Request of another copy).
   */
  static from(input: Request | RequestInit): Request {
    return input instanceof Request ? input : new Request(input)
  }

  /** vcrpy's name for `url`. */
  get uri(): string {
    return this.url
  }

  /** vcrpy's name for `protocol`. */
  get scheme(): 'http' | 'https' {
    return this.protocol
  }

  /** `GET https://host/path`, credentials removed (userinfo, and the values of credential query parameters): safe for messages and logs. */
  toString(): string {
    return `${this.method} ${urlForMessage(this.url)}`
  }
}

/**
 * The query's pairs as URLSearchParams reads them. A query with nothing to
 * decode (no `%`, no `+`) is split directly: building a URLSearchParams for
 * it was a third of the cost of a Request, paid for every request of a loaded cassette.
 */
function queryPairs(parsed: URL): ReadonlyArray<readonly [string, string]> {
  const search = parsed.search
  if (search.includes('%') || search.includes('+')) return [...parsed.searchParams].slice()
  const pairs: (readonly [string, string])[] = []
  for (const part of search.slice(1).split('&')) {
    if (part === '') continue
    const equals = part.indexOf('=')
    pairs.push(equals === -1 ? [part, ''] : [part.slice(0, equals), part.slice(equals + 1)])
  }
  // Cut to size: a loaded cassette keeps the query of every request.
  return pairs.slice()
}

function parseUrl(url: string): URL {
  try {
    return new URL(url)
  } catch (cause) {
    const standIn = placeholderStandIn(url)
    if (standIn !== undefined) return standIn
    throw new UnsupportedRequestError(`vcrjs needs an absolute http(s) URL; got ${JSON.stringify(redactUrl(url))}`, { cause })
  }
}

/** `request` with any `user:password@` cut out of its URL (the rest keeps its spelling). */
export function withoutUserinfo(request: Request): Request {
  if (!request.url.includes('@')) return request
  const url = request.url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#\\]*@/, '$1')
  return url === request.url ? request : new Request({ method: request.method, url, headers: request.headers, body: request.body })
}

/**
 * Ruby VCR's `filter_sensitive_data` writes its placeholders anywhere in a
 * URI, also where a URL parser cannot take them: the scheme and host
 * (`<<ENTERPRISE_HOSTNAME>>admin/hooks`, `<OLLAMA_API_BASE>/api/chat`) or a
 * host label (`https://bedrock-runtime.<AWS_REGION>.amazonaws.com/`). Such a
 * URL keeps its spelling; its parts come from the URL with each placeholder
 * as a host-safe stand-in (`http://` in front when the scheme is hidden), so
 * the same spelling always has the same parts: a live request whose secrets
 * `sensitiveData` turns back into the placeholders matches it.
 */
function placeholderStandIn(url: string): URL | undefined {
  if (!PLACEHOLDER.test(url)) return undefined
  const standIn = (placeholder: string) => `vcrjs-placeholder-${placeholder.replace(/[<>]/g, '').toLowerCase()}`
  // A port must be digits: a placeholder there (`http://localhost:<PORT>/`) stands in as a number drawn from its name.
  const ports = url.replace(/^([a-z]+:\/\/[^/?#]*:)(<+[A-Za-z0-9_.-]+>+)(?=[/?#]|$)/i, (_, before: string, placeholder: string) => `${before}${portFor(placeholder)}`)
  const replaced = ports.replace(PLACEHOLDERS, standIn)
  try {
    return new URL(/^https?:\/\//i.test(replaced) ? replaced : `http://${replaced}`)
  } catch {
    return undefined
  }
}

function portFor(placeholder: string): number {
  let hash = 0
  for (const char of placeholder) hash = (hash * 31 + char.charCodeAt(0)) % 60000
  return 1024 + hash
}

const PLACEHOLDER = /<+[A-Za-z0-9_.-]+>+/
const PLACEHOLDERS = new RegExp(PLACEHOLDER.source, 'g')

/** The `<PLACEHOLDER>`s of a URL a parser could not read without stand-ins (see `placeholderStandIn`), for messages. */
export function urlPlaceholders(url: string): string[] {
  if (!PLACEHOLDER.test(url) || URL.canParse(url)) return []
  return [...new Set(url.match(PLACEHOLDERS))]
}

/** The URL with any `user:password@` removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.username === '' && parsed.password === '') return url
    parsed.username = ''
    parsed.password = ''
    return parsed.href
  } catch {
    return url
  }
}
