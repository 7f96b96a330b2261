import type { Interaction } from './interaction.js'
import { matches, type ResolvedMatcher } from './matchers.js'
import type { Request } from './request.js'

interface Bucket {
  readonly ids: number[]
  /** Every id before this position has been played: the common case of identical requests played in order stays O(1). */
  firstUnplayed: number
}

/**
 * Finds the interactions that answer a request without scanning the whole
 * cassette: interactions are bucketed by the joined keys of the matchers in
 * `matchOn` that have one (every built-in, body and headers included), so a
 * lookup is one `Map` get. Only the request's own bucket is checked, by the
 * matchers whose key does not decide alone (a user's, with or without a key).
 */
export class InteractionIndex {
  readonly #interactions: readonly Interaction[]
  readonly #keyed: readonly ResolvedMatcher[]
  readonly #checked: readonly ResolvedMatcher[]
  readonly #buckets = new Map<string, Bucket>()
  readonly #played: Uint8Array
  #playCount = 0

  constructor(interactions: readonly Interaction[], matchers: readonly ResolvedMatcher[]) {
    this.#interactions = interactions
    this.#keyed = matchers.filter((matcher) => matcher.key !== undefined)
    this.#checked = matchers.filter((matcher) => !(matcher.key !== undefined && matcher.exact))
    this.#played = new Uint8Array(interactions.length)
    interactions.forEach((interaction, id) => {
      const key = this.#key(interaction.request)
      const bucket = this.#buckets.get(key)
      // Most buckets hold one interaction: a one-element array, not one grown by `push`.
      if (bucket) bucket.ids.push(id)
      else this.#buckets.set(key, { ids: [id], firstUnplayed: 0 })
    })
  }

  get playCount(): number {
    return this.#playCount
  }

  get allPlayed(): boolean {
    return this.#played.every((played) => played === 1)
  }

  isPlayed(id: number): boolean {
    return this.#played[id] === 1
  }

  /**
   * The interaction to play for `request`: the first unplayed match in
   * recorded order, or with `allowRepeats` the last match once all have played.
   * Marks it played.
   */
  play(request: Request, allowRepeats: boolean): Interaction | undefined {
    const bucket = this.#buckets.get(this.#key(request))
    if (!bucket) return undefined
    const { ids } = bucket
    while (bucket.firstUnplayed < ids.length && this.#played[ids[bucket.firstUnplayed]!] === 1) bucket.firstUnplayed++
    let repeat: number | undefined
    for (let at = bucket.firstUnplayed; at < ids.length; at++) {
      const id = ids[at]!
      if (!this.#matches(request, id)) continue
      if (this.#played[id] === 0) return this.#markPlayed(id)
      repeat = id
    }
    if (!allowRepeats) return undefined
    if (repeat === undefined) {
      for (let at = bucket.firstUnplayed - 1; at >= 0 && repeat === undefined; at--) {
        if (this.#matches(request, ids[at]!)) repeat = ids[at]
      }
    }
    return repeat === undefined ? undefined : this.#markPlayed(repeat)
  }

  /** Every interaction that matches `request`, played or not, in recorded order. */
  matching(request: Request): Interaction[] {
    const bucket = this.#buckets.get(this.#key(request))
    return bucket ? bucket.ids.filter((id) => this.#matches(request, id)).map((id) => this.#interactions[id]!) : []
  }

  rewind(): void {
    this.#played.fill(0)
    this.#playCount = 0
    for (const bucket of this.#buckets.values()) bucket.firstUnplayed = 0
  }

  #markPlayed(id: number): Interaction {
    this.#played[id] = 1
    this.#playCount++
    return this.#interactions[id]!
  }

  #matches(request: Request, id: number): boolean {
    // A loop, not `every` with a closure: this runs for every replay, and with the built-ins there is nothing to check.
    const checked = this.#checked
    if (checked.length === 0) return true
    const recorded = this.#interactions[id]!.request
    for (let at = 0; at < checked.length; at++) if (!matches(checked[at]!, request, recorded)) return false
    return true
  }

  #key(request: Request): string {
    // NUL separates keys unambiguously: it cannot occur in a parsed URL's parts (they are
    // percent-encoded), and the keys of headers, bodies and users' matchers are digested when they hold one.
    // Joined rather than built with `+=`, whose tree of concatenations every bucket key of a loaded cassette would hold.
    const keyed = this.#keyed
    const parts = new Array<string>(keyed.length)
    for (let at = 0; at < keyed.length; at++) parts[at] = keyed[at]!.key!(request)
    return parts.join('\u0000')
  }
}
