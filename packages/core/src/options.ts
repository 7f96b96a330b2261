import { InvalidOptionError } from './errors.js'
import { type FilterSpec, RequestFilters, ResponseHeaderFilters } from './filters.js'
import { DEFAULT_MATCH_ON, type MatcherDefinition, type MatcherFunction, type MatcherRegistry, type ResolvedMatcher } from './matchers.js'
import type { Persister } from './persisters/persister.js'
import { assertRecordMode, type RecordMode } from './record-mode.js'
import type { Request } from './request.js'
import type { Response } from './response.js'
import { type CredentialNames, DEFAULT_CREDENTIAL_NAMES } from './secrets/redact.js'
import { type SensitiveData, SensitiveDataFilter } from './sensitive-data.js'
import type { Serializer } from './serializers/serializer.js'

/** Rewrites a request before it is matched and recorded; `null` leaves it unrecorded (it goes to the network). */
export type BeforeRecordRequest = (request: Request) => Request | null
/** Rewrites a response before it is recorded; `null` skips recording the interaction. */
export type BeforeRecordResponse = (response: Response, request: Request) => Response | null

export const SECRET_SCAN_MODES = ['error', 'warn', 'off'] as const
export type SecretScan = (typeof SECRET_SCAN_MODES)[number]

/** Options that may be set on the VCR and overridden per cassette. Names are vcrpy's (and Ruby VCR's), in camelCase. */
export interface CassetteOptions {
  /**
   * When to replay and when to record; see `RECORD_MODES`. The `VCR_RECORD_MODE`
   * environment variable overrides it everywhere.
   * @default 'once'
   * @example { recordMode: 'new_episodes' }
   */
  recordMode?: RecordMode
  /**
   * Names of the matchers that must all agree for a recorded request to answer a live one:
   * built-ins (`BUILT_IN_MATCHERS`), names given to `registerMatcher`, and names in `matchers`.
   * Every built-in is indexed, `body` and `headers` included: a lookup is one `Map` get.
   * @default ['method', 'scheme', 'host', 'port', 'path', 'query']
   * @example { matchOn: ['method', 'uri', 'body'] }
   */
  matchOn?: readonly string[]
  /**
   * vcrpy's `additional_matchers`: names appended to `matchOn` (the default one if not set).
   * @default []
   * @example { additionalMatchers: ['body'] }
   */
  additionalMatchers?: readonly string[]
  /**
   * Named matchers, usable in `matchOn` and `additionalMatchers` of the same options: a function
   * `(r1, r2) => boolean` (return false or throw with the reason), or `{ match, key }` where
   * `key(request)` is equal for any two requests `match` accepts, so lookups stay indexed.
   * Per-cassette ones are added to the VCR's.
   * @default {}
   * @example { matchers: { operation: { match: (r1, r2) => op(r1) === op(r2), key: op } }, matchOn: ['method', 'uri', 'operation'] }
   */
  matchers?: Readonly<Record<string, MatcherFunction | MatcherDefinition>>
  /**
   * The cassette file format: 'yaml' (vcrpy's), 'json' (vcrpy's JSON), 'ruby-yaml'
   * (Ruby VCR's `http_interactions`), or a name given to `registerSerializer`.
   * A Ruby VCR cassette loads under 'yaml' too: the format is told from its shape.
   * @default 'yaml'
   * @example { serializer: 'ruby-yaml' }
   */
  serializer?: string
  /**
   * Let a recorded interaction answer again once every match has played (the last match repeats).
   * @default false
   * @example { allowPlaybackRepeats: true }
   */
  allowPlaybackRepeats?: boolean
  /**
   * Request headers to remove (a name) or replace (`[name, replacement]`) before matching and recording.
   * @default []
   * @example { filterHeaders: ['authorization', ['x-api-key', 'REDACTED']] }
   */
  filterHeaders?: readonly FilterSpec[]
  /**
   * Query parameters to remove or replace before matching and recording.
   * @default []
   * @example { filterQueryParameters: ['api_key'] }
   */
  filterQueryParameters?: readonly FilterSpec[]
  /**
   * Form or JSON body fields to remove or replace before matching and recording; Content-Length follows.
   * @default []
   * @example { filterPostDataParameters: [['password', '<PASSWORD>']] }
   */
  filterPostDataParameters?: readonly FilterSpec[]
  /**
   * Response headers to remove or replace before recording (vcrpy filters request headers only).
   * @default []
   * @example { filterResponseHeaders: ['set-cookie'] }
   */
  filterResponseHeaders?: readonly FilterSpec[]
  /**
   * Filter the standard credential request headers (Authorization, Proxy-Authorization, Cookie,
   * X-Api-Key, ...) and query parameters (access_token, api_key, client_secret, ...) without
   * configuration: each value is replaced by `<FILTERED>` before matching and recording, on top
   * of `filterHeaders` and `filterQueryParameters` (which win for a name they list). The lists
   * are in the README's "Secrets" section.
   * @default true
   * @example { filterDefaults: false }
   */
  filterDefaults?: boolean
  /**
   * Scan a cassette about to be saved for credentials of known formats (GitHub, AWS, OpenAI,
   * Anthropic, Stripe live, Slack, Google API keys, JWTs, private keys, URL userinfo, Bearer and
   * Basic credentials in headers). `'error'` refuses to save with `SecretInCassetteError`,
   * leaving the file as it was; `'warn'` saves and emits one process warning
   * (`VCR_SECRET_IN_CASSETTE`) per cassette; `'off'` skips the scan.
   * @default 'error'
   * @example { secretScan: 'warn' }
   */
  secretScan?: SecretScan
  /**
   * Ruby VCR's `filter_sensitive_data`: each secret is written as its placeholder everywhere
   * in the interaction, and the placeholder turned back into the live secret on playback.
   * @default {}
   * @example { sensitiveData: { '<TOKEN>': (request) => request.headers.get('authorization') } }
   */
  sensitiveData?: SensitiveData
  /**
   * Rewrites each request before matching and recording; `null` lets it through unrecorded.
   * @default []
   * @example { beforeRecordRequest: (request) => (request.path === '/health' ? null : request) }
   */
  beforeRecordRequest?: BeforeRecordRequest | readonly BeforeRecordRequest[]
  /**
   * Rewrites each response before recording; `null` skips recording that interaction.
   * @default []
   * @example { beforeRecordResponse: (response) => (response.status.code >= 500 ? null : response) }
   */
  beforeRecordResponse?: BeforeRecordResponse | readonly BeforeRecordResponse[]
  /**
   * Decode gzip, deflate, br (and zstd where Node has it) bodies before saving; drops
   * `Content-Encoding` and corrects `Content-Length`, so the cassette is readable.
   * @default false
   * @example { decodeCompressedResponse: true }
   */
  decodeCompressedResponse?: boolean
  /**
   * Hosts whose requests always go to the network, in every mode, and are never recorded.
   * @default []
   * @example { ignoreHosts: ['telemetry.internal'] }
   */
  ignoreHosts?: readonly string[]
  /**
   * Treat localhost, 127.0.0.1, ::1 and 0.0.0.0 as ignored hosts.
   * @default false
   * @example { ignoreLocalhost: true }
   */
  ignoreLocalhost?: boolean
  /**
   * Save only the interactions this run played or recorded, dropping the rest.
   * @default false
   * @example { recordMode: 'new_episodes', dropUnusedRequests: true }
   */
  dropUnusedRequests?: boolean
  /**
   * When false, ejecting a cassette whose recorded interactions were not all played raises
   * `UnusedInteractionsError` (unless the test itself failed). Ruby VCR's option.
   * @default true
   * @example { allowUnusedInteractions: false }
   */
  allowUnusedInteractions?: boolean
  /**
   * Milliseconds after which a recorded interaction is stale: it is not played but recorded
   * anew (also in 'once'), and dropped from the file. Ruby VCR's `re_record_interval`.
   * @default undefined (never stale)
   * @example { reRecordInterval: 7 * 24 * 3600 * 1000 }
   */
  reRecordInterval?: number
  /**
   * Save what was recorded even when the function given to `useCassette` throws.
   * @default true
   * @example { recordOnException: false }
   */
  recordOnException?: boolean
  /**
   * Rewrites every cassette path before it is resolved, e.g. to add a suffix.
   * @default undefined
   * @example { pathTransformer: VCR.ensureSuffix('.yaml') }
   */
  pathTransformer?: (path: string) => string
  /**
   * Names the cassette of `vcr.withCassette(fn)` when no path is given, from the test function
   * and the arguments the runner passed it. The default is `<test file name>/<describe titles>/<test title>.yaml`
   * (`.json` with the json serializer), each part made a portable file name, from vitest's test context,
   * node:test's `t` or the current Jest test (under `@vcrjs/jest/environment`); else the function's name.
   * @default `<test file name>/<describe titles>/<test title>.yaml`
   * @example { funcPathGenerator: (fn) => `cassettes/${fn.name}.yaml` }
   */
  funcPathGenerator?: (fn: (...args: never[]) => unknown, args: readonly unknown[]) => string
  /**
   * How a recorded streamed body replays: chunk by chunk always, with no waits
   * ('instant'), the waits recorded before the head and between chunks
   * ('recorded'), or those waits divided by `speed`. A response recorded
   * without chunk data (vcrpy, Ruby VCR, an older vcrjs) replays as one chunk.
   * @default 'instant'
   * @example { replayTiming: { speed: 10 } }
   */
  replayTiming?: ReplayTiming
}

