import type { AdapterOptions } from '@vcrjs/core/adapter'
import type { Dispatcher } from 'undici'

/**
 * Options of `vcrDispatcher`. `allowHttpWithoutCassette` (from @vcrjs/core)
 * decides what a request outside any cassette does.
 */
export interface VcrDispatcherOptions extends AdapterOptions {
  /**
   * The dispatcher that performs the requests the cassette records (and every
   * request when no cassette is in use). Give your own to keep its TLS, proxy
   * or connection settings; vcrjs then leaves closing it to you.
   *
   * @default a new undici `Agent`, closed by the vcrjs dispatcher's `close()` / `destroy()`
   * @example
   * vcrDispatcher(cassette, { realDispatcher: new ProxyAgent('http://proxy.internal:3128') })
   */
  realDispatcher?: Dispatcher
}
