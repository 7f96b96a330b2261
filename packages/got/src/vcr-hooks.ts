import { Buffer } from 'node:buffer'
import { type Cassette, handleRequest, redactUrl, UnsupportedRequestError } from '@vcrjs/core'
import type { BeforeRequestHook, Hooks } from 'got'
import { validateArguments, type VcrHooksOptions } from './options.js'
import { noteAttempt, shortenBackoffAfterReplay } from './replay-backoff.js'
import { ReplayedResponse } from './replayed-response.js'
import { readRequestBody } from './request-body.js'
import { sendThroughGotTransport } from './send-real.js'

/** The hooks `vcrHooks` returns, for `got.extend({ hooks })`. */
export type VcrHooks = Pick<Hooks, 'beforeRequest'>

// The methods for which got waits for a body written into its stream (GET and HEAD take none; DELETE and OPTIONS rarely do).
const DUPLEX_BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])

// got types a hook's response as `responselike`'s class; any IncomingMessage-like stream is accepted (got's cache docs).
type HookResponse = NonNullable<Awaited<ReturnType<BeforeRequestHook>>>

/**
 * got hooks that record and replay every request of a got instance through a
 * cassette. Each redirect hop and each retry attempt passes the hooks, so each
 * is its own interaction.
 *
 * The `beforeRequest` hook runs after every other `beforeRequest` hook of the
 * request, wherever `got.extend` placed it, so what is matched and recorded is
 * the request as it goes out (signed, with its final headers). It answers got
 * with an `IncomingMessage`-like response holding the raw body, replayed or
 * freshly recorded, and got decompresses it, follows redirects, retries and
 * raises `HTTPError` as for a response from the network.
 *
 * @param cassette The cassette to use; when omitted, the cassette of the
 *   innermost `vcr.useCassette` around each request.
 * @param options See `VcrHooksOptions`.
 * @example
 * import got from 'got'
 * import { vcrHooks } from '@vcrjs/got'
 * const client = got.extend({ hooks: vcrHooks() })
 * await vcr.useCassette('users.yaml', () => client('https://api.example.com/users').json())
 */
export function vcrHooks(cassette?: Cassette, options: VcrHooksOptions = {}): VcrHooks {
  validateArguments(cassette, options)
  const skipBackoff = options.skipRetryBackoffOnReplay ?? true
  const { allowHttpWithoutCassette } = options

  const vcrBeforeRequest: BeforeRequestHook = async (gotOptions, context) => {
    // got stops at the first hook that returns a response, so the hooks after
    // this one (a signing hook added by a later `extend`) are run here first.
    const hooks = gotOptions.hooks.beforeRequest
    const at = hooks.indexOf(vcrBeforeRequest)
    for (const hook of at === -1 ? [] : hooks.slice(at + 1)) {
      if (hook === vcrBeforeRequest) continue
      const result = await hook(gotOptions, context)
      if (result !== undefined) return result
    }

    const url = gotOptions.url!.href
    const method = gotOptions.method
    if (gotOptions.isStream && gotOptions.body === undefined && DUPLEX_BODY_METHODS.has(method)) {
      // A body written into the got.stream() duplex arrives only after the beforeRequest hooks ran: vcrjs cannot see it.
      throw new UnsupportedRequestError(
        `vcrjs cannot record or match a body written into got.stream() (${method} ${redactUrl(url)}): got hands it over only after its ` +
          'beforeRequest hooks ran. Pass the body as the `body` option instead, e.g. ' +
          '`got.stream.post(url, { body: fs.createReadStream(file) })` or `{ body: buffer }`.',
      )
    }
    if (skipBackoff) shortenBackoffAfterReplay(gotOptions)
    const read = await readRequestBody(gotOptions.body)
    const body = typeof read === 'string' ? Buffer.from(read, 'utf8') : read
    let wentToNetwork = false
    try {
      const response = await handleRequest({
        cassette,
        allowHttpWithoutCassette,
        request: { method, url, headers: gotOptions.createNativeRequestOptions().headers ?? {}, body },
        sendReal: () => {
          wentToNetwork = true
          return sendThroughGotTransport(gotOptions, body)
        },
      })
      return new ReplayedResponse(response, { method, url }) as unknown as HookResponse
    } finally {
      // Also when the real request failed: got may retry a network error, after its real back-off.
      noteAttempt(gotOptions, !wentToNetwork)
    }
  }

  return { beforeRequest: [vcrBeforeRequest] }
}
