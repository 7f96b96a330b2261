import { CannotOverwriteExistingCassetteError } from '@vcrjs/core'

/** The error itself or the first error along its `cause` chain that is a CannotOverwriteExistingCassetteError. */
export function findNoMatchError(error: unknown): CannotOverwriteExistingCassetteError | undefined {
  for (let current = error, depth = 0; current && depth < 10; depth++) {
    if (current instanceof CannotOverwriteExistingCassetteError) return current
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** Awaits `promise`, which must reject with a no-match error (directly or as a cause), and returns that error. */
export async function expectNoMatch(promise: Promise<unknown>): Promise<CannotOverwriteExistingCassetteError> {
  let outcome: unknown
  try {
    await promise
  } catch (error) {
    outcome = error
  }
  const found = findNoMatchError(outcome)
  if (!found) {
    throw new Error(`expected a CannotOverwriteExistingCassetteError (or one as cause), got ${outcome === undefined ? 'a resolved promise' : String(outcome)}`, {
      cause: outcome,
    })
  }
  return found
}
