import { isDeepStrictEqual } from 'node:util'
import { InvalidOptionError } from './errors.js'
import type { Request } from './request.js'

/**
 * Compares a live request with a recorded one. Return `false` or throw (with
 * a message saying why) when they differ; anything else counts as a match,
 * as in vcrpy where matchers `assert`.
 */
export type MatcherFunction = (r1: Request, r2: Request) => boolean | void

/**
 * A built-in matcher may also say how to index: two requests it matches
 * always have the same `key`, so the cassette can bucket its interactions by
 * the keys of every indexable matcher in `matchOn` and look a request up
 * without scanning the whole cassette.
 */
export interface MatcherDefinition {
  readonly match: MatcherFunction
  readonly key?: (request: Request) => string
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

/** Throws the vcrpy-style reason `left != right` when the two differ. */
function equal(left: unknown, right: unknown): void {
  if (!isDeepStrictEqual(left, right)) throw new Error(`${show(left)} != ${show(right)}`)
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value)
}

function byKey(key: (request: Request) => string): MatcherDefinition {
  return { key, match: (r1, r2) => equal(key(r1), key(r2)) }
}

// Re-encoded after sorting, so the key is unambiguous and reads like a query string in messages.
const sortedQuery = (request: Request): string => new URLSearchParams(request.query.map(([name, value]): [string, string] => [name, value]).sort(comparePairs)).toString()

const uri = byKey((r) => r.url)

const builtIns: Record<BuiltInMatcherName, MatcherDefinition> = {
  method: byKey((r) => r.method),
  uri,
  url: uri,
  scheme: byKey((r) => r.protocol),
  host: byKey((r) => r.host),
  port: byKey((r) => String(r.port)),
  path: byKey((r) => r.path),
  query: byKey(sortedQuery),
  headers: { match: (r1, r2) => equal(sortedHeaders(r1), sortedHeaders(r2)) },
  raw_body: { match: (r1, r2) => equal(bodyText(r1.body), bodyText(r2.body)) },
  body: { match: (r1, r2) => equal(parsedBody(r1), parsedBody(r2)) },
}

/** The matchers one VCR knows: the built-ins plus what `registerMatcher` added. */
export class MatcherRegistry {
  readonly #matchers = new Map<string, MatcherDefinition>(Object.entries(builtIns))

  register(name: string, match: MatcherFunction): void {
    if (typeof name !== 'string' || name === '') throw new InvalidOptionError('registerMatcher', 'registerMatcher needs a non-empty name')
    if (typeof match !== 'function') {
      throw new InvalidOptionError('registerMatcher', `registerMatcher('${name}', fn) needs fn to be a function (r1, r2) => boolean`)
    }
    // A user's function replaces a built-in entirely, index key included.
    this.#matchers.set(name, { match })
  }

  /** Resolves names, failing at once on an unknown one with the list of known ones. */
  resolve(names: readonly string[]): ResolvedMatcher[] {
    if (!Array.isArray(names)) throw new InvalidOptionError('matchOn', 'matchOn must be an array of matcher names')
    return names.map((name) => {
      const definition = this.#matchers.get(name)
      if (!definition) {
        throw new InvalidOptionError(
          'matchOn',
          `Unknown matcher '${name}' in matchOn. Known matchers: ${[...this.#matchers.keys()].join(', ')}. Register your own with vcr.registerMatcher('${name}', (r1, r2) => ...).`,
        )
      }
      return { name, ...definition }
    })
  }
}

export interface ResolvedMatcher extends MatcherDefinition {
  readonly name: string
}

export interface MatcherResult {
  readonly name: string
  readonly passed: boolean
  /** Why it failed: the matcher's thrown message, or a generic one when it returned false. */
  readonly reason?: string
}

/** Runs one matcher the way vcrpy does: a throw or `false` is a failure. */
export function runMatcher(matcher: ResolvedMatcher, r1: Request, r2: Request): MatcherResult {
  try {
    const result = matcher.match(r1, r2)
    if (result === false) return { name: matcher.name, passed: false, reason: 'the matcher returned false' }
    return { name: matcher.name, passed: true }
  } catch (error) {
    return { name: matcher.name, passed: false, reason: error instanceof Error ? error.message : String(error) }
  }
}

function comparePairs(a: readonly [string, string], b: readonly [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0
}

function sortedHeaders(request: Request): [string, string[]][] {
  return Object.entries(request.headers.toLowerCaseMultiMap()).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** Empty and absent bodies are the same body: Ruby VCR writes `''` where vcrpy writes `null`. */
function bodyText(body: Uint8Array | null): string {
  return body === null ? '' : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1')
}

/**
 * vcrpy's `body` matcher: JSON and form bodies are compared parsed, so key
 * order and encoding details do not matter; anything else byte for byte.
 */
function parsedBody(request: Request): unknown {
  const text = bodyText(request.body)
  const contentType = request.headers.get('content-type') ?? ''
  if (/json/i.test(contentType)) {
    try {
      return { json: JSON.parse(Buffer.from(text, 'latin1').toString('utf8')) }
    } catch {
      return { bytes: text }
    }
  }
  const boundary = /multipart\/[^;]+;.*boundary="?([^";]+)"?/i.exec(contentType)?.[1]
  if (boundary) {
    // Clients draw a random boundary per request; two bodies with the same parts must still match.
    return { multipart: text.replaceAll(boundary, '<boundary>') }
  }
  if (/application\/x-www-form-urlencoded/i.test(contentType)) {
    const form: Record<string, string[]> = Object.create(null)
    for (const [name, value] of new URLSearchParams(Buffer.from(text, 'latin1').toString('utf8'))) (form[name] ??= []).push(value)
    return { form }
  }
  return { bytes: text }
}
