import { CassetteFormatProblem, interactionData, interactionsFromData, interactionsToData } from './cassette-format.js'
import { type Merged, mergeStored } from './cassette-merge.js'
import { STORED_VERSION } from './persisters/persister.js'
import { ejectListened, removeInserted, reportEjected } from './context.js'
import { debugEnabled, debugRequest } from './debug-log.js'
import { HttpHeaders } from './headers.js'
import {
  CannotOverwriteExistingCassetteError,
  CassetteEjectedError,
  CassetteLoadError,
  CassetteNotFoundError,
  CassetteSaveError,
  CassetteSerializationError,
  UnusedInteractionsError,
  VcrError,
} from './errors.js'
import type { Interaction } from './interaction.js'
import { InteractionIndex } from './interaction-index.js'
import { isIgnored, requestForCassette, responseForCassette, responseForClient } from './interaction-pipeline.js'
import { missingCassetteMessage } from './missing-cassette-message.js'
import { describeNoMatch } from './no-match-message.js'
import type { NormalizedCassetteOptions } from './options.js'
import { filesystemPersister } from './persisters/filesystem.js'
import type { RecordMode } from './record-mode.js'
import { toBytes } from './body.js'
import { BodyCapture, type CapturedBody } from './body-capture.js'
import { Request, type RequestInit } from './request.js'
import { Response } from './response.js'
import {
  isStreamSource,
  passedThroughResponse,
  type RealResponse,
  type SendReal,
  replayWait,
  type StreamedResponse,
  statusOf,
  wholeBody,
} from './streamed-response.js'
import { scanBeforeSave, warnSecrets } from './secrets/save-scan.js'

/** What the core did with a request: answered it from the cassette, sent it and records it, or sent it untouched. */
export const REQUEST_ACTIONS = ['replay', 'record', 'passthrough'] as const
export type RequestAction = (typeof REQUEST_ACTIONS)[number]

/** What `handleRequest` resolves to: the response to give the client, and what the core did. */
export interface HandledRequest {
  readonly response: StreamedResponse
  readonly action: RequestAction
}

/**
 * The hooks `handleRequest` and `VCR.useCassette` call. `Symbol.for` keys
 * rather than method names keep them off the public API while letting another
 * copy of @vcrjs/core (an adapter's) drive this one's cassettes. The key is
 * also what `assertCassetteArgument` recognises a cassette by (and the axios
 * preset, until it uses that), so it keeps its name.
 */
export const HANDLE = Symbol.for('vcrjs.cassette.handle')
export const EJECT_AFTER = Symbol.for('vcrjs.cassette.eject-after')

/** How long `eject()` waits for requests still in flight through the cassette before saving without them and failing. */
export const IN_FLIGHT_WAIT_MS = 30_000

/** What was stored at the cassette's path when it was inserted: its interactions, and the version the persister noted. */
interface Stored {
  readonly version: unknown
  readonly interactions: readonly Interaction[]
}

const NOTHING_STORED: Stored = { version: undefined, interactions: [] }

/**
 * A cassette in use: the interactions loaded from its file, what this run
 * played and recorded, and the rules (record mode, matchers, filters) it
 * answers by. Created by `vcr.insertCassette` / `vcr.useCassette`.
 */
export class Cassette {
  /** Absolute path of the cassette file. */
  readonly path: string
  readonly recordMode: RecordMode
  readonly #options: NormalizedCassetteOptions
  /** Whether a cassette file existed when it was inserted: in `once`, such a cassette only replays. */
  readonly #existed: boolean
  /** Loaded interactions that `reRecordInterval` declared stale: not played, recorded anew, dropped on save. */
  readonly #staleCount: number
  readonly #loaded: readonly Interaction[]
  readonly #recorded: Interaction[] = []
  readonly #index: InteractionIndex
  /** What was stored at insertion, for merging with what another writer stored meanwhile. */
  readonly #stored: Stored
  /** Requests being recorded and not yet answered: eject waits for them, and is told by `#whenIdle` when none is left. */
  #recording = 0
  #whenIdle: (() => void) | undefined
  #ejected = false
  /** Set once eject has taken what it saves: a request answered later cannot be saved and fails. */
  #sealed = false
  #ejecting: Promise<void> | undefined

  private constructor(path: string, options: NormalizedCassetteOptions, stored: Stored, existed: boolean) {
    this.path = path
    this.recordMode = options.recordMode
    this.#options = options
    this.#existed = existed
    this.#stored = stored
    const loaded = options.recordMode === 'all' ? [] : stored.interactions
    const fresh = freshInteractions(loaded, options)
    this.#loaded = fresh
    this.#staleCount = loaded.length - fresh.length
    this.#index = new InteractionIndex(fresh, options.matchers)
  }

