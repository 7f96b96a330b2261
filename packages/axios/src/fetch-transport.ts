import { type Cassette, InvalidOptionError } from '@vcrjs/core'
import type { VcrDispatcher } from '@vcrjs/undici'
import axios, { AxiosError, type AxiosAdapter } from 'axios'
import type { Dispatcher } from 'undici'

type DispatcherFor = (configured: Dispatcher | undefined) => VcrDispatcher

/**
 * axios's own fetch adapter with a vcrjs dispatcher in its `fetchOptions`,
 * which it hands to fetch next to the Request; fetch follows redirects itself
 * and dispatches each hop, so every hop is its own interaction. A dispatcher
 * the caller set becomes the real dispatcher behind the vcrjs one.
 *
 * @vcrjs/undici is built on the `undici` package, an optional peer: it is
 * loaded only when this transport is chosen, so the http transport works without it.
 */
export function fetchTransport(cassette: Cassette | undefined, allowHttpWithoutCassette: boolean | undefined): AxiosAdapter {
  const loaded: Promise<DispatcherFor> = import('@vcrjs/undici').then(
    ({ vcrDispatcher }) => {
      const own = vcrDispatcher(cassette, { allowHttpWithoutCassette })
      const wrapping = new WeakMap<Dispatcher, VcrDispatcher>()
      return (configured) => {
        if (configured === undefined) return own
        let dispatcher = wrapping.get(configured)
        if (dispatcher === undefined) {
          dispatcher = vcrDispatcher(cassette, { realDispatcher: configured, allowHttpWithoutCassette })
          wrapping.set(configured, dispatcher)
        }
        return dispatcher
      }
    },
    (error: unknown) => {
      throw new InvalidOptionError(
        'transport',
        `vcrAdapter's fetch transport needs the undici package, which @vcrjs/undici is built on (${String(error)}). ` +
          "Install it (npm install --save-dev undici) or use { transport: 'http' }.",
      )
    },
  )
  // Loading starts with the factory; a failure is reported by each request rather than as an unhandled rejection.
  loaded.catch(() => {})
  return async (config) => {
    const dispatcherFor = await loaded.catch((error: InvalidOptionError) => {
      throw AxiosError.from(error, error.code, config)
    })
    // axios types fetchOptions with the RequestInit of the DOM or Node's bundled undici, not the installed undici's.
    const fetchOptions = (config.fetchOptions ?? {}) as { dispatcher?: Dispatcher }
    const adapter = axios.getAdapter('fetch', config)
    return adapter({ ...config, fetchOptions: { ...fetchOptions, dispatcher: dispatcherFor(fetchOptions.dispatcher) } })
  }
}
