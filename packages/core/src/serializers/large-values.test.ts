import { describe, expect, it } from 'vitest'
import { jsonSerializer } from './json.js'
import { rubyYamlSerializer } from './ruby-yaml.js'
import type { CassetteData, Serializer } from './serializer.js'
import { yamlSerializer } from './yaml.js'

const MiB = 1 << 20

/**
 * Text of `length` characters built from `unit`, with `inserts` placed at the
 * given offsets (a surrogate pair astride 1 MiB, the window the serializers
 * escape in, and others).
 */
function text(length: number, unit: string, inserts: Record<number, string>): string {
  const parts: string[] = []
  let at = 0
  for (const [offset, insert] of Object.entries(inserts).map(([offset, insert]) => [Number(offset), insert] as const)) {
    parts.push(unit.repeat(Math.ceil((offset - at) / unit.length)).slice(0, offset - at), insert)
    at = offset + insert.length
  }
  parts.push(unit.repeat(Math.ceil((length - at) / unit.length)).slice(0, length - at))
  return parts.join('')
}

const astride = { [MiB - 1]: '🚀', [2 * MiB - 1]: '\ud800x', [2 * MiB + 10]: 'é\u0085\u2028\ufeff"\\\t' }
const sse = text(2 * MiB + 123, 'data: {"token":"abc\'def"}\n\n', astride)
const oneLine = text(2 * MiB + 7, "it's text, ", { [MiB - 1]: '🚀' })
const validSse = text(2 * MiB, 'data: {"n":1}\n\n', { [MiB - 1]: '🚀' })
const plain = text(MiB + 5, 'plain words and more ', {})
const bytes = Buffer.from(Array.from({ length: 2 * MiB + 17 }, (_, i) => (i * 7919) % 256))

/** The previous whole-string forms: PyYAML's escapes on JSON's, and 76-character base64 lines. */
const doubleQuoted = (value: string) =>
  JSON.stringify(value).replace(/[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udfff]/gu, (ch) => {
    const code = ch.codePointAt(0)!
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
const base64Block = (pad: string, value: Uint8Array) => pad + Buffer.from(value).toString('base64').replace(/.{76}(?!$)/g, `$&\n${pad}`)

function pieces(serializer: Serializer, data: CassetteData): string[] {
  return [...serializer.serializePieces!(data)]
}

/** Where two texts first differ (-1: equal), so that a failure does not print megabytes. */
function firstDifference(actual: string, expected: string): number {
  if (actual === expected) return -1
  let at = 0
  while (at < actual.length && actual[at] === expected[at]) at++
  return at
}

/** Each piece is a window's worth, not the whole value, and can be encoded alone: it does not end inside a surrogate pair. */
function expectPieces(written: string[], atLeast: number): void {
  expect(written.length).toBeGreaterThanOrEqual(atLeast)
  expect(Math.max(...written.map((piece) => piece.length))).toBeLessThan(2 * MiB)
  expect(written.filter((piece) => /[\ud800-\udbff]$/.test(piece))).toEqual([])
}

describe('serializers write a large value in pieces, the text the whole string was', () => {
  it('YAML: double-quoted text, a surrogate pair astride a window, the first key of a list item', () => {
    const data = { interactions: [{ string: sse, code: 200 }], version: 1 }
    const expected = `interactions:\n- string: ${doubleQuoted(sse)}\n  code: 200\nversion: 1\n`

    const written = pieces(yamlSerializer, data)

    expect(firstDifference(written.join(''), expected)).toBe(-1)
    expectPieces(written, 3)
    expect(firstDifference(yamlSerializer.serialize(data), expected)).toBe(-1)
    expect(yamlSerializer.deserialize(expected)).toEqual(data)
  })

  it('YAML: single-quoted and plain one-line text', () => {
    const data = { quoted: oneLine, plain }
    const expected = `quoted: '${oneLine.replaceAll("'", "''")}'\nplain: ${plain}\n`

    const written = pieces(yamlSerializer, data)

    expect(firstDifference(written.join(''), expected)).toBe(-1)
    expectPieces(written, 3)
    expect(yamlSerializer.deserialize(expected)).toEqual(data)
  })

  it('YAML: binary bytes as a !!binary block of 76-character lines', () => {
    const data = { interactions: [{ response: { body: { string: bytes } } }], version: 1 }
    const expected = `interactions:\n- response:\n    body:\n      string: !!binary |\n${base64Block('        ', bytes)}\nversion: 1\n`

    const written = pieces(yamlSerializer, data)

    expect(firstDifference(written.join(''), expected)).toBe(-1)
    expectPieces(written, 3)
    expect(Buffer.compare(Buffer.from((yamlSerializer.deserialize(expected) as typeof data).interactions[0]!.response.body.string), bytes)).toBe(0)
  })

  it('JSON: text and bytes (as base64_string)', () => {
    const data = { interactions: [{ request: { body: sse }, response: { body: { string: bytes } } }], version: 1 }
    const expected = `${JSON.stringify({ interactions: [{ request: { body: sse }, response: { body: { base64_string: bytes.toString('base64') } } }], version: 1 }, null, 4)}\n`

    const written = pieces(jsonSerializer, data)

    expect(firstDifference(written.join(''), expected)).toBe(-1)
    expectPieces(written, 3)
    expect(firstDifference(jsonSerializer.serialize(data), expected)).toBe(-1)
  })

  it('JSON: a string that reads like the placeholder of a large value is written as itself', () => {
    const data = { a: '\u0000vcrjs-large-0000000000000000-0', big: plain }

    expect(jsonSerializer.serialize(data)).toBe(`${JSON.stringify(data, null, 4)}\n`)
  })

  it('ruby-yaml: the pieces are what serialize returns', () => {
    const data = {
      interactions: [{ request: { method: 'GET', uri: 'http://127.0.0.1/big', body: null, headers: {} }, response: { status: { code: 200 }, headers: {}, body: { string: validSse } } }],
      version: 1,
    }

    const written = pieces(rubyYamlSerializer, data)

    expectPieces(written, 3)
    const whole = written.join('')
    expect(whole.includes(`    body:\n      encoding: UTF-8\n      string: ${doubleQuoted(validSse)}\n`)).toBe(true)
    const withoutDate = (text: string) => text.replace(/recorded_at: .*\n/, '')
    expect(firstDifference(withoutDate(whole), withoutDate(rubyYamlSerializer.serialize(data)))).toBe(-1)
  })
})
