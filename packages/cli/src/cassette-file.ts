import { isUtf8 } from 'node:buffer'
import {
  CassetteFormatProblem,
  type CassetteData,
  CassetteSaveError,
  filesystemPersister,
  type Interaction,
  interactionsFromData,
  interactionsToData,
  jsonSerializer,
  rubyCassetteData,
  type SaveOptions,
  type Serializer,
  VcrError,
  yamlSerializer,
} from '@vcrjs/core'
import { harToInteractions, interactionsToHar, isHar } from './har.js'
import { CannotHoldError, CliError, EXIT } from './errors.js'

/**
 * The file formats the command reads and writes. `yaml`/`json` are vcrpy's
 * (what vcrjs writes), `ruby-yaml`/`ruby-json` Ruby VCR's, `har` HAR 1.2.
 */
export const FILE_FORMATS = ['yaml', 'json', 'ruby-yaml', 'ruby-json', 'har'] as const
export type FileFormat = (typeof FILE_FORMATS)[number]

/** Keys the core reads from an interaction and its response; any other key is kept as it was when the file is rewritten. */
const INTERACTION_KEYS = new Set(['request', 'response', 'recorded_at'])
// Ruby VCR's `http_version` and `adapter_metadata` are written by its own writer, not carried over.
const RESPONSE_KEYS = new Set(['status', 'headers', 'body', 'http_version', 'adapter_metadata'])

/** Keys beside the ones the core models, per interaction, kept verbatim on rewrite and in HAR: streaming data (`response.stream`) and whatever a newer writer added. */
export interface Extras {
  readonly interaction: Record<string, unknown>
  readonly response: Record<string, unknown>
}

export interface CassetteFile {
  readonly path: string
  readonly text: string
  readonly format: FileFormat
  readonly interactions: Interaction[]
  readonly extras: Extras[]
  /** Ruby VCR's `recorded_with`, kept when the file is rewritten. */
  readonly recordedWith?: string
  /** What reading left out or changed (HAR entries with no response), one line each. */
  readonly notes?: readonly string[]
  /** The persister's version of the file as read: a rewrite refuses to overwrite a file changed since. */
  readonly loadedVersion?: unknown
}

// Where the core's filesystem persister leaves the version of what it loaded (see Persister's STORED_VERSION).
const STORED_VERSION = Symbol.for('vcrjs.persister.stored-version')

/** The code of a file that is not a cassette at all (no `interactions`, `http_interactions` or HAR `log`): skipped when found by walking a folder. */
export const NOT_A_CASSETTE = 'VCR_CLI_NOT_A_CASSETTE'

export function isNotACassette(error: unknown): boolean {
  return error instanceof CliError && error.code === NOT_A_CASSETTE
}

class NotACassetteError extends CliError {
  constructor(path: string) {
    super(
      NOT_A_CASSETTE,
      `${path} is not a cassette: it has neither \`interactions\` (vcrpy, vcrjs), \`http_interactions\` (Ruby VCR) nor a HAR \`log\`. Name a cassette file or a folder holding cassettes.`,
      EXIT.failure,
    )
  }
}

/** A cassette that cannot be read; the message names the file and the problem. */
class UnreadableCassetteError extends CliError {
  constructor(path: string, problem: string, options?: ErrorOptions) {
    super('VCR_CLI_UNREADABLE', `${path}: ${problem}`, EXIT.failure, options)
  }
}

/**
 * Reads a cassette through the core's persister and serializers (so it is
 * read exactly as a test run reads it), telling its format from its content:
 * JSON or YAML by the first character, vcrpy or Ruby VCR by its shape.
 */
