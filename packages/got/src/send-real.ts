import { Buffer } from 'node:buffer'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { HttpHeaders, type ResponseInit } from '@vcrjs/core'
import type { NormalizedOptions } from 'got'

/** What a got request function may give back: a request to write to, or already a response. */
type RequestResult = ClientRequest | IncomingMessage | { statusCode: number; headers: Record<string, unknown> }

// got types its request function as a union (its `RequestFunction` or `https.request`) that accepts
// the options got itself builds only through overloads TypeScript cannot pick; this is the call got makes.
type GotRequestFunction = (url: URL, options: object) => RequestResult | Promise<RequestResult | undefined> | undefined

/**
 * Performs the request for real through got's own transport: the request
 * function got itself would call (`http.request`, `https.request`, got's
 * HTTP/2 client, or the user's `request` option) with the native options got
 * prepared (agents, TLS, DNS, headers as sent). The body comes back as the raw
 * bytes off the wire, still compressed: got decompresses the replayed
 * response itself.
 *
 * Why here rather than in got's own request path: the core must hold the whole
 * response before it answers (to record it, to apply its filters), and the one
 * hook that can both see the final request and hand got a response is
 * `beforeRequest`. A response from that hook bypasses got's timers, so the
 * `timeout.request` budget and `signal` are applied here.
 */
export async function sendThroughGotTransport(options: NormalizedOptions, body: Uint8Array | null): Promise<ResponseInit> {
  const url = options.url!
  const nativeOptions = { ...options.createNativeRequestOptions() }
  const signals = [options.signal, nativeOptions.signal].filter((signal) => signal !== undefined && signal !== null)
  if (signals.length > 0) nativeOptions.signal = AbortSignal.any(signals)
  const requestFunction = options.getRequestFunction() as GotRequestFunction | undefined
  let result = await requestFunction?.(url, nativeOptions)
  // got 14 falls back to its own transport when a custom `request` function returns nothing; got 16 does so inside getRequestFunction.
  result ??= await fallbackRequestFunction(options)?.(url, nativeOptions)
  if (!result) throw new TypeError(`got has no request function for ${url.protocol} URLs`)
  const response = isClientRequest(result) ? await exchange(result, body, options.timeout.request) : result
  return readResponse(response)
}

function fallbackRequestFunction(options: NormalizedOptions): GotRequestFunction | undefined {
  // Public in got 14, private in got 16 (where getRequestFunction never returns undefined).
  const got14 = options as { getFallbackRequestFunction?: () => unknown }
  return typeof got14.getFallbackRequestFunction === 'function' ? (got14.getFallbackRequestFunction() as GotRequestFunction | undefined) : undefined
}

function isClientRequest(result: RequestResult): result is ClientRequest {
  return !('statusCode' in result) && typeof (result as ClientRequest).end === 'function'
}

/** Sends `body`, ends the request and waits for the response head, within got's `timeout.request`. */
function exchange(request: ClientRequest, body: Uint8Array | null, timeoutMs: number | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => request.destroy(Object.assign(new Error(`Timeout awaiting 'request' for ${timeoutMs}ms`), { code: 'ETIMEDOUT' })), timeoutMs)
    const settle = () => clearTimeout(timer)
    request.once('response', (response: IncomingMessage) => {
      response.once('end', settle).once('error', settle)
      resolve(response)
    })
    request.once('error', (error) => {
      settle()
      reject(error)
    })
    request.end(body ?? undefined)
  })
}

async function readResponse(response: RequestResult): Promise<ResponseInit> {
  const message = response as IncomingMessage
  const chunks: Buffer[] = []
  for await (const chunk of message) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string))
  return {
    status: { code: message.statusCode ?? 0, message: message.statusMessage || undefined },
    headers: Array.isArray(message.rawHeaders) ? HttpHeaders.fromRaw(message.rawHeaders) : new HttpHeaders(message.headers),
    body: Buffer.concat(chunks),
  }
}
