import jsYaml from 'js-yaml'
import { CassetteSerializationError } from '../errors.js'
import { assertBoundedExpansion } from './expansion-limit.js'
import { parseFailure } from './parse-failure.js'
import { readEmittedYaml } from './yaml-reader.js'
import { CASSETTE_SCHEMA, refusedPythonTags } from './yaml-schema.js'
import type { CassetteData, Serializer } from './serializer.js'

/**
 * The YAML serializer: block style like PyYAML's, so vcrpy loads what we write
 * and a diff of a cassette reads naturally. What the emitter below wrote is
 * read back by the fast reader of yaml-reader.ts; anything else (a cassette
 * written by vcrpy or Ruby VCR, or edited by hand) goes through js-yaml, which
 * reads `!!binary` and is several times faster than the other general parsers
 * on large cassettes. The emitter knows the few shapes a cassette holds and is
 * faster than a general dumper.
 */
export const yamlSerializer: Serializer = {
  serialize(data: CassetteData): string {
    return [...yamlPieces(data)].join('')
  },
  serializePieces: yamlPieces,
  deserialize(text: string): unknown {
    const emitted = readEmittedYaml(text)
    if (emitted) return emitted.value
    let data: unknown
    try {
      data = jsYaml.load(text, { schema: CASSETTE_SCHEMA })
    } catch (error) {
      throw parseFailure('YAML', error)
    }
    assertBoundedExpansion(data, text.length)
    // A bare list is a pre-1.0 vcrpy cassette, whose Python tags the loader answers with the migration message.
    const refused = Array.isArray(data) ? [] : refusedPythonTags(data)
    if (refused.length > 0) {
      throw new CassetteSerializationError(
        `it holds the Python tag ${refused.join(', ')}, which would run Python code when loaded; vcrjs, like vcrpy, builds only !!python/str, !!python/unicode, !!python/tuple, !!python/object/new:_io.BytesIO and !!python/object/apply:builtins.iter. Re-record the cassette, or replace that value by plain data`,
      )
    }
    return data
  },
}

type Value = unknown

/**
 * The file's text in pieces of about `PIECE_CHARS`, so that a large body is
 * written without the whole file (or the body's escaped form) ever being one
 * string. The emitter writes lines into a list; a large scalar or a binary
 * block stays there as a reference to the data's own string or bytes, and is
 * escaped window by window only here.
 */
export function* yamlPieces(data: CassetteData): Generator<string> {
  const lines: Line[] = []
  try {
    emitMapping(data, 0, lines)
  } catch (error) {
    // Only data that contains itself (or is nested thousands deep) overflows the stack; nothing vcrjs reads or records does.
    if (error instanceof RangeError) throw new CassetteSerializationError(`cannot write the data as YAML (${error.message}): it contains itself or is nested too deeply`, { cause: error })
    throw error
  }
  let batch: string[] = []
  let size = 0
  for (const line of lines) {
    if (typeof line !== 'string') {
      if (batch.length > 0) yield `${batch.join('\n')}\n`
      batch = []
      size = 0
      yield* line.render()
      continue
    }
    batch.push(line)
    size += line.length
    if (size >= PIECE_CHARS) {
      yield `${batch.join('\n')}\n`
      batch = []
      size = 0
    }
  }
  if (batch.length > 0) yield `${batch.join('\n')}\n`
}

/** How long a piece of the text is, in characters; also the window a large scalar is escaped in. */
const PIECE_CHARS = 1 << 20

/** A line of the file: text, or one that holds a large value and renders it in pieces (each ending the line with its newline). */
type Line = string | LargeLine

interface LargeLine {
  /** What precedes the value on its line: indentation, key and colon, or a list dash. */
  head: string
  render(): Generator<string>
}

/** A `!!binary` block of `bytes`, in lines of 76 base64 characters as PyYAML writes them. */
function binaryBlock(head: string, bytes: Uint8Array, pad: string): LargeLine {
  return {
    head,
    *render() {
      yield `${this.head} !!binary |\n`
      // 57 bytes make one line of 76 characters, so windows of whole lines join as the whole block would.
      const window = 57 * Math.floor(PIECE_CHARS / 76)
      for (let start = 0; start < bytes.byteLength; start += window) {
        const base64 = Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(window, bytes.byteLength - start)).toString('base64')
        yield `${pad}${base64.replace(/.{76}(?!$)/g, `$&\n${pad}`)}\n`
      }
    },
  }
}

