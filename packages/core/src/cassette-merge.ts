import { CassetteFormatProblem, interactionsFromData, interactionsToData } from './cassette-format.js'
import { CassetteSaveError } from './errors.js'
import type { Interaction } from './interaction.js'
import type { StoredCassette } from './persisters/persister.js'
import type { CassetteData } from './serializers/serializer.js'

export interface MergeInput {
  path: string
  /** What this cassette would write alone: the loaded interactions it keeps, then what it recorded. */
  mine: readonly Interaction[]
  /** Every interaction that was stored when the cassette was inserted (stale ones included). */
  base: readonly Interaction[]
  /** Record mode `all`: the user asked to re-record, so a stored file that cannot be read is replaced. */
  replacesUnreadable: boolean
}

/**
 * What a save writes when the stored cassette may have changed since this one
 * was loaded: this cassette's interactions, then those another writer stored
 * since (whatever is stored now and was not at insertion). An interaction
 * stored at insertion is never written twice, and one this run dropped
 * (unused, stale, or replaced by record mode `all`) stays dropped.
 */
export function mergeStored(stored: StoredCassette, { path, mine, base, replacesUnreadable }: MergeInput): CassetteData {
  if (stored.state === 'absent' || stored.state === 'unchanged') return interactionsToData(mine)
  let now: Interaction[] | undefined
  let problem: unknown
  if (stored.state === 'present') {
    try {
      now = interactionsFromData(stored.data)
    } catch (error) {
      problem = error
    }
  } else {
    problem = stored.error
  }
  if (now === undefined) {
    if (replacesUnreadable) return interactionsToData(mine)
    const why = problem instanceof CassetteFormatProblem || problem instanceof Error ? problem.message : String(problem)
    throw new CassetteSaveError(
      path,
      `the file changed since the cassette was loaded and cannot be read now (${why}); it was not overwritten. Fix or delete it, or re-record it with recordMode 'all'`,
      { cause: problem },
    )
  }
  const before = new Map<string, number>()
  for (const interaction of base) {
    const key = interactionKey(interaction)
    before.set(key, (before.get(key) ?? 0) + 1)
  }
  const added = now.filter((interaction) => {
    const key = interactionKey(interaction)
    const left = before.get(key) ?? 0
    if (left === 0) return true
    before.set(key, left - 1)
    return false
  })
  return interactionsToData([...mine, ...added])
}

/** An interaction's stored form, as one string: two interactions are the same stored one when their keys are equal. */
function interactionKey(interaction: Interaction): string {
  return JSON.stringify(interactionsToData([interaction]).interactions, (_key, value: unknown) =>
    // Bodies are never lists in this form, so a list cannot be confused with a text body.
    value instanceof Uint8Array ? ['bytes', Buffer.from(value).toString('base64')] : isBufferJson(value) ? ['bytes', Buffer.from(value.data).toString('base64')] : value,
  )
}

function isBufferJson(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)
}
