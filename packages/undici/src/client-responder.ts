import { type HttpHeaders, readyReader, type StreamedResponse, wholeBodyBytes } from '@vcrjs/core/adapter'
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
  #body: AsyncIterator<Uint8Array> | undefined
  readonly #controller: ReplayController | undefined
  #finished = false
  #paused: { promise: Promise<void>; resolve: () => void } | undefined

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

  /**
   * Plays the head, then each chunk of the body as the core hands it over.
   * A body that fails (the real connection was cut) fails the client with
   * that same error, after the chunks that came before it. What the body has
   * ready (a recorded body that arrived with its head) is played in the same
   * turn as the head, as undici's own parser plays a response that came in
   * one read: waiting a microtask per chunk would let the client's promise
   * machinery run between its callbacks, which costs a small request far more
   * than the callbacks themselves.
   */
  async respond(response: StreamedResponse): Promise<void> {
    if (this.#finished) return
    const whole = wholeBodyBytes(response.body)
    if (whole !== undefined) return this.#respondWhole(response, whole)
    const iterator = response.body[Symbol.asyncIterator]()
    const ready = readyReader(iterator)
    this.#body = iterator
    try {
      const client = this.#controller ? this.#controllerClient(this.#controller) : this.#legacyClient()
      client.start(response)
      for (;;) {
        if (this.#finished) break
        if (this.#paused) await this.#paused.promise
        if (this.#finished) break
        const next = ready?.() ?? (await iterator.next())
        if (this.#finished) break
        if (next.done) {
          this.#finished = true
          return client.end()
        }
        client.data(asBuffer(next.value))
      }
      await iterator.return?.()
    } catch (error) {
      // A throwing handler aborts the request, as in undici's own client; a failing body fails the client.
      if (this.#finished) return void iterator.return?.()
      this.#onAbort(error as Error)
      this.fail(error as Error)
    }
  }

  /** A body the core holds whole (every replay without chunk timing): what `respond` does, without a promise per chunk. */
  async #respondWhole(response: StreamedResponse, bytes: Uint8Array): Promise<void> {
    try {
      const client = this.#controller ? this.#controllerClient(this.#controller) : this.#legacyClient()
      client.start(response)
      if (this.#finished) return
      if (bytes.length > 0) {
        if (this.#paused) await this.#paused.promise
        if (this.#finished) return
        client.data(asBuffer(bytes))
        if (this.#paused) await this.#paused.promise
        if (this.#finished) return
      }
      this.#finished = true
      client.end()
    } catch (error) {
      if (this.#finished) return
      this.#onAbort(error as Error)
      this.fail(error as Error)
    }
  }

  fail(error: Error): void {
    if (this.#finished) return
    this.#finished = true
    if (this.#controller) this.#handler.onResponseError?.(this.#controller, error)
    else this.#handler.onError?.(error)
  }

  /** A client that paused (its buffer is full) is given the next chunk once it resumes. */
  #pause(): void {
    if (this.#paused) return
    let resolve = () => {}
    const promise = new Promise<void>((done) => (resolve = done))
    this.#paused = { promise, resolve }
  }

  #resume(): void {
    const paused = this.#paused
    this.#paused = undefined
    paused?.resolve()
  }

  #controllerClient(controller: ReplayController): ClientCalls {
    const handler = this.#handler
    controller.onPause = () => this.#pause()
    controller.onResume = () => this.#resume()
    return {
      start: (response) => {
        controller.rawHeaders = rawHeaders(response.headers)
        controller.rawTrailers = []
        handler.onResponseStarted?.()
        handler.onResponseStart?.(controller, response.status.code, parsedHeaders(response.headers), response.status.message)
      },
      data: (chunk) => handler.onResponseData?.(controller, chunk),
      end: () => handler.onResponseEnd?.(controller, {}),
    }
  }

  #legacyClient(): ClientCalls {
    const handler = this.#handler
    const resume = () => this.#resume()
    return {
      start: (response) => {
        handler.onResponseStarted?.()
        if (handler.onHeaders?.(response.status.code, rawHeaders(response.headers), resume, response.status.message) === false) this.#pause()
      },
      data: (chunk) => {
        if (handler.onData?.(chunk) === false) this.#pause()
      },
      end: () => handler.onComplete?.([]),
    }
  }

  #abort(reason: Error | undefined): void {
    if (this.#finished) return
    const error = reason ?? new DOMException('This operation was aborted', 'AbortError')
    // The core learns first that the client left (it keeps what the client received), then the real request is cancelled.
    void this.#body?.return?.()
    this.#onAbort(error)
    this.fail(error)
    this.#resume()
  }
}

/** How a response reaches the client, in the handler API it speaks. */
interface ClientCalls {
  start(response: StreamedResponse): void
  data(chunk: Buffer): void
  end(): void
}

/** The controller a controller-API client gets: abort, and pause/resume, which hold back the next chunk. */
class ReplayController implements Controller {
  rawHeaders: Buffer[] | null = null
  rawTrailers: Buffer[] | null = null
  onPause: () => void = () => {}
  onResume: () => void = () => {}
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
    this.onPause()
  }

  resume(): void {
    this.#paused = false
    this.onResume()
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
