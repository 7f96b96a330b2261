import type { HttpHeaders } from '@vcrjs/core'

/** Headers whose repeats Node drops, keeping the first (lib/_http_incoming.js `matchKnownFields`). */
const SINGLE_VALUED = new Set([
  'content-type',
  'content-length',
  'user-agent',
  'referer',
  'host',
  'authorization',
  'proxy-authorization',
  'if-modified-since',
  'if-unmodified-since',
  'from',
  'location',
  'max-forwards',
  'retry-after',
  'etag',
  'last-modified',
  'server',
  'age',
  'expires',
])

/**
 * `IncomingMessage.headers` for these response headers: lower-case names,
 * `set-cookie` as an array, `cookie` joined with '; ', single-valued headers
 * keeping their first value, the rest joined with ', '. This is the object
 * axios's http adapter wraps in `AxiosHeaders`.
 */
export function nodeHeaders(headers: HttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null)
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase()
    const existing = out[name]
    if (name === 'set-cookie') {
      out[name] = Array.isArray(existing) ? [...existing, value] : [value]
    } else if (existing === undefined) {
      out[name] = value
    } else if (!SINGLE_VALUED.has(name)) {
      out[name] = `${existing as string}${name === 'cookie' ? '; ' : ', '}${value}`
    }
  }
  return out
}
