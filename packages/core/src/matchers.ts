import { hash } from 'node:crypto'
import { bodiesMatch, bodyKey, explainBodies } from './body-matching.js'
import { InvalidOptionError } from './errors.js'
import { isCredentialHeader, MASK } from './redacted-request.js'
import type { Request } from './request.js'

/**
 * Compares a live request with a recorded one. Return `false` or throw (with
 * a message saying why) when they differ; anything else counts as a match,
 * as in vcrpy where matchers `assert`.
 */
export type MatcherFunction = (r1: Request, r2: Request) => boolean | void

/**
 * Says how to index a matcher: two requests the matcher matches must always
 * have the same key. The cassette buckets its interactions by the keys of
 * every matcher in `matchOn` that has one, so a lookup is one `Map` get
 * however many interactions share a URL.
 */
export type MatcherKey = (request: Request) => string

/** A matcher with its index key, as `registerMatcher(name, fn, { key })` and the `matchers` option take it. */
export interface MatcherDefinition {
  readonly match: MatcherFunction
  readonly key?: MatcherKey | undefined
}

/** The third argument of `registerMatcher`. */
export interface MatcherOptions {
  /**
   * The matcher's index key: requests the matcher matches must have equal keys.
   * @example vcr.registerMatcher('operation', (r1, r2) => op(r1) === op(r2), { key: op })
   */
  key?: MatcherKey
}

export const BUILT_IN_MATCHERS = [
  'method',
  'uri',
  'url',
  'scheme',
  'host',
  'port',
  'path',
  'query',
  'headers',
  'raw_body',
  'body',
] as const

export type BuiltInMatcherName = (typeof BUILT_IN_MATCHERS)[number]

export const DEFAULT_MATCH_ON: readonly BuiltInMatcherName[] = ['method', 'scheme', 'host', 'port', 'path', 'query']

/**
 * A built-in matcher: its key alone decides (equal keys, same request as far
 * as it is concerned), and `explain` builds the vcrpy-style reason
 * `'a' != 'b'`, called only to write the no-match error.
 */
export interface BuiltInMatcher {
  readonly match: MatcherFunction
  readonly key: MatcherKey
  readonly explain: (r1: Request, r2: Request) => string
  /** `false`: equal keys only narrow the candidates, and `match` decides (`body`, whose rule no single key captures). */
  readonly exact?: false
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value)
}

/** For the parts of the URL: short strings, used as their own key. */
function byValue(value: (request: Request) => string): BuiltInMatcher {
  return {
    key: value,
    match: (r1, r2) => value(r1) === value(r2),
    explain: (r1, r2) => `${show(value(r1))} != ${show(value(r2))}`,
  }
}

/**
 * For headers and bodies, whose canonical form may be long: the key is a
 * digest of it, so a bucket key stays short to hash and to hold.
 */
function byCanonicalForm(canonical: (request: Request) => string, explain?: (r1: Request, r2: Request) => string): BuiltInMatcher {
  return {
    key: (request) => digest(canonical(request)),
    match: (r1, r2) => canonical(r1) === canonical(r2),
    explain: explain ?? ((r1, r2) => `${show(canonical(r1))} != ${show(canonical(r2))}`),
  }
}

const DIGEST_ABOVE = 64

/**
 * The key for a canonical form: short ones as they are, longer ones (or ones
 * holding the index's NUL separator) as a SHA-1 digest, about 1 µs for a few
 * kilobytes. The prefixes keep the two kinds apart.
 */
export function digest(canonical: string): string {
  return canonical.length <= DIGEST_ABOVE && !canonical.includes('\u0000') ? `=${canonical}` : `#${hash('sha1', canonical, 'base64')}`
}

/**
 * The query's pairs sorted and re-encoded as URLSearchParams writes them, so
 * the key is unambiguous and reads like a query string in messages. Every
 * live request computes it: a name or value the encoding leaves as it is
 * (the common case) is written without building a URLSearchParams.
 */
function sortedQuery(request: Request): string {
  const { query } = request
  const sorted = query.length > 1 ? query.slice().sort(comparePairs) : query
  let out = ''
  for (let at = 0; at < sorted.length; at++) {
    const [name, value] = sorted[at]!
    out += `${at === 0 ? '' : '&'}${formEncoded(name)}=${formEncoded(value)}`
  }
  return out
}

