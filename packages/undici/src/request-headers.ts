import type { HeaderEntry } from '@vcrjs/core/adapter'
import type { Dispatcher } from 'undici'

type HeaderValue = string | number | Buffer | readonly (string | number | Buffer)[] | null | undefined

/**
 * Request headers as `[name, value]` pairs from every shape undici accepts:
 * a flat `[name, value, ...]` array, an iterable of pairs (Map, Headers), or
 * a record whose values may be arrays.
 */
export function requestHeaderEntries(headers: Dispatcher.DispatchOptions['headers']): HeaderEntry[] {
  const entries: HeaderEntry[] = []
  if (headers === null || headers === undefined) return entries
  const add = (name: unknown, value: HeaderValue) => {
    if (value === null || value === undefined) return
    if (Array.isArray(value)) for (const item of value) entries.push([text(name), text(item)])
    else entries.push([text(name), oneContentLength(text(name), text(value))])
  }
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i], headers[i + 1])
  } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [name, value] of headers as Iterable<[string, HeaderValue]>) add(name, value)
  } else {
    for (const [name, value] of Object.entries(headers as Record<string, HeaderValue>)) add(name, value)
  }
  return entries
}

/**
 * Node 20's fetch (undici 6) appends its own length to a Content-Length the
 * caller set (Stripe's fetch client sets one on every request), handing the
 * dispatcher `15, 15`. Its own Agent reads the first number; undici 7's,
 * which vcrjs records through, refuses the value. The same length repeated is
 * one length (RFC 9110 section 8.6), and one is what goes on the wire.
 */
function oneContentLength(name: string, value: string): string {
  if (!value.includes(',') || name.toLowerCase() !== 'content-length') return value
  const lengths = value.split(',').map((length) => length.trim())
  return lengths.every((length) => length === lengths[0]) ? lengths[0]! : value
}

function text(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('latin1') : String(value)
}
