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
    const lines: string[] = []
    try {
      emitMapping(data, 0, lines)
    } catch (error) {
      // Only data that contains itself (or is nested thousands deep) overflows the stack; nothing vcrjs reads or records does.
      if (error instanceof RangeError) throw new CassetteSerializationError(`cannot write the data as YAML (${error.message}): it contains itself or is nested too deeply`, { cause: error })
      throw error
    }
    return `${lines.join('\n')}\n`
  },
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

function emitMapping(map: Record<string, Value>, indent: number, out: string[]): void {
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
function emitValue(value: Value, head: string, indent: number, out: string[], underKey: boolean): void {
  if (value instanceof Uint8Array) {
    out.push(`${head} !!binary |`)
    const base64 = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
    const pad = ' '.repeat(indent + 2)
    // The block as one string rather than one per 76-character line: a 100 MB body has 1.8 million of them.
    if (base64 !== '') out.push(pad + base64.replace(/.{76}(?!$)/g, `$&\n${pad}`))
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
        out[first] = `${pad}- ${out[first]!.slice(itemIndent + 2)}`
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
  out.push(`${head} ${scalar(value, head)}`)
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
