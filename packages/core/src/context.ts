import { AsyncLocalStorage } from 'node:async_hooks'
import type { Cassette } from './cassette.js'

interface CassetteContext {
  /** The cassette of the innermost `useCassette` around the current async call. */
  readonly scoped: AsyncLocalStorage<Cassette>
  /** Cassettes put in with `insertCassette` and not yet ejected, newest last. */
  readonly inserted: Cassette[]
  /** Told of every cassette ejected, with what it holds and what played: the runners' usage record. */
  ejectListeners?: Set<(usage: CassetteUsage) => void>
  /** A runner's lookup of the cassette of the test a request belongs to (`setTestCassetteLookup`). */
  testCassette?: (() => Cassette | undefined) | undefined
}

/** What a cassette held after a run and which of its interactions the run played or recorded. */
export interface CassetteUsage {
  /** Absolute path of the cassette. */
  readonly path: string
  /** How many interactions the cassette holds after the run. */
  readonly interactions: number
  /** Indices (in the cassette after the run) of the interactions played or recorded in this run. */
  readonly played: readonly number[]
  /**
   * When the save merged in what another writer stored meanwhile: where each
   * interaction of the file as it was just before the save is now (undefined:
   * dropped), so plays counted in that file can follow them.
   */
  readonly previous?: readonly (number | undefined)[] | undefined
}

// One context per process, not per copy of @vcrjs/core: an adapter that
// resolved another copy (or the CJS build next to the ESM one) must still see
// the cassette that the test's VCR inserted.
const KEY = Symbol.for('vcrjs.cassette-context')
const holder = globalThis as { [KEY]?: CassetteContext }
const context: CassetteContext = (holder[KEY] ??= { scoped: new AsyncLocalStorage<Cassette>(), inserted: [] })

/**
 * The cassette requests go to when an adapter was created without one: the
 * innermost `useCassette` of this async context, else the test's cassette
 * as the runner's lookup finds it (`setTestCassetteLookup`), else the latest
 * cassette inserted with `insertCassette` and not ejected, else none.
 */
export function currentCassette(): Cassette | undefined {
  return context.scoped.getStore() ?? context.testCassette?.() ?? context.inserted.at(-1)
}

/**
 * Sets (or, with undefined, removes) how a runner integration tells, from
 * the runner's own async context, which test a request belongs to when no
 * `useCassette` is around it. The lookup returns that test's cassette,
 * undefined to leave the request to the inserted cassettes, or throws when
 * the test can have none (Jest's concurrent tests: `@vcrjs/jest`); what it
 * throws rejects the request.
 */
export function setTestCassetteLookup(lookup: (() => Cassette | undefined) | undefined): void {
  context.testCassette = lookup
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

/** Calls `listener` with the usage of every cassette ejected from now on, until the returned function is called. */
export function onCassetteEjected(listener: (usage: CassetteUsage) => void): () => void {
  const listeners = (context.ejectListeners ??= new Set())
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** Whether anyone listens: a cassette computes its usage only then. */
export function ejectListened(): boolean {
  return (context.ejectListeners?.size ?? 0) > 0
}

export function reportEjected(usage: CassetteUsage): void {
  for (const listener of context.ejectListeners ?? []) listener(usage)
}

/**
 * Makes `realm` (another realm's global object, e.g. a Jest test
 * environment's) use this realm's cassette context, so a cassette inserted by
 * code running there is the one a dispatcher running here sees.
 */
export function shareCassetteContext(realm: object): void {
  ;(realm as { [KEY]?: CassetteContext })[KEY] = context
}
