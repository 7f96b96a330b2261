import { utf8OrNull } from './body.js'
import { DEFERRED_RESPONSE } from './deferred-response.js'
import { VcrError } from './errors.js'
import { HttpHeaders } from './headers.js'
import type { Interaction } from './interaction.js'
import { Request } from './request.js'
import { Response, type ResponseInit } from './response.js'
import type { CassetteData } from './serializers/serializer.js'

/** The vcrpy cassette format version vcrjs reads and writes. */
export const CASSETTE_FORMAT_VERSION = 1

/**
 * Why a cassette's data cannot be read. Loading wraps it in `CassetteLoadError`,
 * which adds the file name; a caller of `interactionsFromData` meets it as is.
 */
export class CassetteFormatProblem extends VcrError {
  constructor(problem: string) {
    super('VCR_CASSETTE_FORMAT', problem)
    this.name = 'CassetteFormatProblem'
  }
}

/**
 * Reads deserialized cassette data, telling vcrpy's format (`interactions`,
 * `version: 1`) from Ruby VCR's (`http_interactions`) by its shape.
 */
export function interactionsFromData(data: unknown): Interaction[] {
  if (Array.isArray(data)) throw new CassetteFormatProblem(oldFormatMessage(data))
  if (data === null || data === undefined) return []
  if (typeof data !== 'object') throw new CassetteFormatProblem(`expected a mapping at the top level, found a ${typeof data}`)
  const top = data as Record<string, unknown>
  if ('http_interactions' in top) return list(top.http_interactions, 'http_interactions').map(fromRuby)
  if (!('interactions' in top)) {
    throw new CassetteFormatProblem('found neither `interactions` (vcrpy) nor `http_interactions` (Ruby VCR) at the top level')
  }
  // vcrpy never reads `version`; a cassette without one (written by hand or by another tool) is version 1.
  if (top.version !== undefined && top.version !== CASSETTE_FORMAT_VERSION) {
    throw new CassetteFormatProblem(
      `its format version is ${JSON.stringify(top.version ?? null)}; vcrjs reads version ${CASSETTE_FORMAT_VERSION}, the format of vcrpy 1.0 and later`,
    )
  }
  return list(top.interactions, 'interactions').map(fromVcrpy)
}

/**
 * What to do with a cassette from before either peer's current format: both
 * wrote a bare list of interactions. Ruby VCR 1.x's requests have a `uri`
 * (`!ruby/struct:VCR::Request`, read as plain data); vcrpy's before 1.0 have
 * `protocol`, `host`, `port` and `path` instead.
 */
function oldFormatMessage(data: unknown[]): string {
  const first: unknown = data[0]
  const request = typeof first === 'object' && first !== null ? (first as { request?: unknown }).request : undefined
  if (typeof request === 'object' && request !== null && 'uri' in request) {
    return "it is a Ruby VCR 1.x cassette (a bare list of VCR::HTTPInteraction); migrate it with Ruby VCR 2's `rake vcr:migrate_cassettes DIR=<folder>` (then it loads here) or delete it to record anew"
  }
  return "it is in vcrpy's pre-1.0 format (a bare list of interactions); convert it with `python -m vcr.migration <file>` or delete it to record anew"
}

/**
 * vcrpy's version 1 format, keys in the order vcrpy writes them. `dataOf`
 * builds one interaction's data: a caller that builds the list more than once
 * passes one that remembers it, since a body's text is as large as the body.
 */
export function interactionsToData(interactions: readonly Interaction[], dataOf: (interaction: Interaction) => unknown = interactionData): CassetteData {
  return { interactions: interactions.map(dataOf), version: CASSETTE_FORMAT_VERSION }
}

/** One interaction in vcrpy's version 1 format. */
export function interactionData(interaction: Interaction): Record<string, unknown> {
  return {
    request: {
      body: interaction.request.body === null ? null : bodyValue(interaction.request.body),
      headers: interaction.request.headers.toMultiMap(),
      method: interaction.request.method,
      uri: interaction.request.url,
    },
    response: {
      body: { string: bodyValue(interaction.response.body) },
      headers: interaction.response.headers.toMultiMap(),
      status: { code: interaction.response.status.code, message: interaction.response.status.message },
      ...streamValue(interaction.response),
    },
    ...(interaction.recordedAt ? { recorded_at: interaction.recordedAt.toISOString() } : {}),
  }
}