/** The named `replayTiming` values; `{ speed: n }` is the third form. */
export const REPLAY_TIMINGS = ['instant', 'recorded'] as const
export type ReplayTiming = (typeof REPLAY_TIMINGS)[number] | { speed: number }

export interface VcrOptions extends CassetteOptions {
  /**
   * The folder relative cassette paths resolve against.
   * @default process.cwd()
   * @example { cassetteLibraryDir: 'fixtures/cassettes' }
   */
  cassetteLibraryDir?: string
}

const CASSETTE_OPTION_NAMES = [
  'recordMode',
  'matchOn',
  'additionalMatchers',
  'matchers',
  'serializer',
  'allowPlaybackRepeats',
  'filterHeaders',
  'filterQueryParameters',
  'filterPostDataParameters',
  'filterResponseHeaders',
  'filterDefaults',
  'secretScan',
  'sensitiveData',
  'beforeRecordRequest',
  'beforeRecordResponse',
  'decodeCompressedResponse',
  'ignoreHosts',
  'ignoreLocalhost',
  'dropUnusedRequests',
  'allowUnusedInteractions',
  'reRecordInterval',
  'recordOnException',
  'pathTransformer',
  'funcPathGenerator',
  'replayTiming',
] as const satisfies readonly (keyof CassetteOptions)[]
const VCR_OPTION_NAMES = [...CASSETTE_OPTION_NAMES, 'cassetteLibraryDir'] as const

