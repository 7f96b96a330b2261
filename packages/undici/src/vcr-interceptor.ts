import {
  type AdapterOptions,
  assertAdapterOptions,
  assertCassetteArgument,
  type Cassette,
  handleRequest,
  type StreamedResponse,
  UnsupportedRequestError,
} from '@vcrjs/core/adapter'
import type { Dispatcher } from 'undici'
import { AbortLink } from './abort-link.js'
import { ClientResponder } from './client-responder.js'
import { type CapturedBody, captureRequestBody } from './request-body.js'
import { requestHeaderEntries } from './request-headers.js'
import { requestUrl } from './request-url.js'
import { sendReal } from './send-real.js'

/**
 * The vcrjs interceptor, in undici's interceptor shape
 * `(dispatch) => (opts, handler) => boolean`. Every request it sees is
 * replayed from the cassette or, when the cassette records it, sent on
 * through `dispatch` (the rest of the chain) and recorded.
 *
 * For Node's own fetch on Node 20, install `vcrDispatcher()` rather than an
 * Agent composed with this interceptor: undici 7's `compose()` wraps that
 * fetch's legacy handler and merges repeated headers, so two `Set-Cookie`
 * arrive as one (https://github.com/nodejs/undici/issues/4389).
 *
 * @param cassette The cassette to record into and replay from. When omitted,
 * each request uses the cassette of the innermost `vcr.useCassette` around it.
 * @param options `allowHttpWithoutCassette: false` makes a request outside any
 * cassette fail with `NoCassetteError` instead of reaching the network (default `true`).
 * @example
 * import { Agent, interceptors, request } from 'undici'
 * const dispatcher = new Agent().compose(interceptors.redirect({ maxRedirections: 3 }), vcrInterceptor())
 * await request(url, { dispatcher })
 */
export function vcrInterceptor(cassette?: Cassette, options: AdapterOptions = {}): Dispatcher.DispatcherComposeInterceptor {
  assertCassetteArgument(cassette, 'vcrInterceptor', 'vcrInterceptor(undefined, { allowHttpWithoutCassette: false })')
  assertAdapterOptions(options, { factory: 'vcrInterceptor' })
  // undici 8's compose passes the composed dispatcher's origin as a second argument.
  return (dispatch: Dispatcher.Dispatch, composedOrigin?: string | null): Dispatcher.Dispatch =>
    (opts, handler) => {
      const link = new AbortLink()
      const responder = new ClientResponder(handler, (reason) => link.abort(reason))
      responder.start()
      if (responder.finished) return true
      respond({ cassette, options, dispatch, opts, composedOrigin, link }).then(
        (response) => responder.respond(response),
        (error: Error) => responder.fail(error),
      )
      return true
    }
}

const NO_BODY: CapturedBody = { bytes: null }

interface Dispatched {
  cassette: Cassette | undefined
  options: AdapterOptions
  /** The rest of the chain: the real dispatcher, or what `compose()` put below the interceptor. */
  dispatch: Dispatcher.Dispatch
  opts: Dispatcher.DispatchOptions
  composedOrigin: string | null | undefined
  link: AbortLink
}

async function respond({ cassette, options, dispatch, opts, composedOrigin, link }: Dispatched): Promise<StreamedResponse> {
  if (opts.upgrade || opts.method === 'CONNECT') {
    throw new UnsupportedRequestError(
      `vcrjs cannot record or replay an upgraded connection (${opts.method} ${opts.path}, upgrade: ${String(opts.upgrade)}); ` +
        'send WebSocket and CONNECT requests through a dispatcher without vcrjs.',
    )
  }
  const url = requestUrl(opts, composedOrigin)
  const body = opts.body === null || opts.body === undefined ? NO_BODY : await captureRequestBody(opts.body, link.signal)
  // An abort while the body was read must not reach the cassette: nothing is played or recorded for it.
  link.throwIfAborted()
  const headers = requestHeaderEntries(opts.headers)
  if (body.contentType && !headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['content-type', body.contentType])
  const { response } = await handleRequest({
    cassette,
    allowHttpWithoutCassette: options.allowHttpWithoutCassette,
    request: { method: opts.method, url, headers, body: body.bytes },
    // The body was read to the end above, so the real request carries the captured bytes.
    sendReal: () =>
      sendReal(dispatch, { ...opts, ...(opts.origin ? {} : { origin: new URL(url).origin }), headers: headers.flat(), body: body.bytes }, link),
  })
  return response
}