/**
 * How a streamed body arrived, under `response.stream`: a key vcrpy and Ruby
 * VCR ignore (vcrpy's stubs read only `status`, `headers` and `body.string`
 * of a response, vcr/stubs/__init__.py VCRHTTPResponse; Ruby VCR's
 * `Response.from_hash` only `status`, `headers`, `body`, `http_version` and
 * `adapter_metadata`, lib/vcr/structs.rb), so the body stays whole in `body`
 * and both replay it. `chunks` is one `[byte length, delay ms]` pair per
 * chunk, the delay since the chunk before (the first: since the head);
 * `head_ms` the wait for the head; `cut_short: true` when the client stopped
 * reading before the body ended.
 */
export function streamValue(response: Response): { stream?: Record<string, unknown> } {
  if (response.chunks === undefined) return {}
  return {
    stream: {
      ...(response.headDelayMs === undefined ? {} : { head_ms: Math.round(response.headDelayMs) }),
      chunks: response.chunks.map((chunk) => [chunk.size, Math.round(chunk.delayMs)]),
      ...(response.cutShort ? { cut_short: true } : {}),
    },
  }
}

function storedStream(raw: unknown, where: string): Pick<ResponseInit, 'chunks' | 'headDelayMs' | 'cutShort'> {
  if (raw === null || raw === undefined) return {}
  const stream = mapping(raw, where)
  const chunks = list(stream.chunks, `${where}.chunks`).map((pair, index) => {
    if (!Array.isArray(pair) || pair.length !== 2 || !isCount(pair[0]) || !isCount(pair[1])) {
      throw new CassetteFormatProblem(`${where}.chunks[${index}] should be a [byte length, delay ms] pair of non-negative numbers`)
    }
    return { size: pair[0], delayMs: pair[1] }
  })
  const head = stream.head_ms
  if (head !== undefined && !isCount(head)) throw new CassetteFormatProblem(`${where}.head_ms should be a non-negative number`)
  // The YAML readers keep plain words as text (YAML 1.1's booleans are the peers' strings), so `true` may arrive as either.
  return { chunks, headDelayMs: head, cutShort: stream.cut_short === true || stream.cut_short === 'true' }
}

function isCount(raw: unknown): raw is number {
  return typeof raw === 'number' && Number.isFinite(raw) && raw >= 0
}

/** Text when the bytes are UTF-8, the bytes themselves otherwise (YAML writes them as `!!binary`). */
function bodyValue(body: Uint8Array): string | Uint8Array {
  return utf8OrNull(body) ?? body
}

function fromVcrpy(raw: unknown, index: number): Interaction {
  const where = `interactions[${index}]`
  const item = mapping(raw, where)
  const request = mapping(item.request, `${where}.request`)
  return storedInteraction(
    new Request({
      method: string(request.method, `${where}.request.method`),
      url: string(request.uri, `${where}.request.uri`),
      headers: headers(request.headers, `${where}.request.headers`),
      body: decodeBody(body(request.body, `${where}.request.body`)),
    }),
    deferredOrStoredResponse(item, where),
    item.recorded_at,
  )
}

function fromRuby(raw: unknown, index: number): Interaction {
  const where = `http_interactions[${index}]`
  const item = mapping(raw, where)
  const request = mapping(item.request, `${where}.request`)
  const requestBody = decodeBody(body(request.body, `${where}.request.body`), rubyEncoding(request.body))
  return storedInteraction(
    new Request({
      method: string(request.method, `${where}.request.method`),
      url: string(request.uri, `${where}.request.uri`),
      headers: headers(request.headers, `${where}.request.headers`),
      // Ruby VCR writes an empty string for "no body".
      body: requestBody === null || requestBody.length === 0 ? null : requestBody,
    }),
    storedResponse(item.response, where, rubyEncoding),
    item.recorded_at,
  )
}

/** The `encoding` Ruby VCR wrote beside a body's `string` (not beside `base64_string`, whose bytes are exact). */
function rubyEncoding(rawBody: unknown): string | undefined {
  if (typeof rawBody !== 'object' || rawBody === null || 'base64_string' in rawBody) return undefined
  const encoding = (rawBody as { encoding?: unknown }).encoding
  return typeof encoding === 'string' ? encoding : undefined
}

/**
 * The bytes Ruby VCR hands its client for a body `{encoding, string}`
 * (Ruby VCR 6.x lib/vcr/structs.rb `try_encode_string`): the text, read as
 * UTF-8, is transcoded into `encoding`; `ASCII-8BIT` only relabels it; when a
 * character has no place in the encoding Ruby warns and keeps the UTF-8
 * bytes. Bytes (a `!binary` string) are never transcoded: Ruby cannot convert
 * binary to text either, and keeps them. Multi-byte encodings other than
 * UTF-8 (Shift_JIS, EUC-JP, GBK) are kept as UTF-8: Node has no encoder for
 * them (README, "Where the peers differ").
 */
