import { type Cassette, HANDLE, type HandledRequest } from './cassette.js'
import { currentCassette } from './context.js'
import { debugEnabled, debugRequest } from './debug-log.js'
import { NoCassetteError } from './errors.js'
import { Request, type RequestInit } from './request.js'
import { passedThroughResponse, type SendReal } from './streamed-response.js'

export interface HandleRequestOptions {
  /** The adapter's explicit cassette; when absent, the current one (`currentCassette()`). */
  cassette?: Cassette | undefined
  /** The client's request, translated. */
  request: Request | RequestInit
  /**
   * Performs the request for real through the client's own transport and
   * resolves as soon as the response head arrives, with the body as a stream
   * of its raw bytes (still compressed). The core calls it only when it
   * decides the request goes to the network.
   */
  sendReal: SendReal
  /**
   * With no cassette given and none current: `true` sends the request to the
   * network untouched, `false` rejects with `NoCassetteError` (Ruby VCR's default).
   * Adapters take this as an option of their own and pass it through.
   * @default true
   */
  allowHttpWithoutCassette?: boolean | undefined
}

/**
 * The one entry point of the adapter contract. The adapter translates its
 * client's request, and gets back the response to give its client and what
 * the core did (`action`): `'replay'` from the cassette, `'record'` (the real
 * response, streaming to the client while the cassette captures it), or
 * `'passthrough'` (the real response, not recorded). Record modes, matching,
 * filters and saving are decided here, never in an adapter. Rejects with
 * `CannotOverwriteExistingCassetteError` when the request may be neither
 * replayed nor recorded.
 */
export function handleRequest(options: HandleRequestOptions): Promise<HandledRequest> {
  // The cassette's promise itself, not one more async layer around it: every replay comes through here.
  // What fails here still fails as a rejection, as from an async function.
  try {
    const { cassette, request, sendReal, allowHttpWithoutCassette } = options
    const target = cassette ?? currentCassette()
    if (target) return target[HANDLE](request, sendReal)
    return withoutCassette(request, sendReal, allowHttpWithoutCassette)
  } catch (error) {
    return Promise.reject(error)
  }
}

async function withoutCassette(request: Request | RequestInit, sendReal: SendReal, allowHttpWithoutCassette: boolean | undefined): Promise<HandledRequest> {
  if (allowHttpWithoutCassette === false) throw new NoCassetteError(String(Request.from(request)))
  if (debugEnabled()) debugRequest(undefined, String(Request.from(request)).split('?')[0]!, 'passed through (no cassette in use)')
  return { response: passedThroughResponse(await sendReal()), action: 'passthrough' }
}
