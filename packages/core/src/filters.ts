import { HttpHeaders } from './headers.js'
import { Request } from './request.js'
import { DEFAULT_FILTERED_HEADERS, DEFAULT_FILTERED_QUERY_PARAMETERS, FILTERED_PLACEHOLDER } from './secrets/defaults.js'

/**
 * What replaces a filtered value: a string, `null` to remove it, or a
 * function of the name, the value and the request that returns either.
 */
export type FilterReplacement = string | null | ((name: string, value: string, request: Request) => string | null)

/** A name to remove, or `[name, replacement]`; vcrpy's forms. */
export type FilterSpec = string | readonly [name: string, replacement: FilterReplacement]

interface CompiledFilter {
  readonly replacement: FilterReplacement
}

/** Names are compared case-insensitively for headers and exactly for parameters, as vcrpy does. */
function compile(specs: readonly FilterSpec[] | undefined, caseInsensitive: boolean): Map<string, CompiledFilter> {
  const filters = new Map<string, CompiledFilter>()
  for (const spec of specs ?? []) {
    const [name, replacement] = typeof spec === 'string' ? [spec, null] : spec
    filters.set(caseInsensitive ? name.toLowerCase() : name, { replacement })
  }
  return filters
}

function replace(filter: CompiledFilter, name: string, value: string, request: Request): string | null {
  const { replacement } = filter
  return typeof replacement === 'function' ? replacement(name, value, request) : replacement
}

const DEFAULT_FILTER: CompiledFilter = { replacement: FILTERED_PLACEHOLDER }

/** `filterDefaults`: the credential names, any case, unless the user filters the same name their own way. */
function withDefaults(filters: Map<string, CompiledFilter>, defaults: readonly string[], caseInsensitive: boolean): Lookup {
  const names = new Set(defaults)
  return (name) => {
    const lower = name.toLowerCase()
    return filters.get(caseInsensitive ? lower : name) ?? (names.has(lower) ? DEFAULT_FILTER : undefined)
  }
}

type Lookup = (name: string) => CompiledFilter | undefined

function exact(filters: Map<string, CompiledFilter>, caseInsensitive: boolean): Lookup | null {
  return filters.size === 0 ? null : (name) => filters.get(caseInsensitive ? name.toLowerCase() : name)
}

function filterPairs(
  pairs: Iterable<readonly [string, string]>,
  lookup: Lookup,
  request: Request,
): { pairs: [string, string][]; changed: boolean } {
  const out: [string, string][] = []
  let changed = false
  // With filterDefaults every request passes here, replays included: nothing is built when no name is filtered.
  if (!someFiltered(pairs, lookup)) return { pairs: out, changed }
  for (const [name, value] of pairs) {
    const filter = lookup(name)
    if (!filter) {
      out.push([name, value])
      continue
    }
    const next = replace(filter, name, value, request)
    changed ||= next !== value
    if (next !== null) out.push([name, next])
  }
  return { pairs: out, changed }
}

function someFiltered(pairs: Iterable<readonly [string, string]>, lookup: Lookup): boolean {
  for (const [name] of pairs) if (lookup(name)) return true
  return false
}

/**
 * The URL with the filtered query parameters replaced or removed, and every
 * other parameter left exactly as it was written (re-encoding the whole query
 * would turn `%20` into `+` and change what `uri` matching and the cassette see).
 */
function filterQuery(request: Request, lookup: Lookup): string {
  const { url } = request
  const start = url.indexOf('?')
  if (start === -1) return url
  const hash = url.indexOf('#', start)
  const end = hash === -1 ? url.length : hash
  // With filterDefaults every request with a query passes here, replays included: nothing is built when no name is filtered.
  if (!someParameterFiltered(url, start + 1, end, lookup)) return url
  let changed = false
  const pieces: string[] = []
  for (const piece of url.slice(start + 1, end).split('&')) {
    const equals = piece.indexOf('=')
    const rawName = equals === -1 ? piece : piece.slice(0, equals)
    const [[name, value] = ['', '']] = new URLSearchParams(piece)
    const filter = piece === '' ? undefined : lookup(name)
    const next = filter ? replace(filter, name, value, request) : value
    if (!filter || next === value) {
      pieces.push(piece)
      continue
    }
    changed = true
    if (next !== null) pieces.push(`${rawName}=${encodeQueryValue(next)}`)
  }
  if (!changed) return url
  const query = pieces.join('&')
  return `${url.slice(0, start)}${query === '' ? '' : `?${query}`}${url.slice(end)}`
}

/**
 * Whether `lookup` filters a parameter of the query `url.slice(start, end)`,
 * each name read as `filterQuery` reads it; a name that decoding leaves as it
 * is is looked up without a URLSearchParams built for it.
 */