  /** @internal Loads the cassette at `path`; used by `VCR`. */
  static async load(path: string, options: NormalizedCassetteOptions): Promise<Cassette> {
    // `all` replaces the cassette with this run's interactions and plays none of the old ones: they are read
    // only to tell, when saving, what another writer added since, and a file that cannot be read is replaced.
    if (options.recordMode === 'all') return new Cassette(path, options, await Cassette.#storedIfReadable(path, options), false)
    let data: unknown
    try {
      data = await options.persister.loadCassette(path, options.serializer)
    } catch (error) {
      if (error instanceof CassetteNotFoundError) return new Cassette(path, options, NOTHING_STORED, false)
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
    return new Cassette(path, options, { version: storedVersion(data), interactions }, true)
  }

  static async #storedIfReadable(path: string, options: NormalizedCassetteOptions): Promise<Stored> {
    try {
      const data = await options.persister.loadCassette(path, options.serializer)
      return { version: storedVersion(data), interactions: interactionsFromData(data) }
    } catch {
      return NOTHING_STORED
    }
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

  /**
   * Whether every interaction the cassette holds has been played, as vcrpy's
   * `all_played` counts: one recorded in this run (`new_episodes`) has not.
   */
  get allPlayed(): boolean {
    return this.#recorded.length === 0 && this.#index.allPlayed
  }

  get ejected(): boolean {
    return this.#ejected
  }

  /** The responses of every interaction matching `request` under this cassette's matchers and filters, played or not. */
  responsesOf(request: Request | RequestInit): Response[] {
    const asked = requestForCassette(Request.from(request), this.#options)
    if (asked === null) return []
    const recorded = new InteractionIndex(this.#recorded, this.#options.matchers)
    return [...this.#index.matching(asked), ...recorded.matching(asked)].map((interaction) => interaction.response)
  }

  /** Makes every loaded interaction playable again. */
  rewind(): void {
    this.#index.rewind()
  }

  /**
   * Saves the cassette if this run changed it, and detaches it. With
   * `allowUnusedInteractions: false`, raises `UnusedInteractionsError` when
   * loaded interactions were never played. Safe to call twice; requests
   * through an ejected cassette fail.
   */
  eject(): Promise<void> {
    return this[EJECT_AFTER](undefined)
  }

  /**
   * @internal Ejects after the scoped function of `useCassette` ended; `failure`
   * is its error, if it threw: then `recordOnException` decides whether to
   * save, and unused interactions are not reported (the test's error wins).
   */
  [EJECT_AFTER](failure: { error: unknown } | undefined): Promise<void> {
    // A second eject resolves when the first one's save has finished, and fails as it did.
    this.#ejecting ??= this.#eject(failure)
    return this.#ejecting
  }

  async #eject(failure: { error: unknown } | undefined): Promise<void> {
    this.#ejected = true
    removeInserted(this)
    const unfinished = await this.#settleInFlight()
    this.#sealed = true
    const { dropUnusedRequests, allowUnusedInteractions, recordOnException } = this.#options
    const kept = dropUnusedRequests ? this.#loaded.filter((_, id) => this.#index.isPlayed(id)) : this.#loaded
    const changed = this.#recorded.length > 0 || kept.length < this.#loaded.length || this.#staleCount > 0
    const saves = changed && (failure === undefined || recordOnException)
    let saved: Merged | undefined
    if (saves) {
      const mine = [...kept, ...this.#recorded]
      // What another writer merges in was scanned by that writer.
      const findings = scanBeforeSave(this.path, mine, this.#options.secretScan)
      saved = { interactions: mine }
      // The merge builds the data again: each interaction's is built once, as its body's text is as large as the body.
      const built = new Map<Interaction, unknown>()
      const dataOf = (interaction: Interaction) => built.get(interaction) ?? built.set(interaction, interactionData(interaction)).get(interaction)
      await this.#options.persister.saveCassette(this.path, interactionsToData(mine, dataOf), this.#options.serializer, {
        loadedVersion: this.#stored.version,
        merge: (stored) => {
          saved = mergeStored(stored, { path: this.path, mine, base: this.#stored.interactions, replacesUnreadable: this.recordMode === 'all' })
          return interactionsToData(saved.interactions, dataOf)
        },
      })
      warnSecrets(this.path, findings)
    }
    if (ejectListened()) this.#reportUsage(saved)
    if (unfinished > 0) {
      throw new CassetteSaveError(
        this.path,
        `${unfinished} request(s) through it were still in flight ${IN_FLIGHT_WAIT_MS / 1000} s after eject() and were not saved (they fail); await every request before the cassette ejects`,
      )
    }
    if (!allowUnusedInteractions && failure === undefined && !this.#index.allPlayed) {
      const unused = this.#loaded.filter((_, id) => !this.#index.isPlayed(id)).map((interaction) => String(interaction.request))
      throw new UnusedInteractionsError(this.path, unused)
    }
  }

  /** Waits, within `IN_FLIGHT_WAIT_MS`, for the requests being recorded; returns how many are still unanswered. */
  async #settleInFlight(): Promise<number> {
    if (this.#recording === 0) return 0
    let timer: NodeJS.Timeout | undefined
    await new Promise<void>((resolve) => {
      this.#whenIdle = resolve
      timer = setTimeout(resolve, IN_FLIGHT_WAIT_MS)
    })
    clearTimeout(timer)
    return this.#recording
  }

  /** @internal The adapter contract's decision point; see `handleRequest`. */
  async [HANDLE](input: Request | RequestInit, sendReal: SendReal): Promise<HandledRequest> {
    if (this.#ejected) throw new CassetteEjectedError(this.path)
    const live = Request.from(input)
    const options = this.#options
    if (isIgnored(live, options)) {
      if (debugEnabled()) debugRequest(this.path, withoutQuery(live), 'passed through (ignored host)')
      return { response: passedThroughResponse(await sendReal()), action: 'passthrough' }
    }
    const request = requestForCassette(live, options)
    if (request === null) {
      if (debugEnabled()) debugRequest(this.path, withoutQuery(live), 'passed through (beforeRecordRequest returned null)')
      return { response: passedThroughResponse(await sendReal()), action: 'passthrough' }
    }
    if (options.recordMode !== 'all') {
      const played = this.#index.play(request, options.allowPlaybackRepeats)
      if (played) {
        const recorded = this.#responseOf(played)
        const wait = options.replaySpeed === undefined ? 0 : (recorded.headDelayMs ?? 0) / options.replaySpeed
        if (wait > 0) await replayWait(wait)
        if (debugEnabled()) debugRequest(this.path, String(request), `replayed interaction ${this.#loaded.indexOf(played) + 1} of ${this.#loaded.length}`)
        return { response: responseForClient(recorded, live, options), action: 'replay' }
      }
    }
    if (!this.#mayRecord()) {
      const error = this.#noMatch(request)
      if (debugEnabled()) debugRequest(this.path, String(error.request ?? request), `no match: ${this.#existed ? closestLine(error) : 'the cassette file does not exist'}`)
      throw error
    }
    // Counted until its body is stored (or fails), so that an eject meanwhile waits for it and saves it.
    this.#recording++
    let counted = true
    const settled = () => {
      if (!counted) return
      counted = false
      if (--this.#recording === 0) this.#whenIdle?.()
    }
    try {
      const sent = performance.now()
      const real = await sendReal()
      // Answered after eject gave up waiting and saved: failing beats answering live and dropping it silently.
      if (this.#sealed) throw new CassetteEjectedError(this.path, { inFlight: true })
      if (debugEnabled()) debugRequest(this.path, String(request), `recorded (status ${statusOf(real.status).code})`)
      return { response: this.#record(request, live, real, performance.now() - sent, settled), action: 'record' }
    } catch (error) {
      settled()
      throw error
    }
  }

  /**
   * The client gets the real response as it arrives; the cassette stores its
   * own copy once the body ended whole (a body that fails or that the client
   * abandons is not stored: nothing half-received passes for complete).
   * `settled` runs once the body is over, stored or not.
   */
  #record(request: Request, live: Request, real: RealResponse, headDelayMs: number, settled: () => void): StreamedResponse {
    const status = statusOf(real.status)
    const headers = new HttpHeaders(real.headers)
    const store = (body: CapturedBody) => {
      if (this.#sealed) throw new CassetteEjectedError(this.path, { inFlight: true })
      const copy = new Response({ status, headers, bodyParts: body.parts, chunks: body.chunks, headDelayMs, cutShort: body.cutShort })
      const stored = responseForCassette(copy, live, this.#options)
      if (stored !== null) this.#recorded.push({ request, response: stored, recordedAt: new Date() })
    }
    const source = real.body
    if (!isStreamSource(source)) {
      const bytes = toBytes(source) ?? Buffer.alloc(0)
      try {
        store({ parts: [Buffer.from(bytes)], chunks: bytes.length === 0 ? [] : [{ size: bytes.length, delayMs: 0 }] })
      } finally {
        settled()
      }
      return { status, headers: new HttpHeaders(headers), body: wholeBody(bytes) }
    }
    const capture = new BodyCapture(source, declaredLength(live.method, status.code, headers), store)
    void capture.settled.then(settled)
    return { status, headers: new HttpHeaders(headers), body: capture }
  }

  /**
   * A loaded response, parsed and checked now if its reader deferred that
   * (json-reader.ts): what it cannot read fails as the load would have.
   */
  #responseOf(interaction: Interaction): Response {
    try {
      return interaction.response
    } catch (error) {
      if (error instanceof CassetteSerializationError) throw new CassetteLoadError(this.path, `its content cannot be deserialized (${error.message})`, { cause: error })
      if (error instanceof CassetteFormatProblem) throw new CassetteLoadError(this.path, error.message, { cause: error })
      throw error
    }
  }

  #mayRecord(): boolean {
    switch (this.recordMode) {
      case 'all':
      case 'new_episodes':
        return true
      case 'once':
        return !this.#existed || this.#staleCount > 0
      case 'none':
        return false
    }
  }

  #noMatch(request: Request): CannotOverwriteExistingCassetteError {
    const { message, request: redacted, closest } = describeNoMatch({
      request,
      cassettePath: this.path,
      recordMode: this.recordMode,
      matchers: this.#options.matchers,
      interactions: this.#loaded,
      isPlayed: (id) => this.#index.isPlayed(id),
      credentialNames: this.#options.credentialNames,
    })
    if (!this.#existed) {
      const listFolder = this.#options.persister === filesystemPersister
      return new CannotOverwriteExistingCassetteError(missingCassetteMessage(redacted, this.path, this.recordMode, listFolder), {
        cassettePath: this.path,
        recordMode: this.recordMode,
        request: redacted,
      })
    }
    return new CannotOverwriteExistingCassetteError(message, { cassettePath: this.path, recordMode: this.recordMode, request: redacted, closest })
  }

  /**
   * Tells the runners' usage listeners what the cassette file holds after
   * this run and which of its interactions the run played or recorded, by
   * their place in the file as saved (another writer's merged in included).
   * `saved` is what the save wrote; undefined when nothing was saved (the
   * file is as loaded).
   */
  #reportUsage(saved: Merged | undefined): void {
    const written = saved?.interactions ?? this.#loaded
    const used = new Set<Interaction>(this.#recorded)
    this.#loaded.forEach((interaction, id) => {
      if (this.#index.isPlayed(id)) used.add(interaction)
    })
    const played: number[] = []
    written.forEach((interaction, at) => {
      if (used.has(interaction)) played.push(at)
    })
    reportEjected({ path: this.path, interactions: written.length, played, previous: saved?.previous })
  }

  #all(): Interaction[] {
    return [...this.#loaded, ...this.#recorded]
  }
}

function storedVersion(data: unknown): unknown {
  return typeof data === 'object' && data !== null ? (data as { [STORED_VERSION]?: unknown })[STORED_VERSION] : undefined
}

/** The Content-Length of a response that has a body, when it declares one (RFC 9110: HEAD, 1xx, 204, 304 have none). */
function declaredLength(method: string, status: number, headers: HttpHeaders): number | undefined {
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return undefined
  const declared = headers.get('content-length')
  return declared !== undefined && /^\s*\d+\s*$/.test(declared) ? Number(declared) : undefined
}

/** The loaded interactions minus those older than `reRecordInterval` (never in 'none', which cannot re-record them). */
function freshInteractions(loaded: readonly Interaction[], options: NormalizedCassetteOptions): readonly Interaction[] {
  const interval = options.reRecordInterval
  if (interval === undefined || options.recordMode === 'none') return loaded
  const oldest = Date.now() - interval
  return loaded.filter((interaction) => interaction.recordedAt === undefined || interaction.recordedAt.getTime() >= oldest)
}

/** A request for the debug log when no filter ran on it: the query may hold a credential, so it is left out. */
function withoutQuery(request: Request): string {
  return `${request.method} ${request.protocol}://${request.host}:${request.port}${request.path}${request.query.length > 0 ? '?…' : ''}`
}

/** The closest recorded request and why it did not match, in one line: for `NODE_DEBUG=vcrjs`. */
function closestLine(error: CannotOverwriteExistingCassetteError): string {
  const [best] = error.closest
  if (best === undefined) return 'the cassette holds no interactions'
  const reasons = best.failed.map((failure) => `${failure.name}: ${failure.reason}`).join('; ')
  return `closest is interaction ${best.index + 1}, ${best.request} (${reasons || 'matches, but was already played'})`
}
