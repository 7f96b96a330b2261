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
    else entries.push([text(name), text(value)])
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

function text(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('latin1') : String(value)
}