const LOCALHOST = ['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']

/** What a cassette runs with once the VCR's options and the overrides are merged and checked. */
export interface NormalizedCassetteOptions {
  readonly recordMode: RecordMode
  readonly matchers: readonly ResolvedMatcher[]
  readonly serializerName: string
  readonly serializer: Serializer
  readonly persister: Persister
  readonly allowPlaybackRepeats: boolean
  readonly requestFilters: RequestFilters
  readonly responseHeaderFilters: ResponseHeaderFilters
  readonly sensitiveData: SensitiveDataFilter
  readonly secretScan: SecretScan
  /** Names whose values no message prints: the default credential names (even with `filterDefaults: false`) and the user's filters. */
  readonly credentialNames: CredentialNames
  readonly beforeRecordRequest: readonly BeforeRecordRequest[]
  readonly beforeRecordResponse: readonly BeforeRecordResponse[]
  readonly decodeCompressedResponse: boolean
  /** Lower-case host names whose requests bypass the cassette. */
  readonly ignoredHosts: ReadonlySet<string>
  readonly dropUnusedRequests: boolean
  readonly allowUnusedInteractions: boolean
  readonly reRecordInterval: number | undefined
  readonly recordOnException: boolean
  /** What the recorded waits are divided by on replay; `undefined` for 'instant' (no waits). */
  readonly replaySpeed: number | undefined
}