/** A scalar longer than a piece, written as `scalar` would write it, one window at a time. */
function largeScalar(head: string, value: string): LargeLine {
  const [quote, escape]: [string, (window: string) => string] = isPlainSafe(value)
    ? ['', (window) => window]
    : PRINTABLE_ONE_LINE.test(value)
      ? ["'", (window) => window.replaceAll("'", "''")]
      : ['"', (window) => doubleQuoted(window).slice(1, -1)]
  return {
    head,
    *render() {
      yield `${this.head} ${quote}`
      for (let start = 0; start < value.length; ) {
        let end = Math.min(start + PIECE_CHARS, value.length)
        // A window never ends between the halves of a surrogate pair: each half alone would be escaped as a lone surrogate.
        if (end < value.length && isHighSurrogate(value.charCodeAt(end - 1))) end--
        yield escape(value.slice(start, end))
        start = end
      }
      yield `${quote}\n`
    },
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function emitMapping(map: Record<string, Value>, indent: number, out: Line[]): void {
  const pad = ' '.repeat(indent)
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue
    const head = `${pad}${scalar(key)}:`
    emitValue(value, head, indent, out, true)
  }
}

/**
 * Writes `value` after `head` (a key and colon, or a `-` list marker).
 * Sequences under a mapping key are not indented, as PyYAML writes them.
 */
function emitValue(value: Value, head: string, indent: number, out: Line[], underKey: boolean): void {
  if (value instanceof Uint8Array) {
    out.push(binaryBlock(head, value, ' '.repeat(indent + 2)))
    return
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(`${head} []`)
      return
    }
    // A stream's [byte length, delay ms] pairs: one line each, as PyYAML reads them too.
    if (value.every(Number.isInteger)) {
      out.push(`${head} [${value.join(', ')}]`)
      return
    }
    out.push(head)
    const itemIndent = underKey ? indent : indent + 2
    const pad = ' '.repeat(itemIndent)
    for (const item of value) {
      if (isMapping(item) && Object.keys(item).length > 0) {
        // The first key of a mapping item shares the line with its dash. Written straight into `out`:
        // spreading a nested list of lines into it overflows the stack for a large binary body's base64 lines.
        const first = out.length
        emitMapping(item, itemIndent + 2, out)
        const line = out[first]!
        if (typeof line === 'string') out[first] = `${pad}- ${line.slice(itemIndent + 2)}`
        else line.head = `${pad}- ${line.head.slice(itemIndent + 2)}`
      } else {
        emitValue(item, `${pad}-`, itemIndent, out, false)
      }
    }
    return
  }
  if (isMapping(value)) {
    if (Object.keys(value).length === 0) {
      out.push(`${head} {}`)
      return
    }
    out.push(head)
    emitMapping(value, indent + 2, out)
    return
  }
  if (typeof value === 'string' && value.length > PIECE_CHARS) out.push(largeScalar(head, value))
  else out.push(`${head} ${scalar(value, head)}`)
}

function isMapping(value: Value): value is Record<string, Value> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date)
}

/** `head`: where a value (not a key) stands, named when it cannot be written. */
function scalar(value: Value, head?: string): string {
  if (value === null) return 'null'
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value !== 'string') return timestamp(value, head)
  if (isPlainSafe(value)) return value
  if (PRINTABLE_ONE_LINE.test(value)) return `'${value.replaceAll("'", "''")}'`
  return doubleQuoted(value)
}

/**
 * A timestamp another writer put in a key vcrjs keeps (`seen_at: 2025-01-01 10:00:00`,
 * read as a Date) is written back as one, which js-yaml and PyYAML read as the same instant.
 */
function timestamp(value: Value, head: string | undefined): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString()
  throw unwritable(value, head)
}

function unwritable(value: Value, head: string | undefined): CassetteSerializationError {
  const kind = value instanceof Date ? 'an invalid Date' : `a ${typeof value}`
  const label = head?.trim()
  const where = label === undefined ? '' : label === '-' ? ' in a list' : ` under the key ${label.slice(0, -1)}`
  return new CassetteSerializationError(
    `cannot write ${kind}${where} into a YAML cassette, which holds only text, numbers, booleans, null, valid dates, bytes (Uint8Array), lists and mappings; ` +
      'turn the value into one of those (a string, usually) before it is serialized',
  )
}

// Words that YAML 1.1 (PyYAML) or 1.2 would read as something other than a string.
const RESERVED = new Set(['null', 'true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n'])
// Printable ASCII starting with a letter: no indicator can begin it and no
// number, date or special float can match it.
const PLAIN = /^[A-Za-z][\x20-\x7e]*$/
// Characters PyYAML accepts in a document, minus everything YAML reads as a line break or a BOM.
const PRINTABLE_ONE_LINE = /^[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]*$/u

function isPlainSafe(value: string): boolean {
  return (
    PLAIN.test(value) &&
    !value.endsWith(' ') &&
    !value.endsWith(':') &&
    !value.includes(': ') &&
    !value.includes(' #') &&
    !RESERVED.has(value.toLowerCase())
  )
}

/** A double-quoted scalar; JSON's escapes are YAML's, plus the C1 and non-character ranges PyYAML refuses raw. */
function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(/[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udfff]/gu, (ch) => {
    const code = ch.codePointAt(0)!
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}
