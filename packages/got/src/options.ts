import { type AdapterOptions, assertAdapterOptions, assertCassetteArgument, booleanOption } from '@vcrjs/core/adapter'

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

/** Fails at `vcrHooks(...)`, not at the first request, with what is allowed. */
export function validateArguments(cassette: unknown, options: unknown): asserts options is VcrHooksOptions {
  assertCassetteArgument(cassette, 'vcrHooks', 'vcrHooks(undefined, { allowHttpWithoutCassette: false })')
  assertAdapterOptions(options, { factory: 'vcrHooks', options: { skipRetryBackoffOnReplay: booleanOption } })
}