function rubyBodyBytes(text: string, encoding: string): string | Uint8Array {
  const name = encoding.toLowerCase()
  // ISO-8859-1 is Latin-1 itself (the WHATWG decoder of that label is windows-1252's).
  if (name === 'iso-8859-1' || name === 'iso8859-1') return /^[\u0000-\u00ff]*$/.test(text) ? Buffer.from(text, 'latin1') : text
  const table = singleByteTable(name)
  if (table === undefined) return text
  const bytes = new Uint8Array(text.length)
  let length = 0
  for (const char of text) {
    const byte = table.get(char)
    if (byte === undefined) return text
    bytes[length++] = byte
  }
  return bytes.subarray(0, length)
}

// The single-byte encodings Ruby and the WHATWG decoders both know, by Ruby's name (lower case).
const SINGLE_BYTE = /^(?:windows-125[0-8]|iso-8859-(?:[2-9]|1[0-6])|koi8-[ru]|ibm866|macintosh)$/
const singleByteTables = new Map<string, Map<string, number>>()

// Node 20's windows-1252 decoder drops 0x80-0x9F, so that range is spelled out (the five bytes Windows-1252 leaves undefined, Ruby too).
const WINDOWS_1252_HIGH = '€\u0000‚ƒ„…†‡ˆ‰Š‹Œ\u0000Ž\u0000\u0000‘’“”•–—˜™š›œ\u0000žŸ'

/** Character → byte for a single-byte encoding, built once from the platform's decoder. */
function singleByteTable(name: string): Map<string, number> | undefined {
  if (!SINGLE_BYTE.test(name)) return undefined
  let table = singleByteTables.get(name)
  if (table === undefined) {
    table = new Map()
    const decoder = new TextDecoder(name, { fatal: true })
    for (let byte = 0; byte < 256; byte++) {
      let char: string
      if (name === 'windows-1252') char = byte >= 0x80 && byte < 0xa0 ? WINDOWS_1252_HIGH[byte - 0x80]! : String.fromCharCode(byte)
      else {
        try {
          char = decoder.decode(Uint8Array.of(byte))
        } catch {
          continue // a byte the encoding leaves undefined
        }
      }
      if (char.length === 1 && (char !== '\u0000' || byte === 0) && !table.has(char)) table.set(char, byte)
    }
    singleByteTables.set(name, table)
  }
  return table
}

/**
 * Checks a stored response now, so a broken cassette fails at load, and
 * returns what builds it. Building (decoding the body into bytes, the headers
 * into `HttpHeaders`) waits until the response is played or inspected: most
 * interactions of a large cassette are never played in a given run, and
 * loading stays fast and small.
 */
function storedResponse(raw: unknown, where: string, encodingOf: (rawBody: unknown) => string | undefined = () => undefined): () => Response {
  const response = mapping(raw, `${where}.response`)
  // vcrpy 4.1 to 5.1's httpx stub wrote `status_code` and `content` (the decoded body); vcrpy 6+ still reads it.
  const oldHttpx = !('status' in response) && 'status_code' in response
  const status = oldHttpx ? { code: response.status_code } : mapping(response.status, `${where}.response.status`)
  const code = statusCode(status.code, `${where}.response.${oldHttpx ? 'status_code' : 'status.code'}`)
  const message = optionalString(status.message)
  // Checked now, turned into pairs when built: a loaded cassette would otherwise hold a list of pairs per response.
  const rawHeaders = response.headers
  checkHeaders(rawHeaders, `${where}.response.headers`)
  const rawBody = oldHttpx ? body(response.content, `${where}.response.content`) : body(response.body, `${where}.response.body`)
  const encoding = encodingOf(response.body)
  const stream = storedStream(response.stream, `${where}.response.stream`)
  return () => new Response({ ...stream, status: { code, message }, headers: headers(rawHeaders, ''), body: decodeBody(rawBody, encoding) ?? '' })
}

/** A reader that defers parsing the response (json-reader.ts) has its checks wait for it too. */
function deferredOrStoredResponse(item: Record<string | symbol, unknown>, where: string): () => Response {
  const read = item[DEFERRED_RESPONSE]
  if (typeof read !== 'function') return storedResponse(item.response, where)
  return () => storedResponse(read(), where)()
}

/** An interaction whose response is built on first access, then kept. */
class StoredInteraction implements Interaction {
  readonly request: Request
  declare readonly recordedAt?: Date
  #buildResponse: (() => Response) | undefined
  #response: Response | undefined

  constructor(request: Request, buildResponse: () => Response, recordedAt: Date | undefined) {
    this.request = request
    this.#buildResponse = buildResponse
    if (recordedAt !== undefined) (this as { recordedAt?: Date }).recordedAt = recordedAt
  }

  get response(): Response {
    if (this.#response === undefined) {
      this.#response = this.#buildResponse!()
      this.#buildResponse = undefined
    }
    return this.#response
  }
}