export async function readCassetteFile(path: string): Promise<CassetteFile> {
  let text = ''
  let syntax = 'yaml' as 'json' | 'yaml'
  const sniffing: Serializer = {
    // An internal invariant, not a user's error: loadCassette never serializes.
    serialize: () => {
      throw new Error('the sniffing serializer only reads')
    },
    deserialize(fileText) {
      text = fileText
      syntax = /^\s*[{[]/.test(fileText) ? 'json' : 'yaml'
      return (syntax === 'json' ? jsonSerializer : yamlSerializer).deserialize(fileText)
    },
  }
  let data: unknown
  try {
    data = await filesystemPersister.loadCassette(path, sniffing)
  } catch (error) {
    // A tsconfig.json with comments is no broken cassette: only text that names a cassette's keys is one.
    if (text !== '' && !/interactions|"entries"/.test(text)) throw new NotACassetteError(path)
    throw new UnreadableCassetteError(path, problemOf(error), { cause: error })
  }
  const loadedVersion = typeof data === 'object' && data !== null ? (data as Record<symbol, unknown>)[STORED_VERSION] : undefined
  if (isHar(data)) {
    try {
      const { interactions, extras, notes } = harToInteractions(data)
      return { path, text, format: 'har', interactions, extras, notes, loadedVersion }
    } catch (error) {
      throw new UnreadableCassetteError(path, problemOf(error), { cause: error })
    }
  }
  if (!isCassetteShaped(data)) throw new NotACassetteError(path)
  const top = data as Record<string, unknown>
  const ruby = 'http_interactions' in top
  let interactions: Interaction[]
  try {
    interactions = interactionsFromData(data)
    // The core's JSON reader parses a response when it is first read: a command reads them all, so a broken one fails here, named.
    for (const interaction of interactions) void interaction.response
  } catch (error) {
    throw new UnreadableCassetteError(path, problemOf(error), { cause: error })
  }
  const rawItems = (ruby ? top.http_interactions : top.interactions) as unknown[] | null | undefined
  const extras = interactions.map((_, i) => extrasOf(rawItems?.[i]))
  const format: FileFormat = ruby ? (syntax === 'json' ? 'ruby-json' : 'ruby-yaml') : syntax
  const recordedWith = typeof top.recorded_with === 'string' ? top.recorded_with : undefined
  return { path, text, format, interactions, extras, loadedVersion, ...(recordedWith === undefined ? {} : { recordedWith }) }
}

/** A list of interactions under vcrpy's or Ruby VCR's key, each holding a `request` (a test's sidecar JSON with an `interactions` list of its own is not a cassette). */
function isCassetteShaped(data: unknown): boolean {
  // vcrpy before 1.0 wrote a bare list; the core's reader says how to migrate it.
  if (Array.isArray(data)) return data.length > 0 && isMapping(data[0]) && 'request' in data[0]
  if (!isMapping(data)) return false
  const items = 'http_interactions' in data ? data.http_interactions : 'interactions' in data ? data.interactions : undefined
  if (items === null) return true
  if (!Array.isArray(items)) return false
  return items.length === 0 || (isMapping(items[0]) && 'request' in items[0])
}

function extrasOf(raw: unknown): Extras {
  const item = isMapping(raw) ? raw : {}
  const response = isMapping(item.response) ? item.response : {}
  return {
    interaction: Object.fromEntries(Object.entries(item).filter(([key]) => !INTERACTION_KEYS.has(key))),
    response: Object.fromEntries(Object.entries(response).filter(([key]) => !RESPONSE_KEYS.has(key))),
  }
}

const NO_EXTRAS: Extras = { interaction: {}, response: {} }

/** A streamed interaction: the core read chunk data from its `response.stream` key (which vcrpy and Ruby VCR ignore). */
export function isStreamed(interaction: Interaction): boolean {
  return interaction.response.chunks !== undefined
}

/** The text of `interactions` in `format`, through the core's writers. */
export function serializeCassette(
  format: FileFormat,
  interactions: readonly Interaction[],
  options: { extras?: readonly Extras[]; recordedWith?: string; now?: Date } = {},
): string {
  const extras = options.extras ?? []
  if (format === 'har') return `${JSON.stringify(interactionsToHar(interactions, extras), null, 2)}\n`
  if (format === 'yaml' || format === 'json') {
    if (format === 'json') assertJsonCanHold(interactions)
    const data = withExtras(interactionsToData(interactions), 'interactions', extras)
    return (format === 'json' ? jsonSerializer : yamlSerializer).serialize(data)
  }
  const data = withExtras(rubyCassetteData(interactions, options.now ?? new Date()), 'http_interactions', extras)
  if (options.recordedWith !== undefined) data.recorded_with = options.recordedWith
  return format === 'ruby-json' ? `${JSON.stringify(data)}\n` : `---\n${yamlSerializer.serialize(data)}`
}

/**
 * vcrpy's JSON serializer refuses a body that is not UTF-8 ("Does this HTTP
 * interaction contain binary data?"), so a vcrpy JSON cassette cannot hold one.
 */
function assertJsonCanHold(interactions: readonly Interaction[]): void {
  interactions.forEach(({ request, response }, i) => {
    for (const [where, body] of [
      ['request body', request.body],
      ['response body', response.body],
    ] as const) {
      if (body !== null && !isUtf8(body)) {
        throw new CannotHoldError(
          `interaction ${i} has a binary ${where} (${body.length} bytes, not UTF-8), which vcrpy's JSON format cannot hold (vcrpy refuses to write or read one). Convert to yaml or ruby-yaml instead, which keep the bytes exactly.`,
        )
      }
    }
  })
}

function withExtras(data: CassetteData, key: 'interactions' | 'http_interactions', extras: readonly Extras[]): CassetteData {
  const items = data[key] as Record<string, unknown>[]
  items.forEach((item, i) => {
    const extra = extras[i] ?? NO_EXTRAS
    Object.assign(item.response as Record<string, unknown>, extra.response)
    Object.assign(item, extra.interaction)
  })
  return data
}

/**
 * Writes through the core's filesystem persister: under the cassette's lock,
 * to a temporary file in the same folder renamed over the cassette, so the
 * file is the old one or the new one, never half of each. Given `readFrom`
 * (a file this command read and rewrites), it writes only if the file is
 * still the one read: a test run that saved it meanwhile keeps its work.
 */
export async function writeCassetteText(path: string, text: string, readFrom?: CassetteFile): Promise<void> {
  const asIs: Serializer = {
    serialize: () => text,
    // What is stored now is read only to be refused by merge below, whatever it holds.
    deserialize: () => null,
  }
  const options: SaveOptions | undefined = readFrom && {
    loadedVersion: readFrom.loadedVersion,
    merge: (stored) => {
      if (stored.state === 'unchanged') return {}
      throw new CassetteSaveError(path, 'it changed since vcrjs read it (another process, a test run perhaps, wrote it), so nothing was written; run the command again')
    },
  }
  await filesystemPersister.saveCassette(path, {}, asIs, options)
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
}

/** The core's own message without its "cannot load cassette <path>:" prefix, since the caller names the file. */
function problemOf(error: unknown): string {
  if (error instanceof CassetteFormatProblem) return error.message
  // A response the JSON reader parsed when it was read: worded as the load of the whole file words it.
  if (error instanceof VcrError && error.code === 'VCR_CASSETTE_SERIALIZATION') return `its content cannot be deserialized (${error.message})`
  if (error instanceof VcrError && error.code === 'VCR_CASSETTE_LOAD') {
    return error.message
      .replace(/^Cannot load cassette .*?: /, '')
      .replace(/ The file was left untouched;.*$/s, '')
      .replace(/\.$/, '')
  }
  if (error instanceof VcrError && error.code === 'VCR_CASSETTE_NOT_FOUND') return 'no such file'
  return error instanceof Error ? error.message : String(error)
}