function someParameterFiltered(url: string, start: number, end: number, lookup: Lookup): boolean {
  for (let at = start; at < end; ) {
    const amp = url.indexOf('&', at)
    const pieceEnd = amp === -1 || amp > end ? end : amp
    if (pieceEnd > at) {
      const equals = url.indexOf('=', at)
      const rawName = url.slice(at, equals === -1 || equals > pieceEnd ? pieceEnd : equals)
      const name = NEEDS_DECODING.test(rawName) ? new URLSearchParams(rawName).keys().next().value ?? '' : rawName
      if (lookup(name)) return true
    }
    at = pieceEnd + 1
  }
  return false
}

/** What URLSearchParams changes in a name: a leading `?` (dropped), `+`, percent-escapes, and what is not ASCII. */
const NEEDS_DECODING = /^\?|[%+]|[^\x00-\x7f]/

/** Only what would change the query's meaning is encoded, so a placeholder reads as written: `api_key=<FILTERED>`. */
function encodeQueryValue(value: string): string {
  return value.replace(/[%&#+=\s]|[^\x21-\x7e]/gu, (c) => encodeURIComponent(c))
}

/** The request filters of one cassette, compiled once. */
export class RequestFilters {
  readonly #headers: Lookup | null
  readonly #query: Lookup | null
  readonly #postData: Lookup | null

  constructor(options: {
    filterHeaders?: readonly FilterSpec[] | undefined
    filterQueryParameters?: readonly FilterSpec[] | undefined
    filterPostDataParameters?: readonly FilterSpec[] | undefined
    filterDefaults?: boolean | undefined
  }) {
    const headers = compile(options.filterHeaders, true)
    const query = compile(options.filterQueryParameters, false)
    const defaults = options.filterDefaults ?? true
    this.#headers = defaults ? withDefaults(headers, DEFAULT_FILTERED_HEADERS, true) : exact(headers, true)
    this.#query = defaults ? withDefaults(query, DEFAULT_FILTERED_QUERY_PARAMETERS, false) : exact(query, false)
    this.#postData = exact(compile(options.filterPostDataParameters, false), false)
  }

  get empty(): boolean {
    return this.#headers === null && this.#query === null && this.#postData === null
  }

  /** The request as it is matched and recorded: filtered headers, query and body, with a Content-Length that agrees. */
  apply(request: Request): Request {
    if (this.empty) return request
    let url = request.url
    let headers = request.headers
    let body = request.body
    if (this.#query !== null && request.query.length > 0) url = filterQuery(request, this.#query)
    if (this.#headers !== null) {
      const filtered = filterPairs(request.headers, this.#headers, request)
      if (filtered.changed) headers = new HttpHeaders(filtered.pairs)
    }
    if (this.#postData !== null && body !== null) {
      const filteredBody = this.#filterBody(request, this.#postData)
      if (filteredBody !== null) {
        body = filteredBody
        if (headers.has('content-length')) headers = new HttpHeaders(headers).set('Content-Length', String(body.length))
      }
    }
    if (url === request.url && headers === request.headers && body === request.body) return request
    return new Request({ method: request.method, url, headers, body })
  }

  /** Filters a form or JSON body; null when the body is neither or nothing changed. */
  #filterBody(request: Request, lookup: Lookup): Buffer | null {
    const text = Buffer.from(request.body!).toString('utf8')
    const type = (request.headers.get('content-type') ?? '').toLowerCase()
    if (type.includes('json')) {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        return null
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null
      const filtered = filterPairs(
        Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as const),
        lookup,
        request,
      )
      if (!filtered.changed) return null
      const original = parsed as Record<string, unknown>
      const out: Record<string, unknown> = {}
      for (const [name, value] of filtered.pairs) {
        // Untouched values keep their JSON type; replaced ones become the replacement string.
        const before = original[name]
        out[name] = (typeof before === 'string' ? before : JSON.stringify(before)) === value ? before : value
      }
      return Buffer.from(JSON.stringify(out))
    }
    if (type.includes('application/x-www-form-urlencoded') || (type === '' && /^[^\s=&]+=[^\s]*$/.test(text))) {
      const filtered = filterPairs(new URLSearchParams(text), lookup, request)
      return filtered.changed ? Buffer.from(new URLSearchParams(filtered.pairs).toString()) : null
    }
    return null
  }
}

/** `filterResponseHeaders`: the same forms, applied to a response's headers (which vcrpy does not filter). */
export class ResponseHeaderFilters {
  readonly #filters: Lookup | null

  constructor(specs: readonly FilterSpec[] | undefined) {
    this.#filters = exact(compile(specs, true), true)
  }

  apply(headers: HttpHeaders, request: Request): HttpHeaders {
    if (this.#filters === null) return headers
    const filtered = filterPairs(headers, this.#filters, request)
    return filtered.changed ? new HttpHeaders(filtered.pairs) : headers
  }
}
