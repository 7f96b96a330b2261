import { assertAdapterOptions, assertCassetteArgument, type Cassette } from '@vcrjs/core/adapter'
import { Agent, Dispatcher, errors } from 'undici'
import type { VcrDispatcherOptions } from './options.js'
import { vcrInterceptor } from './vcr-interceptor.js'

/**
 * An undici `Dispatcher` that records and replays through a vcrjs cassette.
 * It stands where undici's `MockAgent` stands: install it as the global
 * dispatcher (Node's `fetch`, `undici.request`, `undici.fetch` and
 * `undici.stream` all use it) or pass it per call as `dispatcher`.
 */
export class VcrDispatcher extends Dispatcher {
  readonly #real: Dispatcher
  readonly #ownsReal: boolean
  readonly #dispatch: Dispatcher.Dispatch
  #closed = false

  constructor(cassette?: Cassette, options: VcrDispatcherOptions = {}) {
    super()
    validate(cassette, options)
    this.#ownsReal = options.realDispatcher === undefined
    const real = options.realDispatcher ?? new Agent()
    this.#real = real
    this.#dispatch = vcrInterceptor(cassette, { allowHttpWithoutCassette: options.allowHttpWithoutCassette })((opts, handler) => real.dispatch(opts, handler))
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.#closed) {
      const error = new errors.ClientClosedError()
      if (handler.onResponseError) handler.onResponseError(closedController(error), error)
      else if (handler.onError) handler.onError(error)
      else throw error
      return false
    }
    return this.#dispatch(opts, handler)
  }

  /** Stops taking requests and closes the real dispatcher if vcrjs created it. */
  override close(): Promise<void>
  override close(callback: () => void): void
  override close(callback?: () => void): Promise<void> | void {
    this.#closed = true
    const done = this.#ownsReal ? this.#real.close() : Promise.resolve()
    if (!callback) return done
    void done.then(callback, callback)
  }

  /** Stops taking requests and destroys the real dispatcher if vcrjs created it. */
  override destroy(): Promise<void>
  override destroy(error: Error | null): Promise<void>
  override destroy(callback: () => void): void
  override destroy(error: Error | null, callback: () => void): void
  override destroy(errorOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const error = typeof errorOrCallback === 'function' ? null : (errorOrCallback ?? null)
    const done = typeof errorOrCallback === 'function' ? errorOrCallback : callback
    this.#closed = true
    const destroyed = this.#ownsReal ? this.#real.destroy(error) : Promise.resolve()
    if (!done) return destroyed
    void destroyed.then(done, done)
  }
}

/**
 * Creates the vcrjs dispatcher.
 *
 * @param cassette The cassette to record into and replay from. When omitted,
 * each request uses the cassette of the innermost `vcr.useCassette` around it,
 * so one dispatcher installed in test setup serves every test.
 * @example
 * import { setGlobalDispatcher } from 'undici'
 * setGlobalDispatcher(vcrDispatcher())               // every fetch uses the current cassette
 * await fetch(url, { dispatcher: vcrDispatcher(cassette) })  // or one cassette, per call
 */
export function vcrDispatcher(cassette?: Cassette, options?: VcrDispatcherOptions): VcrDispatcher {
  return new VcrDispatcher(cassette, options)
}

function validate(cassette: unknown, options: VcrDispatcherOptions): void {
  assertCassetteArgument(cassette, 'vcrDispatcher', 'vcrDispatcher(undefined, { realDispatcher })')
  assertAdapterOptions(options, {
    factory: 'vcrDispatcher',
    options: {
      realDispatcher: (real) =>
        real === undefined || typeof (real as { dispatch?: unknown } | null)?.dispatch === 'function'
          ? undefined
          : 'must be an undici Dispatcher (an Agent, Pool, Client, ProxyAgent, ...) with a dispatch method',
    },
  })
}

function closedController(reason: Error): Dispatcher.DispatchController {
  return { aborted: true, paused: false, reason, abort() {}, pause() {}, resume() {} }
}