/** application/x-www-form-urlencoded leaves these as they are (the WHATWG URL standard's urlencoded serializer). */
const FORM_SAFE = /^[A-Za-z0-9*._-]*$/

function formEncoded(text: string): string {
  return FORM_SAFE.test(text) ? text : new URLSearchParams([[text, '']]).toString().slice(0, -1)
}

const uri = byValue((r) => r.url)

/** Exported for tests that spy on a built-in's key or reason; matchers are resolved through `MatcherRegistry`. */
export const BUILT_INS: Record<BuiltInMatcherName, BuiltInMatcher> = {
  method: byValue((r) => r.method),
  uri,
  url: uri,
  scheme: byValue((r) => r.protocol),
  host: byValue((r) => r.host),
  port: byValue((r) => String(r.port)),
  path: byValue((r) => r.path),
  query: byValue(sortedQuery),
  headers: byCanonicalForm((r) => JSON.stringify(sortedHeaders(r)), explainHeaders),
  raw_body: {
    key: (r) => (r.body === null || r.body.length === 0 ? '=' : `#${hash('sha1', r.body, 'base64')}`),
    match: (r1, r2) => Buffer.compare(bytes(r1.body), bytes(r2.body)) === 0,
    explain: (r1, r2) => `${show(bodyText(r1.body))} != ${show(bodyText(r2.body))}`,
  },
  // vcrpy's rule (body-matching.ts): parsed when both parse the same way, else bytes.
  body: { key: (r) => digest(bodyKey(r)), match: bodiesMatch, explain: explainBodies, exact: false },
}

/** The matchers one VCR knows: the built-ins plus what `registerMatcher` and the `matchers` option added. */
export class MatcherRegistry {
  readonly #matchers: Map<string, ResolvedMatcherDefinition>

  constructor(parent?: MatcherRegistry) {
    this.#matchers = new Map(parent ? parent.#matchers : Object.entries(BUILT_INS).map(([name, matcher]) => [name, { exact: true, ...matcher }]))
  }

  register(name: string, match: MatcherFunction, options: MatcherOptions = {}, where = 'registerMatcher'): void {
    if (typeof name !== 'string' || name === '') throw new InvalidOptionError(where, `${where} needs a non-empty matcher name`)
    if (typeof match !== 'function') {
      throw new InvalidOptionError(where, `${where}('${name}', fn) needs fn to be a function (r1, r2) => boolean`)
    }
    if (typeof options !== 'object' || options === null) throw new InvalidOptionError(where, `${where}('${name}', fn, options) needs options to be an object: { key }`)
    const { key } = options
    if (key !== undefined && typeof key !== 'function') {
      throw new InvalidOptionError(where, `${where}('${name}', fn, { key }) needs key to be a function (request) => string`)
    }
    // A user's function replaces a built-in entirely. Its key only narrows the candidates: the function still decides.
    this.#matchers.set(name, { match, key: key && userKey(name, key, where), exact: false })
  }

  /**
   * A registry with `matchers` (the option: name → function or `{ match, key }`)
   * added on top of this one's, which stays as it is.
   */
  with(matchers: unknown): MatcherRegistry {
    if (matchers === undefined) return this
    if (typeof matchers !== 'object' || matchers === null || Array.isArray(matchers)) {
      throw new InvalidOptionError('matchers', "matchers must be an object of name → matcher, e.g. matchers: { jurassic: (r1, r2) => r1.url === r2.url }")
    }
    const registry = new MatcherRegistry(this)
    for (const [name, value] of Object.entries(matchers)) {
      if (typeof value === 'function') {
        registry.register(name, value as MatcherFunction, {}, 'matchers')
      } else if (typeof value === 'object' && value !== null && typeof (value as MatcherDefinition).match === 'function') {
        const { match, key } = value as MatcherDefinition
        if (key !== undefined && typeof key !== 'function') {
          throw new InvalidOptionError('matchers', `matchers.${name}.key must be a function (request) => string, or left out`)
        }
        registry.register(name, match, { ...(key && { key }) }, 'matchers')
      } else {
        throw new InvalidOptionError('matchers', `matchers.${name} must be a function (r1, r2) => boolean or an object { match: (r1, r2) => boolean, key?: (request) => string }`)
      }
    }
    return registry
  }

