import { type AdapterOptions, InvalidOptionError } from '@vcrjs/core'

/**
 * Options of `vcrHooks`. `allowHttpWithoutCassette` (from @vcrjs/core)
 * decides what a request outside any cassette does.
 */
export interface VcrHooksOptions extends AdapterOptions {
  /**
   * Whether got retries at once after an attempt that was replayed, instead of
   * waiting out its back-off (`retry.calculateDelay`, `Retry-After`): a
   * cassette has no server to spare, so replayed retries take no time. got
   * still decides whether to retry; attempts that went to the network keep
   * their real delays.
   * @default true
   * @example
   * // keep got's real delays between retries, even on replay
   * got.extend({ hooks: vcrHooks(cassette, { skipRetryBackoffOnReplay: false }) })
   */
  skipRetryBackoffOnReplay?: boolean
}

const OPTION_NAMES = ['allowHttpWithoutCassette', 'skipRetryBackoffOnReplay'] as const satisfies readonly (keyof VcrHooksOptions)[]
// The key the core drives cassettes by; checking it accepts a cassette from another copy of @vcrjs/core.
const CASSETTE_HANDLE = Symbol.for('vcrjs.cassette.handle')

/** Fails at `vcrHooks(...)`, not at the first request, with what is allowed. */
export function validateArguments(cassette: unknown, options: unknown): asserts options is VcrHooksOptions {
  if (cassette !== undefined && typeof (cassette as Record<symbol, unknown> | null)?.[CASSETTE_HANDLE] !== 'function') {
    throw new InvalidOptionError(
      'cassette',
      'vcrHooks(cassette, options) takes a Cassette (from vcr.useCassette or vcr.insertCassette) or undefined as its first argument; ' +
        'pass options second, e.g. vcrHooks(undefined, { allowHttpWithoutCassette: false }).',
    )
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', `vcrHooks options must be an object with: ${OPTION_NAMES.join(', ')}`)
  }
  for (const [name, value] of Object.entries(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(name)) {
      throw new InvalidOptionError(name, `Unknown vcrHooks option '${name}'; the options are: ${OPTION_NAMES.join(', ')}`)
    }
    if (value !== undefined && typeof value !== 'boolean') {
      throw new InvalidOptionError(name, `vcrHooks option '${name}' must be true or false; got ${JSON.stringify(value)}`)
    }
  }
}
