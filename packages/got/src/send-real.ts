import type { ClientRequest, IncomingMessage } from 'node:http'
import { HttpHeaders, type RealResponse, UnsupportedRequestError } from '@vcrjs/core/adapter'
import type { NormalizedOptions } from 'got'
import type { RecordingRequest } from './recording-request.js'

/** What a got request function may give back: a request to write to, or already a response. */
type RequestResult = ClientRequest | IncomingMessage | { statusCode: number; headers: Record<string, unknown> }

// got types its request function as a union (its `RequestFunction` or `https.request`) that accepts
// the options got itself builds only through overloads TypeScript cannot pick; this is the call got makes.
type GotRequestFunction = (url: URL, options: object) => RequestResult | Promise<RequestResult | undefined> | undefined

/**
 * Performs the request for real through got's own transport: the request
 * function got itself would call (`http.request`, `https.request`, got's
 * HTTP/2 client, or the user's `request` option) with the native options got
 * prepared (agents, TLS, DNS, headers as sent). It starts once got has taken
 * `stand-in` as its request, so got's timers already run, and resolves at the
 * response head, the body following as the raw bytes off the wire (got
 * decompresses what it is handed).
 */
export async function sendThroughGotTransport(options: NormalizedOptions, body: Uint8Array | null, standIn: RecordingRequest): Promise<RealResponse> {
  await standIn.taken
  const url = options.url!
  const nativeOptions = options.createNativeRequestOptions()
  const requestFunction = options.getRequestFunction() as GotRequestFunction | undefined
  let result = await requestFunction?.(url, nativeOptions)
  // got 14 falls back to its own transport when a custom `request` function returns nothing; got 16 does so inside getRequestFunction.
  result ??= await fallbackRequestFunction(options)?.(url, nativeOptions)
  if (!result) throw new UnsupportedRequestError(`vcrjs found no request function in got's options for ${url.protocol} URLs`)
  const response = (isClientRequest(result) ? await exchange(result, body, standIn) : result) as IncomingMessage
  return {
    status: { code: response.statusCode ?? 0, message: response.statusMessage || undefined },
    headers: Array.isArray(response.rawHeaders) ? HttpHeaders.fromRaw(response.rawHeaders) : new HttpHeaders(response.headers),
    body: response,
  }
}

function fallbackRequestFunction(options: NormalizedOptions): GotRequestFunction | undefined {
  // Public in got 14, private in got 16 (where getRequestFunction never returns undefined).
  const got14 = options as { getFallbackRequestFunction?: () => unknown }
  return typeof got14.getFallbackRequestFunction === 'function' ? (got14.getFallbackRequestFunction() as GotRequestFunction | undefined) : undefined
}

function isClientRequest(result: RequestResult): result is ClientRequest {
  return !('statusCode' in result) && typeof (result as ClientRequest).end === 'function'
}

/** Sends `body`, ends the request and waits for the response head. */
function exchange(request: ClientRequest, body: Uint8Array | null, standIn: RecordingRequest): Promise<IncomingMessage> {
  standIn.attach(request)
  return new Promise((resolve, reject) => {
    request.once('response', resolve)
    request.once('error', reject)
    request.end(body ?? undefined)
  })
}
