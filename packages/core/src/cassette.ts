import { interactionsFromData, interactionsToData, CassetteFormatProblem } from './cassette-format.js'
import { removeInserted } from './context.js'
import {
  CannotOverwriteExistingCassetteError,
  CassetteEjectedError,
  CassetteLoadError,
  CassetteNotFoundError,
  VcrError,
} from './errors.js'
import type { Interaction } from './interaction.js'
import { InteractionIndex } from './interaction-index.js'
import { noMatchMessage } from './no-match-message.js'
import type { NormalizedCassetteOptions } from './options.js'
import type { RecordMode } from './record-mode.js'
import { Request, type RequestInit } from './request.js'
import { Response, type ResponseInit } from './response.js'

/** Performs the real request for the adapter; called only when the core decides to record. */
export type SendReal = () => Promise<Response | ResponseInit>

/**
 * The hook `handleRequest` calls. A `Symbol.for` key rather than a method
 * name keeps it off the public API while letting another copy of @vcrjs/core
 * (an adapter's) drive this one's cassettes.
 */
export const HANDLE = Symbol.for('vcrjs.cassette.handle')

/**
 * A cassette in use: the interactions loaded from its file, what this run
 * played and recorded, and the rules (record mode, matchers) it answers by.
 * Created by `vcr.insertCassette` / `vcr.useCassette`.
 */
export class Cassette {
  /** Absolute path of the cassette file. */
  readonly path: string
  readonly recordMode: RecordMode
  readonly #options: NormalizedCassetteOptions
  /** Whether a cassette file existed when it was inserted: in `once`, such a cassette only replays. */
  readonly #existed: boolean
  readonly #loaded: readonly Interaction[]
  readonly #recorded: Interaction[] = []
  readonly #index: InteractionIndex
  #ejected = false

  private constructor(path: string, options: NormalizedCassetteOptions, loaded: readonly Interaction[], existed: boolean) {
    this.path = path
    this.recordMode = options.recordMode
    this.#options = options
    this.#loaded = loaded
    this.#existed = existed
    this.#index = new InteractionIndex(loaded, options.matchers)
  }

  /** @internal Loads the cassette at `path`; used by `VCR`. */
  static async load(path: string, options: NormalizedCassetteOptions): Promise<Cassette> {
    // `all` replaces the cassette with this run's interactions, so the old file is not read.
    if (options.recordMode === 'all') return new Cassette(path, options, [], false)
    let data: unknown
    try {
      data = await options.persister.loadCassette(path, options.serializer)
    } catch (error) {
      if (error instanceof CassetteNotFoundError) return new Cassette(path, options, [], false)
      if (error instanceof VcrError) throw error
      throw new CassetteLoadError(path, (error as Error).message, { cause: error })
    }
    let interactions: Interaction[]
    try {
      interactions = interactionsFromData(data)
    } catch (error) {
      const problem = error instanceof CassetteFormatProblem ? error.message : `it holds an invalid interaction (${(error as Error).message})`
      throw new CassetteLoadError(path, problem, { cause: error })
    }
    return new Cassette(path, options, interactions, true)
  }

  /** Every request in the cassette: those loaded from the file, then those recorded in this run. */
  get requests(): Request[] {
    return this.#all().map((interaction) => interaction.request)
  }

  get responses(): Response[] {
    return this.#all().map((interaction) => interaction.response)
  }

  /** How many interactions the cassette holds. */
  get length(): number {
    return this.#loaded.length + this.#recorded.length
  }

  /** How many times a recorded response has been played back since insertion or `rewind()`. */
  get playCount(): number {
    return this.#index.playCount
  }

  /** Whether every interaction loaded from the file has been played. */
  get allPlayed(): boolean {
    return this.#index.allPlayed
  }

  get ejected(): boolean {
    return this.#ejected
  }

  /** The responses of every interaction matching `request` under this cassette's matchers, played or not. */
  responsesOf(request: Request | RequestInit): Response[] {
    const asked = toRequest(request)
    const recorded = new InteractionIndex(this.#recorded, this.#options.matchers)
    return [...this.#index.matching(asked), ...recorded.matching(asked)].map((interaction) => interaction.response)
  }

  /** Makes every loaded interaction playable again. */
  rewind(): void {
    this.#index.rewind()
  }

  /**
   * Saves the cassette if this run recorded anything, and detaches it.
   * Safe to call twice; requests through an ejected cassette fail.
   */
  async eject(): Promise<void> {
    if (this.#ejected) return
    this.#ejected = true
    removeInserted(this)
    if (this.#recorded.length === 0) return
    await this.#options.persister.saveCassette(this.path, interactionsToData(this.#all()), this.#options.serializer)
  }

  /** @internal The adapter contract's decision point; see `handleRequest`. */
  async [HANDLE](input: Request | RequestInit, sendReal: SendReal): Promise<Response> {
    if (this.#ejected) throw new CassetteEjectedError(this.path)
    const request = toRequest(input)
    const { recordMode, allowPlaybackRepeats } = this.#options
    if (recordMode !== 'all') {
      const played = this.#index.play(request, allowPlaybackRepeats)
      if (played) return played.response
    }
    if (!this.#mayRecord()) {
      throw new CannotOverwriteExistingCassetteError(
        noMatchMessage({
          request,
          cassettePath: this.path,
          recordMode,
          matchers: this.#options.matchers,
          interactions: this.#loaded,
          isPlayed: (id) => this.#index.isPlayed(id),
        }),
        { cassettePath: this.path, recordMode },
      )
    }
    const response = toResponse(await sendReal())
    this.#recorded.push({ request, response })
    return response
  }

  #mayRecord(): boolean {
    switch (this.recordMode) {
      case 'all':
      case 'new_episodes':
        return true
      case 'once':
        return !this.#existed
      case 'none':
        return false
    }
  }

  #all(): Interaction[] {
    return [...this.#loaded, ...this.#recorded]
  }
}

// Objects from another copy of @vcrjs/core fail `instanceof`; rebuilding from their fields is cheap and always right.
function toRequest(input: Request | RequestInit): Request {
  return input instanceof Request ? input : new Request(input)
}

function toResponse(input: Response | ResponseInit): Response {
  return input instanceof Response ? input : new Response(input)
}
