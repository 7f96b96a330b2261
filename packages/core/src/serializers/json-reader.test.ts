import { describe, expect, it, vi } from 'vitest'
import { CassetteFormatProblem, interactionsFromData, interactionsToData } from '../cassette-format.js'
import { CassetteSerializationError } from '../errors.js'
import { HttpHeaders } from '../headers.js'
import { Request } from '../request.js'
import { Response } from '../response.js'
import { jsonSerializer } from './json.js'
import { readEmittedJson } from './json-reader.js'
import { parseFailure } from './parse-failure.js'

const tricky = ['plain', '"quoted"', 'back\\slash', 'line\nbreak', 'tab\there', '\u0000\u001f\u007f', '\u2028\u2029', 'Grüße 東京 🚀', '\ud800 lone', '{"a": [1, {}]}', '', '            }']

function emittedText(): string {
  const interactions = tricky.map((text, at) => ({
    request: new Request({ method: 'POST', url: `http://h.test/${at}?q=${at}`, headers: [['X-Text', text]], body: at % 3 === 0 ? null : text }),
    response: new Response({
      status: { code: 200 + at, message: text },
      headers: new HttpHeaders([['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-Text', text]]),
      body: at % 2 === 0 ? text : Buffer.from(Array.from({ length: at * 7 }, (_, i) => (i * 31) % 256)),
      ...(at % 4 === 0 ? { chunks: [{ size: 3, delayMs: 1 }], headDelayMs: 2, cutShort: at === 4 } : {}),
    }),
    // Some without: vcrpy writes no recorded_at.
    ...(at % 5 === 0 ? {} : { recordedAt: new Date(Date.UTC(2026, 10, 24, 10, 0, at)) }),
  }))
  return jsonSerializer.serialize(interactionsToData(interactions))
}

/** The data with every deferred response read, as plain JSON values. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

describe('the JSON reader for the layout vcrjs and vcrpy write', () => {
  it('reads what the JSON serializer writes exactly as JSON.parse does', () => {
    const text = emittedText()
    const read = readEmittedJson(text)
    expect(read).toBeDefined()
    expect(plain(read!.value)).toEqual(JSON.parse(text))
  })

  it("reads vcrpy's json.dumps(indent=4) layout, which escapes non-ASCII and writes no recorded_at", () => {
    // What vcrpy writes for the same data: Python's ensure_ascii escapes.
    const data = { interactions: [{ request: { body: null, headers: { Accept: ['*/*'] }, method: 'GET', uri: 'http://h.test/é' }, response: { body: { string: 'é' }, headers: {}, status: { code: 200, message: 'OK' } } }], version: 1 }
    const text = `${JSON.stringify(data, null, 4).replaceAll('é', '\\u00e9')}\n`
    const read = readEmittedJson(text)
    expect(read).toBeDefined()
    expect(plain(read!.value)).toEqual(data)
  })

  it('leaves each response unparsed until it is read, then reads it once', () => {
    const text = emittedText()
    const item = (readEmittedJson(text)!.value as { interactions: Record<string, unknown>[] }).interactions[1]!
    const parse = vi.spyOn(JSON, 'parse')
    const first = item.response
    expect(item.response).toBe(first)
    expect(parse).toHaveBeenCalledTimes(1)
    parse.mockRestore()
    expect(item.response).toEqual(JSON.parse(text).interactions[1].response)
  })

  it('lets a deferred response be replaced, like any property of plain data', () => {
    const item = (readEmittedJson(emittedText())!.value as { interactions: Record<string, unknown>[] }).interactions[0]!
    item.response = { replaced: true }
    expect(item.response).toEqual({ replaced: true })
    expect(Object.keys(item)).toEqual(['request', 'response'])
  })

  it.each([
    { name: 'compact JSON', text: (emitted: string) => JSON.stringify(JSON.parse(emitted)) },
    { name: 'two-space indent', text: (emitted: string) => JSON.stringify(JSON.parse(emitted), null, 2) },
    { name: "Ruby VCR's http_interactions", text: () => JSON.stringify({ http_interactions: [], recorded_with: 'VCR 6.3.1' }, null, 4) },
    { name: 'an empty cassette', text: () => `${JSON.stringify({ interactions: [], version: 1 }, null, 4)}\n` },
    { name: 'a response on one line', text: (emitted: string) => emitted.replace(/"response": \{\n[\s\S]*?\n {12}\}/, '"response": {}') },
    { name: 'keys in another order', text: (emitted: string) => emitted.replace('"interactions"', '"version": 1,\n    "interactions"') },
  ])('gives up on $name, which JSON.parse then reads', ({ text }) => {
    const other = text(emittedText())
    expect(readEmittedJson(other)).toBeUndefined()
    expect(jsonSerializer.deserialize(other)).toEqual(JSON.parse(other))
  })

  it('fails at load with the parse error of the whole file when a request is not valid JSON', () => {
    const broken = emittedText().replace('"method": "POST"', '"method": POST')
    expect(readEmittedJson(broken)).toBeUndefined()
    expect(() => jsonSerializer.deserialize(broken)).toThrow(wholeFileError(broken))
  })

  it('fails when a broken response is read, with the error a load of the whole file gives', () => {
    // An escape JSON does not have, inside a body string: nothing about the lines changes.
    const broken = emittedText().replace('"string": "plain"', '"string": "pl\\qain"')
    const data = jsonSerializer.deserialize(broken) as { interactions: Record<string, unknown>[] }
    expect(data.interactions[1]!.response).toBeDefined()
    let error: unknown
    try {
      void data.interactions[0]!.response
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(CassetteSerializationError)
    expect(error).toMatchObject({ code: 'VCR_CASSETTE_SERIALIZATION', message: wholeFileError(broken).message })
    expect((error as Error).message).toMatch(/^not valid JSON: .*position \d+/)
  })
})

describe('interactionsFromData on a deferred response', () => {
  it('checks it when it is first played, not at load', () => {
    const text = emittedText().replace('"code": 200,', '"code": "two hundred",')
    const interactions = interactionsFromData(jsonSerializer.deserialize(text))
    expect(interactions).toHaveLength(tricky.length)
    expect(interactions[1]!.response.status.code).toBe(201)
    let error: unknown
    try {
      void interactions[0]!.response
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(CassetteFormatProblem)
    expect(error).toMatchObject({ message: 'interactions[0].response.status.code should be an HTTP status code, found "two hundred"' })
  })

  it('builds the same interactions as from the data JSON.parse reads', () => {
    const text = emittedText()
    const lazy = interactionsFromData(jsonSerializer.deserialize(text))
    const eager = interactionsFromData(JSON.parse(text))
    expect(interactionsToData(lazy)).toEqual(interactionsToData(eager))
    lazy.forEach((interaction, at) => {
      expect(Buffer.from(interaction.response.body).equals(Buffer.from(eager[at]!.response.body))).toBe(true)
      expect(interaction.response.headers.entries()).toEqual(eager[at]!.response.headers.entries())
    })
  })
})

function wholeFileError(text: string): CassetteSerializationError {
  try {
    JSON.parse(text)
  } catch (error) {
    return parseFailure('JSON', error)
  }
  throw new Error('the text is valid JSON')
}
