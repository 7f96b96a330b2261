import { AsyncLocalStorage } from 'node:async_hooks'
import type { Cassette } from './cassette.js'

interface CassetteContext {
  /** The cassette of the innermost `useCassette` around the current async call. */
  readonly scoped: AsyncLocalStorage<Cassette>
  /** Cassettes put in with `insertCassette` and not yet ejected, newest last. */
  readonly inserted: Cassette[]
}

// One context per process, not per copy of @vcrjs/core: an adapter that
// resolved another copy (or the CJS build next to the ESM one) must still see
// the cassette that the test's VCR inserted.
const KEY = Symbol.for('vcrjs.cassette-context')
const holder = globalThis as { [KEY]?: CassetteContext }
const context: CassetteContext = (holder[KEY] ??= { scoped: new AsyncLocalStorage<Cassette>(), inserted: [] })

/**
 * The cassette requests go to when an adapter was created without one: the
 * innermost `useCassette` of this async context, else the latest cassette
 * inserted with `insertCassette` and not ejected, else none.
 */
export function currentCassette(): Cassette | undefined {
  return context.scoped.getStore() ?? context.inserted.at(-1)
}

export function runWithCassette<T>(cassette: Cassette, fn: () => T): T {
  return context.scoped.run(cassette, fn)
}

export function pushInserted(cassette: Cassette): void {
  context.inserted.push(cassette)
}

export function removeInserted(cassette: Cassette): void {
  const at = context.inserted.lastIndexOf(cassette)
  if (at !== -1) context.inserted.splice(at, 1)
}
