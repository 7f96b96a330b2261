import { assertGlobalFetchReachable } from '@vcrjs/core/runner'
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
 * Throws `GlobalFetchNotRoutedError` when the global `fetch` belongs to
 * another realm (Jest's test environments, vitest's vm pools), where it would
 * never see this dispatcher and its requests would go live.
 *
 * @example
 * installGlobalVcrDispatcher() // in test setup, instead of setGlobalDispatcher(vcrDispatcher())
 */
export function installGlobalVcrDispatcher(): VcrDispatcher {
  assertGlobalFetchReachable(
    "Under Jest, set testEnvironment: '@vcrjs/jest/environment' (and use @vcrjs/jest's setupVcr); under vitest, use the 'forks' or 'threads' pool.",
  )
  const current = getGlobalDispatcher() as VcrDispatcher & { [INSTALLED]?: true }
  if (current[INSTALLED]) return current
  const dispatcher = Object.defineProperty(new VcrDispatcher(undefined, { realDispatcher: current }), INSTALLED, { value: true })
  setGlobalDispatcher(dispatcher)
  return dispatcher
}
