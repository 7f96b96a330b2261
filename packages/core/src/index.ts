export { VCR, type CassettePath } from './vcr.js'
export { Cassette } from './cassette.js'
// The adapter contract lives in '@vcrjs/core/adapter'; this buffered handleRequest stays for code written against 0.1.
export { handleRequest, type HandleRequestOptions } from './handle-request.js'
export type { SendReal } from './streamed-response.js'
export type { AdapterOptions } from './adapter-options.js'
export { currentCassette } from './context.js'
export { Request, type RequestInit, DEFAULT_PORTS, redactUrl } from './request.js'
export { Response, type ResponseInit } from './response.js'
export { HttpHeaders, type HeaderEntry, type HeadersInput } from './headers.js'
export type { BodyInput } from './body.js'
export type { Interaction } from './interaction.js'
export { RECORD_MODES, type RecordMode } from './record-mode.js'
export {
  BUILT_IN_MATCHERS,
  DEFAULT_MATCH_ON,
  type BuiltInMatcherName,
  type MatcherFunction,
  type MatcherKey,
  type MatcherDefinition,
  type MatcherOptions,
} from './matchers.js'
export { REPLAY_TIMINGS, type ReplayTiming, type CassetteOptions, type VcrOptions, type BeforeRecordRequest, type BeforeRecordResponse, type SecretScan } from './options.js'
export { findSecrets, findSecretsInHeader } from './secrets/detect.js'
export { scanInteractions, type SecretFinding } from './secrets/scan.js'
export type { FilterSpec, FilterReplacement } from './filters.js'
export type { SensitiveData } from './sensitive-data.js'
export type { Serializer, CassetteData } from './serializers/serializer.js'
export type { Persister, SaveOptions, StoredCassette } from './persisters/persister.js'
export { MemoryPersister } from './persisters/memory.js'
export { CASSETTE_FORMAT_VERSION } from './cassette-format.js'
export {
  VcrError,
  CannotOverwriteExistingCassetteError,
  type ClosestRequest,
  CassetteLoadError,
  CassetteSaveError,
  CassetteSerializationError,
  CassetteNotFoundError,
  CassetteEjectedError,
  InvalidOptionError,
  UnusedInteractionsError,
  NoCassetteError,
  UnsupportedRequestError,
  SecretInCassetteError,
  GlobalFetchNotRoutedError,
  ConcurrentTestsError,
} from './errors.js'

// For tools that read and rewrite cassette files outside a test run (the
// `vcrjs` command): the same reader, writers, filters and atomic save a
// cassette goes through when it is recorded.
export { interactionsFromData, interactionsToData, CassetteFormatProblem } from './cassette-format.js'
export { yamlSerializer } from './serializers/yaml.js'
export { jsonSerializer } from './serializers/json.js'
export { rubyYamlSerializer, rubyCassetteData } from './serializers/ruby-yaml.js'
export { filesystemPersister } from './persisters/filesystem.js'
export { RequestFilters, ResponseHeaderFilters } from './filters.js'
export { SensitiveDataFilter } from './sensitive-data.js'
export { decodeCompressedResponse } from './decode-compressed.js'