export function assertKnownOptions(options: object, where: 'VCR' | 'cassette'): void {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', `${where} options must be an object`)
  const known: readonly string[] = where === 'VCR' ? VCR_OPTION_NAMES : CASSETTE_OPTION_NAMES
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      const camel = name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())
      const hint = camel !== name && known.includes(camel) ? ` Did you mean '${camel}'? vcrjs spells vcrpy's options in camelCase.` : ''
      throw new InvalidOptionError(name, `Unknown ${where} option '${name}'.${hint} Known options: ${known.join(', ')}.`)
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
  for (const name of ['filterDefaults', 'allowPlaybackRepeats', 'decodeCompressedResponse', 'ignoreLocalhost', 'dropUnusedRequests', 'allowUnusedInteractions', 'recordOnException'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') throw new InvalidOptionError(name, `${name} must be true or false`)
  }
  for (const name of ['filterHeaders', 'filterQueryParameters', 'filterPostDataParameters', 'filterResponseHeaders', 'ignoreHosts'] as const) {
    if (options[name] !== undefined && !Array.isArray(options[name])) {
      throw new InvalidOptionError(name, `${name} must be an array, e.g. ${name}: ['authorization'] or [['authorization', 'REDACTED']]`)
    }
  }
  const secretScan = options.secretScan ?? 'error'
  if (!SECRET_SCAN_MODES.includes(secretScan)) {
    throw new InvalidOptionError('secretScan', `secretScan must be one of ${SECRET_SCAN_MODES.map((mode) => `'${mode}'`).join(', ')}; got ${JSON.stringify(secretScan)}`)
  }
  const interval = options.reRecordInterval
  if (interval !== undefined && !(typeof interval === 'number' && interval > 0)) {
    throw new InvalidOptionError('reRecordInterval', 'reRecordInterval must be a positive number of milliseconds')
  }
  const environmentMode = process.env.VCR_RECORD_MODE
  const ignoredHosts = new Set((options.ignoreHosts ?? []).map((host) => host.toLowerCase()))
  if (options.ignoreLocalhost) for (const host of LOCALHOST) ignoredHosts.add(host)
  return {
    recordMode: environmentMode ? assertRecordMode(environmentMode, 'VCR_RECORD_MODE') : assertRecordMode(options.recordMode ?? 'once'),
    matchers: resolveMatchers(registries.matchers.with(options.matchers), options),
    serializerName,
    serializer,
    persister: registries.persister,
    allowPlaybackRepeats: options.allowPlaybackRepeats ?? false,
    requestFilters: new RequestFilters(options),
    responseHeaderFilters: new ResponseHeaderFilters(options.filterResponseHeaders),
    sensitiveData: new SensitiveDataFilter(options.sensitiveData),
    secretScan,
    credentialNames: {
      headers: [...DEFAULT_CREDENTIAL_NAMES.headers, ...filterNames(options.filterHeaders)],
      query: [...DEFAULT_CREDENTIAL_NAMES.query, ...filterNames(options.filterQueryParameters)],
    },
    beforeRecordRequest: list(options.beforeRecordRequest, 'beforeRecordRequest'),
    beforeRecordResponse: list(options.beforeRecordResponse, 'beforeRecordResponse'),
    decodeCompressedResponse: options.decodeCompressedResponse ?? false,
    ignoredHosts,
    dropUnusedRequests: options.dropUnusedRequests ?? false,
    allowUnusedInteractions: options.allowUnusedInteractions ?? true,
    reRecordInterval: interval,
    recordOnException: options.recordOnException ?? true,
    replaySpeed: replaySpeed(options.replayTiming),
  }
}

function replaySpeed(timing: ReplayTiming | undefined): number | undefined {
  if (timing === undefined || timing === 'instant') return undefined
  if (timing === 'recorded') return 1
  const speed = typeof timing === 'object' && timing !== null ? (timing as { speed?: unknown }).speed : undefined
  if (typeof speed === 'number' && Number.isFinite(speed) && speed > 0) return speed
  throw new InvalidOptionError(
    'replayTiming',
    `replayTiming must be 'instant', 'recorded' or { speed: n } with n a positive number (2 replays twice as fast as recorded), got ${describe(timing)}`,
  )
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** `matchOn`, then the `additionalMatchers` not already in it. */
function resolveMatchers(registry: MatcherRegistry, options: CassetteOptions): readonly ResolvedMatcher[] {
  const matchOn = registry.resolve(options.matchOn ?? DEFAULT_MATCH_ON, 'matchOn')
  if (options.additionalMatchers === undefined) return matchOn
  const additional = registry.resolve(options.additionalMatchers, 'additionalMatchers')
  return [...matchOn, ...additional.filter((matcher) => !matchOn.some((m) => m.name === matcher.name))]
}

function filterNames(specs: readonly FilterSpec[] | undefined): string[] {
  return (specs ?? []).map((spec) => (typeof spec === 'string' ? spec : spec[0]))
}

function list<T>(value: T | readonly T[] | undefined, name: string): readonly T[] {
  const hooks = value === undefined ? [] : Array.isArray(value) ? value : [value as T]
  if (hooks.some((hook) => typeof hook !== 'function')) throw new InvalidOptionError(name, `${name} must be a function or a list of functions`)
  return hooks
}
