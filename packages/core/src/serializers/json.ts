import { randomBytes } from 'node:crypto'
import { CassetteSerializationError } from '../errors.js'
import { readEmittedJson } from './json-reader.js'
import { parseFailure } from './parse-failure.js'
import type { CassetteData, Serializer } from './serializer.js'

/**
 * vcrpy's JSON serializer: four-space indent and a final newline. JSON has no
 * binary type, so a body that is not UTF-8 is written as `{"base64_string": ...}`,
 * the spelling Ruby VCR uses, which vcrjs reads back; vcrpy itself refuses to
 * write such a body to JSON. What this serializer wrote (and vcrpy's, laid
 * out the same) is read by json-reader.ts, which parses a response when it is first read.
 */
export const jsonSerializer: Serializer = {
  serialize(data: CassetteData): string {
    return [...jsonPieces(data)].join('')
  },
  serializePieces: jsonPieces,
  deserialize(text: string): unknown {
    const emitted = readEmittedJson(text)
    if (emitted) return emitted.value
    try {
      return JSON.parse(text)
    } catch (error) {
      throw parseFailure('JSON', error)
    }
  },
}

/** How long a piece of the text is, in characters; also the window a large string is escaped in. */
const PIECE_CHARS = 1 << 20

/**
 * The text in pieces: `JSON.stringify` writes everything but the strings
 * longer than a piece (bodies) and the base64 of bytes longer than that,
 * which stand in it as numbered placeholders and are escaped window by
 * window where they stand. The placeholders carry a random nonce, so no
 * string of the data can pass for one.
 */
function* jsonPieces(data: CassetteData): Generator<string> {
  const large: (string | Uint8Array)[] = []
  const nonce = randomBytes(8).toString('hex')
  const placeholder = (value: string | Uint8Array) => `\u0000vcrjs-large-${nonce}-${large.push(value) - 1}`
  let text: string
  try {
    text = JSON.stringify(data, replacer((value) => (value.length > PIECE_CHARS ? placeholder(value) : value), (bytes) => (base64Length(bytes) > PIECE_CHARS ? placeholder(bytes) : base64(bytes))), 4)
  } catch (error) {
    // JSON.stringify's TypeError: a BigInt, or an object that contains itself.
    throw new CassetteSerializationError(
      `cannot write the data as JSON (${(error as Error).message.split('\n', 1)[0]}); a cassette holds only text, numbers, booleans, null, bytes (Uint8Array), lists and mappings, each once`,
      { cause: error },
    )
  }
  const marker = new RegExp(`"\\\\u0000vcrjs-large-${nonce}-(\\d+)"`, 'g')
  let at = 0
  for (let match = marker.exec(text); match !== null; match = marker.exec(text)) {
    yield text.slice(at, match.index)
    const value = large[Number(match[1])]!
    yield* typeof value === 'string' ? stringPieces(value) : base64Pieces(value)
    at = match.index + match[0].length
  }
  yield `${text.slice(at)}\n`
}

/** `JSON.stringify(value)`, a window at a time. */
function* stringPieces(value: string): Generator<string> {
  yield '"'
  for (let start = 0; start < value.length; ) {
    let end = Math.min(start + PIECE_CHARS, value.length)
    // A window never ends between the halves of a surrogate pair: each half alone would be escaped as a lone surrogate.
    if (end < value.length && isHighSurrogate(value.charCodeAt(end - 1))) end--
    yield JSON.stringify(value.slice(start, end)).slice(1, -1)
    start = end
  }
  yield '"'
}

/** The base64 of `bytes` as a JSON string, in windows of whole 3-byte groups so that they join as the whole would. */
function* base64Pieces(bytes: Uint8Array): Generator<string> {
  const window = 3 * Math.floor(PIECE_CHARS / 4)
  yield '"'
  for (let start = 0; start < bytes.byteLength; start += window) {
    yield base64(bytes.subarray(start, start + window))
  }
  yield '"'
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

function base64Length(bytes: Uint8Array): number {
  return 4 * Math.ceil(bytes.byteLength / 3)
}

/** Writes bytes as `{base64_string}`; `text` and `bytes` say what stands for a string and for the base64 of bytes. */
function replacer(text: (value: string) => string, bytes: (value: Uint8Array) => string) {
  return function (this: unknown, key: string, value: unknown): unknown {
    if (typeof value === 'string') return text(value)
    if (value instanceof Uint8Array) return { base64_string: bytes(value) }
    // A response body `{string: <bytes>}` becomes `{base64_string}` itself, as Ruby VCR spells it, not `{string: {base64_string}}`.
    if (key === 'body' && typeof value === 'object' && value !== null && Object.keys(value).length === 1) {
      const string = (value as { string?: unknown }).string
      if (string instanceof Uint8Array) return { base64_string: bytes(string) }
    }
    // Buffer has a toJSON that runs before the replacer sees it.
    if (isBufferJson(value)) return { base64_string: bytes(Buffer.from(value.data)) }
    return value
  }
}

function isBufferJson(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  )
}
