import { InvalidOptionError } from './errors.js'
import { DEFAULT_MATCH_ON, type MatcherRegistry, type ResolvedMatcher } from './matchers.js'
import type { Persister } from './persisters/persister.js'
import { assertRecordMode, type RecordMode } from './record-mode.js'
import type { Serializer } from './serializers/serializer.js'

/** Options that may be set on the VCR and overridden per cassette. Names are vcrpy's, in camelCase. */
export interface CassetteOptions {
  /**
   * When to replay and when to record; see `RECORD_MODES`.
   * @default 'once'
   * @example { recordMode: 'new_episodes' }
   */
  recordMode?: RecordMode
  /**
   * Names of the matchers that must all agree for a recorded request to answer a live one.
   * @default ['method', 'scheme', 'host', 'port', 'path', 'query']
   * @example { matchOn: ['method', 'uri', 'body'] }
   */
  matchOn?: readonly string[]
  /**
   * The cassette file format: 'yaml', 'json', or a name given to `registerSerializer`.
   * @default 'yaml'
   * @example { serializer: 'json' }
   */
  serializer?: string
  /**
   * Let a recorded interaction answer again once every match has played (the last match repeats).
   * @default false
   * @example { allowPlaybackRepeats: true }
   */
  allowPlaybackRepeats?: boolean
}

export interface VcrOptions extends CassetteOptions {
  /**
   * The folder relative cassette paths resolve against.
   * @default process.cwd()
   * @example { cassetteLibraryDir: 'fixtures/cassettes' }
   */
  cassetteLibraryDir?: string
}

const CASSETTE_OPTION_NAMES = ['recordMode', 'matchOn', 'serializer', 'allowPlaybackRepeats'] as const
const VCR_OPTION_NAMES = [...CASSETTE_OPTION_NAMES, 'cassetteLibraryDir'] as const

/** What a cassette runs with once the VCR's options and the overrides are merged and checked. */
export interface NormalizedCassetteOptions {
  readonly recordMode: RecordMode
  readonly matchers: readonly ResolvedMatcher[]
  readonly serializerName: string
  readonly serializer: Serializer
  readonly allowPlaybackRepeats: boolean
  readonly persister: Persister
}

export function assertKnownOptions(options: object, where: 'VCR' | 'cassette'): void {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', `${where} options must be an object`)
  const known: readonly string[] = where === 'VCR' ? VCR_OPTION_NAMES : CASSETTE_OPTION_NAMES
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new InvalidOptionError(name, `Unknown ${where} option '${name}'. Known options: ${known.join(', ')}.`)
    }
  }
}

export function normalizeCassetteOptions(
  options: CassetteOptions,
  registries: { matchers: MatcherRegistry; serializers: ReadonlyMap<string, Serializer>; persister: Persister },
): NormalizedCassetteOptions {
  const serializerName = options.serializer ?? 'yaml'
  const serializer = registries.serializers.get(serializerName)
  if (!serializer) {
    throw new InvalidOptionError(
      'serializer',
      `Unknown serializer '${serializerName}'. Known serializers: ${[...registries.serializers.keys()].join(', ')}. Register your own with vcr.registerSerializer('${serializerName}', { serialize, deserialize }).`,
    )
  }
  if (options.allowPlaybackRepeats !== undefined && typeof options.allowPlaybackRepeats !== 'boolean') {
    throw new InvalidOptionError('allowPlaybackRepeats', 'allowPlaybackRepeats must be true or false')
  }
  return {
    recordMode: assertRecordMode(options.recordMode ?? 'once'),
    matchers: registries.matchers.resolve(options.matchOn ?? DEFAULT_MATCH_ON),
    serializerName,
    serializer,
    allowPlaybackRepeats: options.allowPlaybackRepeats ?? false,
    persister: registries.persister,
  }
}