function storedInteraction(request: Request, buildResponse: () => Response, rawRecordedAt: unknown): Interaction {
  return new StoredInteraction(request, buildResponse, recordedAt(rawRecordedAt).recordedAt)
}

/**
 * A body in any of the spellings the peers write: a string or bytes (vcrpy's
 * request), `{string}` (vcrpy's response, Ruby), `{base64_string}` (Ruby, and
 * our JSON for binary bodies), `{encoding, string}` where `string` may be `!binary`.
 * Checked here; `decodeBody` turns it into what `Request`/`Response` take.
 */
type BodySpelling = string | Uint8Array | { base64: string } | null

function body(raw: unknown, where: string): BodySpelling {
  if (raw === null || raw === undefined) return null
  if (typeof raw === 'string' || raw instanceof Uint8Array) return raw
  // A plain decimal in YAML (`string: 200`) is the text written there.
  if (typeof raw === 'number') return String(raw)
  const spelled = mapping(raw, where)
  if (typeof spelled.base64_string === 'string') return { base64: spelled.base64_string }
  if (typeof spelled.string === 'number') return String(spelled.string)
  if (typeof spelled.string === 'string' || spelled.string instanceof Uint8Array) return spelled.string
  if (spelled.string === null || spelled.string === undefined) return null
  // vcrjs's JSON serializer used to write a binary response body as `{string: {base64_string}}`.
  const nested = spelled.string
  if (typeof nested === 'object' && !Array.isArray(nested) && typeof (nested as { base64_string?: unknown }).base64_string === 'string') {
    return { base64: (nested as { base64_string: string }).base64_string }
  }
  throw new CassetteFormatProblem(`${where} is neither text, bytes, {string} nor {base64_string}`)
}

function decodeBody(spelled: BodySpelling, rubyEncoding?: string): Uint8Array | string | null {
  if (spelled !== null && typeof spelled === 'object' && !(spelled instanceof Uint8Array)) return Buffer.from(spelled.base64, 'base64')
  return typeof spelled === 'string' && rubyEncoding !== undefined ? rubyBodyBytes(spelled, rubyEncoding) : spelled
}

function headers(raw: unknown, where: string): HttpHeaders {
  const out = new HttpHeaders()
  for (const [name, values] of headersList(raw, where)) {
    for (const value of Array.isArray(values) ? values : [values]) {
      if (value === null || value === undefined) continue
      // botocore hands vcrpy bytes for some request headers, which PyYAML writes as `!!binary`; HTTP reads header bytes as latin1.
      out.append(name, typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : String(value))
    }
  }
  return out
}

/** Fails as `headersList` would, without building the pairs of a mapping. */
function checkHeaders(raw: unknown, where: string): void {
  if (Array.isArray(raw)) headersList(raw, where)
  else if (raw !== null && raw !== undefined) mapping(raw, where)
}

/**
 * Headers as `[name, value or values]` pairs: a mapping (every peer today),
 * or a list of pairs, which vcrpy's tornado stub wrote as `!!python/tuple`s.
 */
function headersList(raw: unknown, where: string): (readonly [string, unknown])[] {
  if (raw === null || raw === undefined) return []
  if (Array.isArray(raw)) {
    return raw.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new CassetteFormatProblem(`${where}[${i}] should be a [name, values] pair`)
      return [String(pair[0]), pair[1]] as const
    })
  }
  return Object.entries(mapping(raw, where))
}

function recordedAt(raw: unknown): { recordedAt?: Date } {
  if (raw === null || raw === undefined) return {}
  const date = raw instanceof Date ? raw : new Date(String(raw))
  return Number.isNaN(date.getTime()) ? {} : { recordedAt: date }
}

function mapping(raw: unknown, where: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Uint8Array) {
    throw new CassetteFormatProblem(`${where} should be a mapping`)
  }
  return raw as Record<string, unknown>
}

function list(raw: unknown, where: string): unknown[] {
  if (raw === null || raw === undefined) return []
  if (!Array.isArray(raw)) throw new CassetteFormatProblem(`${where} should be a list`)
  return raw
}

function string(raw: unknown, where: string): string {
  if (typeof raw !== 'string' || raw === '') throw new CassetteFormatProblem(`${where} should be a non-empty string`)
  return raw
}

function optionalString(raw: unknown): string | undefined {
  return raw === null || raw === undefined ? undefined : String(raw)
}

function statusCode(raw: unknown, where: string): number {
  const code = typeof raw === 'string' ? Number(raw) : raw
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 999) {
    throw new CassetteFormatProblem(`${where} should be an HTTP status code, found ${JSON.stringify(raw)}`)
  }
  return code
}
