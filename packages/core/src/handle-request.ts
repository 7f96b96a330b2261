import { type Cassette, HANDLE, type SendReal } from './cassette.js'
import { currentCassette } from './context.js'
import type { Request, RequestInit } from './request.js'
import { Response } from './response.js'

export interface HandleRequestOptions {
  /** The adapter's explicit cassette; when absent, the current one (`currentCassette()`). */
  cassette?: Cassette | undefined
  /** The client's request, translated. */
  request: Request | RequestInit
  /**
   * Performs the request for real through the client's own transport and
   * resolves to the response with its body as raw bytes (still compressed).
   * The core calls it only when it decides the request goes to the network.
   */
  sendReal: SendReal
}

/**
 * The one entry point of the adapter contract. The adapter translates its
 * client's request, and gets back the response to give its client: replayed
 * from the cassette or freshly recorded. Record modes, matching and saving are
 * decided here, never in an adapter. Rejects with
 * `CannotOverwriteExistingCassetteError` when the request may be neither replayed
 * nor recorded. With no cassette at all, the request goes to the network untouched.
 */
export async function handleRequest({ cassette, request, sendReal }: HandleRequestOptions): Promise<Response> {
  const target = cassette ?? currentCassette()
  if (!target) {
    const response = await sendReal()
    return response instanceof Response ? response : new Response(response)
  }
  return target[HANDLE](request, sendReal)
}
