import { type Cassette, handleRequest, readRequestBody, redactUrl, UnsupportedRequestError } from '@vcrjs/core/adapter'
import type { BeforeRequestHook, Hooks } from 'got'
import { validateArguments, type VcrHooksOptions } from './options.js'
import { RecordingRequest } from './recording-request.js'
import { noteAttempt, shortenBackoffAfterReplay } from './replay-backoff.js'
import { ReplayedResponse } from './replayed-response.js'
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
 * the request as it goes out (signed, with its final headers). A replayed
 * request is answered with an `IncomingMessage`-like response holding the raw
 * body; a request the core sends to the network is answered with a stand-in
 * for got's `ClientRequest`, so got's own timeouts, abort and errors apply to
 * it as live, and the response streams to got while the core records it. got
 * decompresses, follows redirects, retries and raises `HTTPError` as for a
 * response from the network.
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
    noteAttempt(gotOptions, false)
    const body = await readRequestBody(gotOptions.body)
    const standIn = new RecordingRequest()
    let toNetwork = () => {}
    const sent = new Promise<undefined>((resolve) => (toNetwork = () => resolve(undefined)))
    const handled = handleRequest({
      cassette,
      allowHttpWithoutCassette,
      request: { method, url, headers: gotOptions.createNativeRequestOptions().headers ?? {}, body },
      sendReal: () => {
        toNetwork()
        return sendThroughGotTransport(gotOptions, body, standIn)
      },
    })
    const replayed = await Promise.race([handled, sent])
    if (replayed !== undefined) {
      noteAttempt(gotOptions, replayed.action === 'replay')
      return new ReplayedResponse(replayed.response, url) as unknown as HookResponse
    }
    // The core sends it: got runs the request through the stand-in, with its own timers, as a live one.
    handled.then(
      ({ response, action }) => {
        noteAttempt(gotOptions, action === 'replay')
        standIn.respond(new ReplayedResponse(response, url))
      },
      (error: Error) => standIn.destroy(error),
    )
    return standIn as unknown as HookResponse
  }

  return { beforeRequest: [vcrBeforeRequest] }
}
