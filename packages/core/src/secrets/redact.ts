import type { Request } from '../request.js'
import { DEFAULT_FILTERED_HEADERS, DEFAULT_FILTERED_QUERY_PARAMETERS } from './defaults.js'
import { findSecretsInHeader } from './detect.js'
import { SPELLINGS, spell } from './spellings.js'

const REDACTED = '<redacted>'
/** In a message, a header or parameter named like a credential is hidden too, listed or not: hiding a harmless value costs nothing. */
export const CREDENTIAL_LIKE_NAME = /auth|token|secret|passw|key|session|cookie|credential|signature/i
/** Shorter values are not hunted through a message: replacing every `ab` would make it unreadable. */
const SHORTEST_HUNTED = 4

/** Header and query parameter names whose values never appear in a message: the defaults plus the user's filters. */
export interface CredentialNames {
  readonly headers: readonly string[]
  readonly query: readonly string[]
}

export const DEFAULT_CREDENTIAL_NAMES: CredentialNames = { headers: DEFAULT_FILTERED_HEADERS, query: DEFAULT_FILTERED_QUERY_PARAMETERS }

/**
 * A message about `requests` (the no-match error, a debug line) with no
 * credential of theirs left in it, however the message quotes them (a URL, a
 * matcher's `'a' != 'b'`, a JSON list of headers): every spelling of the
 * values of credential headers and query parameters (named in `names`, named
 * like a credential, or holding a Bearer/Basic credential) and of URL userinfo is replaced by
 * `<redacted>`, then whatever `redactText` still finds.
 */
export function redactCredentials(text: string, requests: readonly Request[], names: CredentialNames = DEFAULT_CREDENTIAL_NAMES): string {
  const headerNames = new Set(names.headers.map((name) => name.toLowerCase()))
  const queryNames = new Set(names.query.map((name) => name.toLowerCase()))
  const values = new Set<string>()
  for (const request of requests) {
    for (const [name, value] of request.headers) {
      const hits = findSecretsInHeader(value)
      if (headerNames.has(name.toLowerCase()) || CREDENTIAL_LIKE_NAME.test(name)) values.add(value)
      for (const hit of hits) values.add(value.slice(hit.start, hit.end))
    }
    for (const [name, value] of request.query) if (queryNames.has(name.toLowerCase()) || CREDENTIAL_LIKE_NAME.test(name)) values.add(value)
    const userinfo = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#\\]*)@/.exec(request.url)?.[1]
    if (userinfo !== undefined) {
      values.add(userinfo)
      for (const part of userinfo.split(':')) values.add(part).add(decode(part))
    }
  }
  const spellings = new Set<string>()
  for (const value of values) {
    // A placeholder (`<FILTERED>`) is no secret, and shows the filter did its work.
    if (value.length < SHORTEST_HUNTED || /^<[^<>]*>$/.test(value)) continue
    for (const spelling of SPELLINGS) spellings.add(spell(value, spelling))
  }
  return sayWhenHiddenValuesDiffer(redactText(replaceEvery(text, [...spellings])))
}

/** A matcher's `a != b` whose two sides differed only in hidden values now reads `x != x`: say so. */
function sayWhenHiddenValuesDiffer(text: string): string {
  return text.replace(/^.* != .*$/gm, (line) => {
    const at = line.lastIndexOf(' != ')
    const right = line.slice(at + 4)
    return right.includes(REDACTED) && line.slice(0, at).endsWith(right) ? `${line} (the two differ in a value hidden here)` : line
  })
}

/**
 * A URL as messages show it: no userinfo, and the values of credential
 * query parameters (the defaults, or named like one) as `<redacted>`; the rest
 * keeps its spelling.
 */
export function urlForMessage(url: string): string {
  let out = url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#\\]*@/, '$1')
  const start = out.indexOf('?')
  if (start === -1) return out
  const hash = out.indexOf('#', start)
  const end = hash === -1 ? out.length : hash
  const query = out
    .slice(start + 1, end)
    .split('&')
    .map((piece) => {
      const equals = piece.indexOf('=')
      if (equals === -1) return piece
      const name = decode(piece.slice(0, equals).replaceAll('+', ' ')).toLowerCase()
      return QUERY_CREDENTIALS.has(name) || CREDENTIAL_LIKE_NAME.test(name) ? `${piece.slice(0, equals)}=${REDACTED}` : piece
    })
    .join('&')
  out = `${out.slice(0, start + 1)}${query}${out.slice(end)}`
  return out
}

const QUERY_CREDENTIALS = new Set(DEFAULT_FILTERED_QUERY_PARAMETERS.map((name) => name.toLowerCase()))

/**
 * Any text with no recognisable credential left: URL userinfo, known token
 * formats, Bearer/Basic credentials, and the source lines a parser quotes
 * around an error (js-yaml's `  6 | - Bearer ...` snippet), which are the
 * cassette's content. For errors that quote a file or a value.
 */
export function redactText(text: string): string {
  let out = text.replace(/^ *\d+ \|.*\n?|^-+\^\n?/gm, '')
  out = out.replace(/\b([a-z][a-z0-9+.-]{1,20}:\/\/)[^\s/?#@"'<>\\]+@/gi, `$1${REDACTED}@`)
  const hits = findSecretsInHeader(out)
  for (let i = hits.length - 1; i >= 0; i--) out = `${out.slice(0, hits[i]!.start)}<redacted ${hits[i]!.kind}>${out.slice(hits[i]!.end)}`
  return out
}

function replaceEvery(text: string, values: string[]): string {
  const present = values.filter((value) => text.includes(value)).sort((a, b) => b.length - a.length)
  if (present.length === 0) return text
  const pattern = new RegExp(present.map((value) => value.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')).join('|'), 'g')
  return text.replace(pattern, REDACTED)
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}
