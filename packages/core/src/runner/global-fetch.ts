import { GlobalFetchNotRoutedError } from '../errors.js'

/**
 * Set on a realm's global object by whoever made that realm's foreign `fetch`
 * go through vcrjs (`@vcrjs/jest/environment` routes the outer realm's).
 */
export const GLOBAL_FETCH_ROUTED = Symbol.for('vcrjs.global-fetch-routed')

/**
 * Whether the global `fetch` belongs to another realm: the code runs in a `vm`
 * context (Jest's test environments, vitest's vmThreads/vmForks pools) that was
 * handed the outer realm's `fetch`. That `fetch` reads the outer realm's
 * global dispatcher, so a dispatcher installed in this realm never sees its
 * requests.
 */
export function globalFetchIsForeign(): boolean {
  const fetch = (globalThis as { fetch?: unknown }).fetch
  return typeof fetch === 'function' && !(fetch instanceof Function)
}

/**
 * Throws `GlobalFetchNotRoutedError` when the global `fetch` belongs to another
 * realm that nothing routed through vcrjs: its requests would go live, past
 * every cassette. `fix` says what to do under the runner at hand.
 */
export function assertGlobalFetchReachable(fix: string): void {
  if (!globalFetchIsForeign() || (globalThis as { [GLOBAL_FETCH_ROUTED]?: boolean })[GLOBAL_FETCH_ROUTED] === true) return
  throw new GlobalFetchNotRoutedError(
    `vcrjs cannot record or replay the global fetch here: this code runs in a separate realm (a vm context) whose fetch belongs to the outer realm and ignores the dispatcher vcrjs installs, so its requests would reach the network. ${fix}`,
  )
}
