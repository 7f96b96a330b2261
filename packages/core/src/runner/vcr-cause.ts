import { VcrError } from '../errors.js'

const MAX_DEPTH = 8

/**
 * The vcrjs error behind a test failure that a client wrapped in its own
 * (fetch's `TypeError: fetch failed`, got's `RequestError`, axios's
 * `AxiosError`), which some reporters print without its `cause`. Undefined
 * when the failure is a vcrjs error itself (already printed) or has none.
 */
export function wrappedVcrError(error: unknown): VcrError | undefined {
  if (error instanceof VcrError) return undefined
  let cause = (error as { cause?: unknown } | null | undefined)?.cause
  for (let depth = 0; depth < MAX_DEPTH && cause !== undefined && cause !== null; depth++) {
    if (cause instanceof VcrError) return cause
    cause = (cause as { cause?: unknown }).cause
  }
  return undefined
}

/** How a runner prints the vcrjs cause of a failed test. */
export function describeVcrCause(error: VcrError): string {
  return `vcrjs: ${error.name} (${error.code}): ${error.message}`
}
