import type { Dispatcher } from 'undici'

/**
 * Carries the client's abort to the work done for its request: reading the
 * request body, and a real request that may not have started yet.
 */
export class AbortLink {
  readonly #aborter = new AbortController()
  #controller: Dispatcher.DispatchController | undefined

  get signal(): AbortSignal {
    return this.#aborter.signal
  }

  attach(controller: Dispatcher.DispatchController): void {
    this.#controller = controller
    if (this.signal.aborted) controller.abort(this.signal.reason as Error)
  }

  abort(reason: Error): void {
    if (this.signal.aborted) return
    this.#aborter.abort(reason)
    this.#controller?.abort(reason)
  }
}
