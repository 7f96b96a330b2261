import { HANDLE } from './cassette.js'
import { InvalidOptionError } from './errors.js'

/** The option every adapter accepts and passes to `handleRequest` unchanged. */
export interface AdapterOptions {
  /**
   * Outside any cassette, `false` makes requests fail with `NoCassetteError` instead of reaching the network.
   * @default true
   * @example vcrDispatcher(undefined, { allowHttpWithoutCassette: false })
   */
  allowHttpWithoutCassette?: boolean
}

/** Checks one option's value: a description of what is wrong with it (`must be ...`), or `undefined` when it is fine. */
export type AdapterOptionCheck = (value: unknown) => string | undefined

export interface AdapterOptionsSpec {
  /** The factory's name, as the user wrote it: `'vcrDispatcher'`. */
  factory: string
  /** The adapter's own options besides `allowHttpWithoutCassette`, each with its check. */
  options?: Record<string, AdapterOptionCheck>
  /**
   * What else the factory accepts and hands on to its client unchecked, such
   * as `'http.Agent options'`; when absent, any option not named is refused.
   */
  passesOn?: string
}

/** `undefined`, `true` or `false`. */
export const booleanOption: AdapterOptionCheck = (value) =>
  value === undefined || typeof value === 'boolean' ? undefined : `must be true or false; got ${describe(value)}`

/**
 * Fails at an adapter's factory, not at its first request, when the first
 * argument is not a cassette: the usual slip is passing the options first,
 * which otherwise surfaces much later as an unrelated TypeError.
 *
 * @param example how to write the call right, e.g. `vcrAgent(undefined, { protocol: 'http' })`
 * @throws InvalidOptionError (`option: 'cassette'`)
 */
export function assertCassetteArgument(cassette: unknown, factory: string, example: string): void {
  if (cassette === undefined) return
  // The key the core drives cassettes by: a cassette from another copy of @vcrjs/core passes too.
  if (typeof (cassette as Record<symbol, unknown> | null)?.[HANDLE] === 'function') return
  throw new InvalidOptionError(
    'cassette',
    `${factory}(cassette, options) takes a Cassette (from vcr.useCassette or vcr.insertCassette) or undefined as its first argument; ` +
      `got ${describe(cassette)}. Pass options second, e.g. ${example}.`,
  )
}

/**
 * Checks an adapter's options object: every adapter accepts
 * `allowHttpWithoutCassette`; `spec` names the adapter's own.
 *
 * @throws InvalidOptionError naming the option, with the allowed ones
 */
export function assertAdapterOptions(options: unknown, spec: AdapterOptionsSpec): void {
  const checks: Record<string, AdapterOptionCheck> = { allowHttpWithoutCassette: booleanOption, ...spec.options }
  const names = Object.keys(checks)
  const allowed = `${names.join(', ')}${spec.passesOn ? `, and ${spec.passesOn}` : ''}`
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', `${spec.factory} options must be an object with: ${allowed}; got ${describe(options)}`)
  }
  for (const [name, value] of Object.entries(options)) {
    const check = Object.hasOwn(checks, name) ? checks[name] : undefined
    if (check === undefined) {
      if (spec.passesOn) continue
      throw new InvalidOptionError(name, `Unknown ${spec.factory} option '${name}'; the options are: ${allowed}`)
    }
    const problem = check(value)
    if (problem !== undefined) throw new InvalidOptionError(name, `${spec.factory} option '${name}' ${problem}`)
  }
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? JSON.stringify(value) : String(value)
  if (Array.isArray(value)) return 'an array'
  const name = (value as object).constructor?.name
  return name && name !== 'Object' ? `a ${name}` : `an object with keys ${Object.keys(value).join(', ') || '(none)'}`
}
