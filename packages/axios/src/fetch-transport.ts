import { type Cassette, InvalidOptionError } from '@vcrjs/core'
import type { VcrDispatcher } from '@vcrjs/undici'
import axios, { AxiosError, type AxiosAdapter } from 'axios'
import type { Dispatcher } from 'undici'

/**
 * axios's own fetch adapter with a vcrjs dispatcher in its `fetchOptions`,
 * which it hands to fetch next to the Request; fetch follows redirects itself
 * and dispatches each hop, so every hop is its own interaction. A dispatcher
 * the caller set becomes the real dispatcher behind the vcrjs one.
 */
export function fetchTransport(cassette: Cassette | undefined, allowHttpWithoutCassette: boolean | undefined): AxiosAdapter {
  // Loaded by the first request, which (like every later one) reports a failure to load.
  let loaded: Promise<DispatcherFor> | undefined
  return async (config) => {
    const dispatcherFor = await (loaded ??= loadDispatchers(cassette, allowHttpWithoutCassette)).catch((error: InvalidOptionError) => {
      throw AxiosError.from(error, error.code, config)
    })
    // axios types fetchOptions with the RequestInit of the DOM or of Node's bundled undici, not the installed undici's.
    const fetchOptions = (config.fetchOptions ?? {}) as { dispatcher?: Dispatcher }
    const adapter = axios.getAdapter('fetch', config)
    return adapter({ ...config, fetchOptions: { ...fetchOptions, dispatcher: dispatcherFor(fetchOptions.dispatcher) } })
  }
}

/** The vcrjs dispatcher for a request: the adapter's own, or one in front of the dispatcher the caller configured. */
type DispatcherFor = (configured: Dispatcher | undefined) => VcrDispatcher

/**
 * @vcrjs/undici is built on the `undici` package, an optional peer: it is
 * loaded only when the fetch transport is used, so the http transport works without it.
 */
function loadDispatchers(cassette: Cassette | undefined, allowHttpWithoutCassette: boolean | undefined): Promise<DispatcherFor> {
  return import('@vcrjs/undici').then(
    ({ vcrDispatcher }) => {
      const own = vcrDispatcher(cassette, { allowHttpWithoutCassette })
      const inFront = new WeakMap<Dispatcher, VcrDispatcher>()
      return (configured) => {
        if (configured === undefined) return own
        let dispatcher = inFront.get(configured)
        if (dispatcher === undefined) {
          dispatcher = vcrDispatcher(cassette, { realDispatcher: configured, allowHttpWithoutCassette })
          inFront.set(configured, dispatcher)
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
}
