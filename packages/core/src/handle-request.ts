import { type Cassette, HANDLE, type SendReal } from './cassette.js'
import { currentCassette } from './context.js'
import { NoCassetteError } from './errors.js'
import { Request, type RequestInit } from './request.js'
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
  /**
   * With no cassette given and none current: `true` sends the request to the
   * network untouched, `false` rejects with `NoCassetteError` (Ruby VCR's default).
   * Adapters take this as an option of their own and pass it through.
   * @default true
   */
  allowHttpWithoutCassette?: boolean | undefined
}

/** The option every adapter accepts and passes to `handleRequest` unchanged. */
export interface AdapterOptions {
  /**
   * Outside any cassette, `false` makes requests fail with `NoCassetteError` instead of reaching the network.
   * @default true
   * @example vcrDispatcher(undefined, { allowHttpWithoutCassette: false })
   */
  allowHttpWithoutCassette?: boolean
}

/**
 * The one entry point of the adapter contract. The adapter translates its
 * client's request, and gets back the response to give its client: replayed
 * from the cassette or freshly recorded. Record modes, matching and saving are
 * decided here, never in an adapter. Rejects with
 * `CannotOverwriteExistingCassetteError` when the request may be neither replayed
 * nor recorded. With no cassette at all, the request goes to the network untouched.
 */
export async function handleRequest({ cassette, request, sendReal, allowHttpWithoutCassette }: HandleRequestOptions): Promise<Response> {
  const target = cassette ?? currentCassette()
  if (!target) {
    if (allowHttpWithoutCassette === false) throw new NoCassetteError(String(Request.from(request)))
    return Response.from(await sendReal())
  }
  return target[HANDLE](request, sendReal)
}
