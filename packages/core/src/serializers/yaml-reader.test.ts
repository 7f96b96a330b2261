import jsYaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { interactionsToData } from '../cassette-format.js'
import { HttpHeaders } from '../headers.js'
import { Request } from '../request.js'
import { Response } from '../response.js'
import { yamlSerializer } from './yaml.js'
import { readEmittedYaml } from './yaml-reader.js'
import { CASSETTE_SCHEMA } from './yaml-schema.js'

const load = (text: string) => jsYaml.load(text, { schema: CASSETTE_SCHEMA })

// Strings that YAML reads as something else unless quoted, or that need escapes.
const tricky = [
  'plain', 'application/json', 'http://127.0.0.1:8765/json?a=1&b=%20', '*/*', 'yes', 'No', 'null', 'NULL', 'True', '~', '123', '-7',
  '1.5', '2026-11-24', '12:30:00', 'a: b', 'a #b', 'a#b', ' leading', 'trailing ', 'ends:', "it's", "''", '"quoted"', 'back\\slash',
  'line\nbreak', 'tab\there', '\u0000\u0007\u001b\u007f', '\u0085\u2028\u2029\ufeff', 'Grüße 東京 🚀', '\ud800 lone', '- dash', '? q',
  '@at', '`tick', '%pct', '!bang', '&anchor', '*alias', '[flow]', '{flow}', '|', '>', '',
]

function emittedCassette(): Record<string, unknown> {
  const interactions = tricky.map((text, at) => ({
    request: new Request({ method: 'POST', url: `http://h.test/${at}?q=${at}`, headers: [['X-Text', text]], body: text }),
    response: new Response({
      status: { code: 200 + at, message: text },
      headers: new HttpHeaders([['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], [text === '' ? 'X-Empty' : `X-${at}`, text]]),
      body: at % 2 === 0 ? text : Buffer.from(Array.from({ length: at * 7 }, (_, i) => (i * 31) % 256)),
    }),
    recordedAt: new Date(Date.UTC(2026, 10, 24, 10, 0, at)),
  }))
  return interactionsToData(interactions)
}

describe('the fast YAML reader', () => {
  it('reads every shape the emitter writes exactly as js-yaml does under the cassette schema', () => {
    const documents: Record<string, unknown>[] = [
      emittedCassette(),
      { interactions: [], version: 1 },
      { empty: {}, list: [], nested: [[1, [2, []]], [{}], [{ a: null }]], flags: [true, false, null, 0, -12, 999999999999999] },
      Object.fromEntries(tricky.map((text, at) => [text, at])),
      { bytes: [new Uint8Array([0]), Buffer.alloc(300, 0xff)], more: new Uint8Array([1, 2, 3, 4]) },
    ]
    for (const data of documents) {
      const text = yamlSerializer.serialize(data)
      const fast = readEmittedYaml(text)
      expect(fast, text.slice(0, 300)).toBeDefined()
      expect(fast!.value).toEqual(load(text))
    }
  })

  it.each([
    ['a comment', 'version: 1 # one\n'],
    ['a comment line', '# written by hand\nversion: 1\n'],
    ["PyYAML's folded long string", "string: 'a long line\n  folded onto the next'\n"],
    ['a flow mapping', 'status: {code: 200}\n'],
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a float', 'x: 1.5\n'],
    ['a timestamp', 'at: 2026-11-24\n'],
    ['a tab', 'x:\t1\n'],
    ['CRLF line ends', 'version: 1\r\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a key without a value', 'a:\nb: 1\n'],
    ['a top-level list', '- request: {}\n'],
    ['a block literal', 'text: |\n  hello\n'],
    ['no final newline', 'version: 1'],
    ['padding inside a binary block', 'b: !!binary |\n  AA==\n  AAEC\n'],
  ])('leaves %s to js-yaml, which the serializer then uses', (_, text) => {
    expect(readEmittedYaml(text)).toBeUndefined()
    let expected: unknown
    try {
      expected = load(text)
    } catch (error) {
      expect(() => yamlSerializer.deserialize(text)).toThrow((error as Error).message.split('\n')[0])
      return
    }
    expect(yamlSerializer.deserialize(text)).toEqual(expected)
  })
})
