import { stringify } from 'node:querystring'
import type { Dispatcher } from 'undici'
import { UnsupportedRequestError } from '@vcrjs/core/adapter'

/**
 * The absolute URL a dispatch targets, built the way undici's own client
 * builds it: `origin` + `path`, with `query` serialised by `node:querystring`.
 */
export function requestUrl(opts: Dispatcher.DispatchOptions, fallbackOrigin?: string | null): string {
  const path = opts.query ? withQuery(opts.path, opts.query) : opts.path
  if (/^https?:\/\//i.test(path)) return path
  const origin = opts.origin ?? fallbackOrigin
  if (origin === undefined || origin === null || origin === '') {
    throw new UnsupportedRequestError(
      `vcrjs cannot tell where ${opts.method} ${path} goes: the dispatch has no origin ` +
        '(undici 7 gives none to an interceptor composed onto a Client or Pool). Pass `origin` in the request options, or call with a full URL through an Agent.',
    )
  }
  const base = typeof origin === 'string' ? origin : origin.origin
  return `${base.replace(/\/+$/, '')}${path}`
}

function withQuery(path: string, query: Record<string, unknown>): string {
  const serialized = stringify(query as Parameters<typeof stringify>[0])
  return serialized ? `${path}?${serialized}` : path
}
