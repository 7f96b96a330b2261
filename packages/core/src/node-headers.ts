import type { IncomingHttpHeaders } from 'node:http'
import type { HeaderEntry } from './headers.js'

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

/**
 * Headers as Node's `IncomingMessage.headers` presents them, for an adapter
 * that hands its client a Node-style response: lower-case names, `set-cookie`
 * always an array, the first value of a single-valued header kept, other
 * repeats joined with `, ` (`; ` for `cookie`).
 */
export function toNodeHeaders(headers: Iterable<HeaderEntry>): IncomingHttpHeaders {
  // No prototype, as Node's own: `constructor` or `__proto__` is a header name like any other.
  const out: Record<string, string | string[]> = Object.create(null)
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase()
    const existing = out[name]
    if (name === 'set-cookie') {
      if (existing === undefined) out[name] = [value]
      else (existing as string[]).push(value)
    } else if (existing === undefined) {
      out[name] = value
    } else if (!SINGLE_VALUED.has(name)) {
      out[name] = `${existing as string}${name === 'cookie' ? '; ' : ', '}${value}`
    }
  }
  return out
}
