import type { HttpHeaders, Response } from '@vcrjs/core'
import type { Dispatcher } from 'undici'

type Handler = Dispatcher.DispatchHandler
type Controller = Dispatcher.DispatchController

/**
 * Plays a response (replayed or just recorded) into the handler of the client
 * that dispatched the request, in whichever handler API that client speaks:
 * the controller API of undici 7+ (`onRequestStart` ... `onResponseEnd`), or
 * the legacy one (`onConnect` ... `onComplete`) that Node 20's fetch (undici
 * 6) and undici 7's own request/fetch still use.
 *
 * Talking to the legacy handler directly, instead of through undici's
 * `WrapHandler`, is what keeps two `Set-Cookie` two for Node 20's fetch
 * (https://github.com/nodejs/undici/issues/4389): raw headers are always given.
 */
export class ClientResponder {
  readonly #handler: Handler
  readonly #onAbort: (reason: Error) => void
  readonly #controller: ReplayController | undefined
  #finished = false

  /** `onAbort` runs once when the client aborts, so an in-flight real request can be cancelled too. */
  constructor(handler: Handler, onAbort: (reason: Error) => void) {
    this.#handler = handler
    this.#onAbort = onAbort
    this.#controller = typeof handler.onRequestStart === 'function' ? new ReplayController((reason) => this.#abort(reason)) : undefined
  }

  /** Whether the client aborted, or was already answered. */
  get finished(): boolean {
    return this.#finished
  }

  /** Tells the client the request is under way, and hands it the way to abort (it may abort at once). */
  start(): void {
    if (this.#controller) this.#handler.onRequestStart!(this.#controller, {})
    else this.#handler.onConnect?.((reason?: Error) => this.#abort(reason))
  }

  respond(response: Response): void {
    if (this.#finished) return
    try {
      if (this.#controller) this.#respondToController(this.#controller, response)
      else this.#respondToLegacy(response)
    } catch (error) {
      // A throwing handler aborts the request, as in undici's own client.
      this.#abort(error as Error)
    }
  }

  fail(error: Error): void {
    if (this.#finished) return
    this.#finished = true
    if (this.#controller) this.#handler.onResponseError?.(this.#controller, error)
    else this.#handler.onError?.(error)
  }

  #respondToController(controller: ReplayController, response: Response): void {
    const handler = this.#handler
    controller.rawHeaders = rawHeaders(response.headers)
    controller.rawTrailers = []
    handler.onResponseStarted?.()
    handler.onResponseStart?.(controller, response.status.code, parsedHeaders(response.headers), response.status.message)
    if (this.#finished) return
    if (response.body.length > 0) handler.onResponseData?.(controller, asBuffer(response.body))
    if (this.#finished) return
    this.#finished = true
    handler.onResponseEnd?.(controller, {})
  }

  #respondToLegacy(response: Response): void {
    const handler = this.#handler
    handler.onResponseStarted?.()
    // The whole body is at hand, so a paused client simply buffers it; `resume` has nothing to wait for.
    handler.onHeaders?.(response.status.code, rawHeaders(response.headers), () => {}, response.status.message)
    if (this.#finished) return
    if (response.body.length > 0) handler.onData?.(asBuffer(response.body))
    if (this.#finished) return
    this.#finished = true
    handler.onComplete?.([])
  }

  #abort(reason: Error | undefined): void {
    if (this.#finished) return
    const error = reason ?? new DOMException('This operation was aborted', 'AbortError')
    this.#onAbort(error)
    this.fail(error)
  }
}

/** The controller a controller-API client gets: abort works, pause/resume only keep the flag (the body is already whole). */
class ReplayController implements Controller {
  rawHeaders: Buffer[] | null = null
  rawTrailers: Buffer[] | null = null
  #paused = false
  #reason: Error | null = null
  readonly #abort: (reason: Error) => void

  constructor(abort: (reason: Error) => void) {
    this.#abort = abort
  }

  get aborted(): boolean {
    return this.#reason !== null
  }

  get paused(): boolean {
    return this.#paused
  }

  get reason(): Error | null {
    return this.#reason
  }

  abort(reason?: Error): void {
    if (this.#reason !== null) return
    this.#reason = reason ?? new DOMException('This operation was aborted', 'AbortError')
    this.#abort(this.#reason)
  }

  pause(): void {
    this.#paused = true
  }

  resume(): void {
    this.#paused = false
  }
}

/** Node's flat raw form as Buffers: what undici's parser produces and what every fetch reads names from. */
function rawHeaders(headers: HttpHeaders): Buffer[] {
  const raw: Buffer[] = []
  for (const [name, value] of headers) raw.push(Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1'))
  return raw
}

/** undici's parsed form: lower-case names, a repeated header as an array. */
function parsedHeaders(headers: HttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null)
  for (const [name, values] of Object.entries(headers.toLowerCaseMultiMap())) out[name] = values.length === 1 ? values[0]! : values
  return out
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
