import { getGlobalDispatcher, setGlobalDispatcher } from 'undici'
import { VcrDispatcher } from './vcr-dispatcher.js'

const INSTALLED = Symbol.for('vcrjs.undici.global-dispatcher')

/**
 * Makes Node's global `fetch` (and undici's `request`, `fetch`, `stream`)
 * go through vcrjs: installs a `vcrDispatcher()` as undici's global
 * dispatcher, with the dispatcher that was global before as the one that
 * performs real requests (so a proxy or TLS setting already installed stays).
 * Installing twice keeps the first. Each request uses the current cassette.
 * The test-runner integrations call it; returns the installed dispatcher.
 *
 * @example
 * installGlobalVcrDispatcher() // in test setup, instead of setGlobalDispatcher(vcrDispatcher())
 */
export function installGlobalVcrDispatcher(): VcrDispatcher {
  const current = getGlobalDispatcher() as VcrDispatcher & { [INSTALLED]?: true }
  if (current[INSTALLED]) return current
  const dispatcher = Object.defineProperty(new VcrDispatcher(undefined, { realDispatcher: current }), INSTALLED, { value: true })
  setGlobalDispatcher(dispatcher)
  return dispatcher
}