  /** Resolves names, failing at once on an unknown one with the list of known ones. */
  resolve(names: readonly string[], option = 'matchOn'): ResolvedMatcher[] {
    if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) {
      throw new InvalidOptionError(option, `${option} must be an array of matcher names. Known matchers: ${[...this.#matchers.keys()].join(', ')}.`)
    }
    return names.map((name) => {
      const definition = this.#matchers.get(name)
      if (!definition) {
        throw new InvalidOptionError(
          option,
          `Unknown matcher '${name}' in ${option}. Known matchers: ${[...this.#matchers.keys()].join(', ')}. Add your own with the matchers option (matchers: { ${name}: (r1, r2) => ... }) or vcr.registerMatcher('${name}', (r1, r2) => ...).`,
        )
      }
      return { name, ...definition }
    })
  }
}

/** A user's key, digested like the built-ins' (so it never holds the index's separator); a throw is a typed error. */
function userKey(name: string, key: MatcherKey, where: string): MatcherKey {
  return (request) => {
    let value: unknown
    try {
      value = key(request)
    } catch (error) {
      throw new InvalidOptionError(
        where,
        `The key of matcher '${name}' threw for ${request}: ${error instanceof Error ? error.message : String(error)}. A key must return a string for every request (vcrjs computes it for each recorded and each live request).`,
      )
    }
    return digest(String(value))
  }
}

interface ResolvedMatcherDefinition extends MatcherDefinition {
  /** Equal keys mean a match, so the index never runs `match` (the built-ins). */
  readonly exact: boolean
  readonly explain?: ((r1: Request, r2: Request) => string) | undefined
}

export interface ResolvedMatcher extends ResolvedMatcherDefinition {
  readonly name: string
}

export interface MatcherResult {
  readonly name: string
  readonly passed: boolean
  /** Why it failed: the built-in's `'a' != 'b'`, a user matcher's thrown message, or a generic one when it returned false. */
  readonly reason?: string
}

/**
 * The replay path's check: a boolean, vcrpy's rule (a throw or `false` is a
 * mismatch), and no reason built, read or formatted.
 */
export function matches(matcher: ResolvedMatcher, r1: Request, r2: Request): boolean {
  try {
    return matcher.match(r1, r2) !== false
  } catch {
    return false
  }
}

/** Runs one matcher and says why it failed: only for the no-match error. */
export function runMatcher(matcher: ResolvedMatcher, r1: Request, r2: Request): MatcherResult {
  const { name, explain } = matcher
  if (explain) return matches(matcher, r1, r2) ? { name, passed: true } : { name, passed: false, reason: explain(r1, r2) }
  try {
    if (matcher.match(r1, r2) === false) return { name, passed: false, reason: 'the matcher returned false' }
    return { name, passed: true }
  } catch (error) {
    return { name, passed: false, reason: error instanceof Error ? error.message : String(error) }
  }
}

function comparePairs(a: readonly [string, string], b: readonly [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0
}

/** The canonical form of headers: lower-case names, sorted, each with its values in order. */
function sortedHeaders(request: Request): [string, string[]][] {
  return Object.entries(request.headers.toLowerCaseMultiMap()).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** Names only the headers that differ, and never shows a credential's value. */
function explainHeaders(r1: Request, r2: Request): string {
  const a = r1.headers.toLowerCaseMultiMap()
  const b = r2.headers.toLowerCaseMultiMap()
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
  const shown = (name: string, values: string[] | undefined) =>
    values === undefined ? '(absent)' : JSON.stringify(isCredentialHeader(name) ? values.map(() => MASK) : values)
  return names
    .filter((name) => JSON.stringify(a[name]) !== JSON.stringify(b[name]))
    .map((name) => {
      const differ = isCredentialHeader(name) && a[name] !== undefined && b[name] !== undefined ? ' (values differ)' : ''
      return `${name}: ${shown(name, a[name])} != ${shown(name, b[name])}${differ}`
    })
    .join('; ')
}

const EMPTY = Buffer.alloc(0)

/** Empty and absent bodies are the same body: Ruby VCR writes `''` where vcrpy writes `null`. */
function bytes(body: Uint8Array | null): Uint8Array {
  return body === null ? EMPTY : body
}

function bodyText(body: Uint8Array | null): string {
  return body === null ? '' : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1')
}
