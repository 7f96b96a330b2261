import { CassetteFormatProblem, interactionsFromData, interactionsToData } from './cassette-format.js'
import { CassetteSaveError } from './errors.js'
import type { Interaction } from './interaction.js'
import type { StoredCassette } from './persisters/persister.js'

export interface MergeInput {
  path: string
  /** What this cassette would write alone: the loaded interactions it keeps, then what it recorded. */
  mine: readonly Interaction[]
  /** Every interaction that was stored when the cassette was inserted (stale ones included). */
  base: readonly Interaction[]
  /** Record mode `all`: the user asked to re-record, so a stored file that cannot be read is replaced. */
  replacesUnreadable: boolean
}

/** What a save writes, and where the interactions stored before it went. */
export interface Merged {
  /** The interactions written, in the file's order. */
  readonly interactions: readonly Interaction[]
  /**
   * When another writer's interactions were merged in: for each interaction
   * of the file as stored just before this save, its index in `interactions`,
   * or undefined when this save dropped it. The runners' usage record moves
   * the plays it saw in that file along.
   */
  readonly previous?: readonly (number | undefined)[]
}

/**
 * What a save writes when the stored cassette may have changed since this one
 * was loaded: this cassette's interactions, then those another writer stored
 * since (whatever is stored now and was not at insertion). An interaction
 * stored at insertion is never written twice, and one this run dropped
 * (unused, stale, or replaced by record mode `all`) stays dropped.
 */
export function mergeStored(stored: StoredCassette, { path, mine, base, replacesUnreadable }: MergeInput): Merged {
  if (stored.state === 'absent' || stored.state === 'unchanged') return { interactions: mine }
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
    if (replacesUnreadable) return { interactions: mine }
    const why = problem instanceof CassetteFormatProblem || problem instanceof Error ? problem.message : String(problem)
    throw new CassetteSaveError(
      path,
      `the file changed since the cassette was loaded and cannot be read now (${why}); it was not overwritten. Fix or delete it, or re-record it with recordMode 'all'`,
      { cause: problem },
    )
  }
  // The interactions stored at insertion, by stored form: one stored now that matches one of them is not another writer's.
  const before = new Map<string, Interaction[]>()
  for (const interaction of base) {
    const key = interactionKey(interaction)
    const same = before.get(key)
    if (same) same.push(interaction)
    else before.set(key, [interaction])
  }
  const mineAt = new Map(mine.map((interaction, at) => [interaction, at]))
  const added: Interaction[] = []
  const previous = now.map((interaction) => {
    const atInsertion = before.get(interactionKey(interaction))?.shift()
    if (atInsertion !== undefined) return mineAt.get(atInsertion)
    added.push(interaction)
    return mine.length + added.length - 1
  })
  return { interactions: [...mine, ...added], previous }
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
