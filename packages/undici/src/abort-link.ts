import type { Dispatcher } from 'undici'

/**
 * Carries the client's abort to the work done for its request: reading the
 * request body, and a real request that may not have started yet.
 */
export class AbortLink {
  // Created only when a streamed body needs a signal: an AbortController costs
  // a replayed request several microseconds, and most requests never abort.
  #aborter: AbortController | undefined
  #reason: Error | undefined
  #controller: Dispatcher.DispatchController | undefined

  get signal(): AbortSignal {
    if (this.#aborter === undefined) {
      this.#aborter = new AbortController()
      if (this.#reason !== undefined) this.#aborter.abort(this.#reason)
    }
    return this.#aborter.signal
  }

  get aborted(): boolean {
    return this.#reason !== undefined
  }

  /** The reason the client aborted with, if it did. */
  get reason(): Error | undefined {
    return this.#reason
  }

  throwIfAborted(): void {
    if (this.#reason !== undefined) throw this.#reason
  }

  attach(controller: Dispatcher.DispatchController): void {
    this.#controller = controller
    if (this.#reason !== undefined) controller.abort(this.#reason)
  }

  abort(reason: Error): void {
    if (this.#reason !== undefined) return
    this.#reason = reason
    this.#aborter?.abort(reason)
    this.#controller?.abort(reason)
  }
}
