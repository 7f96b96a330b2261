import type { NormalizedOptions, RetryFunction } from 'got'

/**
 * got waits between retries (exponential back-off, or `Retry-After`) to spare
 * a struggling server. When the attempt that failed was replayed there is no
 * server to spare, so the delay shrinks to got's minimum; got still decides
 * whether to retry at all (the limit, methods, status and error codes, and
 * the user's own `calculateDelay`, which still runs).
 */

/** got retries only after a positive delay; 1 ms is the shortest that keeps the retry. */
const REPLAYED_RETRY_DELAY_MS = 1
/** got 16 stops retrying above what a timer can hold; such a delay is a "no", kept as it is. */
const MAX_TIMER_DELAY_MS = 2_147_483_647

/** The got options of every attempt that was answered from a cassette. */
const replayedAttempts = new WeakSet<object>()
const wrappedDelays = new WeakSet<RetryFunction>()

/** Notes whether the attempt made with `options` was replayed; the retry delay after it depends on that. */
export function noteAttempt(options: NormalizedOptions, replayed: boolean): void {
  if (replayed) replayedAttempts.add(options)
  else replayedAttempts.delete(options)
}

/**
 * Wraps `retry.calculateDelay` once per request (got copies it along to the
 * options of redirects and retries). The retry option is got's documented way
 * to set the delay, and a `beforeRequest` hook may change options.
 */
export function shortenBackoffAfterReplay(options: NormalizedOptions): void {
  // got always sets one (its default passes `computedValue` through); its type allows none.
  const original: RetryFunction = options.retry.calculateDelay ?? (({ computedValue }) => computedValue)
  if (wrappedDelays.has(original)) return
  const calculateDelay: RetryFunction = async (retry) => {
    const delay = await original(retry)
    const replayed = replayedAttempts.has(retry.error.options)
    return replayed && delay > 0 && delay <= MAX_TIMER_DELAY_MS ? REPLAYED_RETRY_DELAY_MS : delay
  }
  wrappedDelays.add(calculateDelay)
  options.retry = { ...options.retry, calculateDelay }
}
