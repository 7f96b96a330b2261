import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { interactionsFromData } from '../cassette-format.js'
import { handleRequest } from '../handle-request.js'
import { VCR } from '../vcr.js'
import { jsonSerializer } from './json.js'
import { yamlSerializer } from './yaml.js'

const tricky = [
  'plain',
  'application/json',
  'http://127.0.0.1:8765/json?a=1',
  '*/*',
  'yes',
  'No',
  'null',
  '~',
  '123',
  '1.5',
  '2026-11-24',
  '12:30:00',
  'a: b',
  'a #b',
  ' leading',
  'trailing ',
  'ends:',
  "it's",
  '"quoted"',
  'line\nbreak',
  'tab\there',
  '\u0000\u0007\u001b',
  '\u0085\u2028\u2029\ufeff',
  'Grüße 東京 🚀',
  '- dash',
  '? q',
  '@at',
  '`tick',
  '%pct',
  '!bang',
  '&anchor',
  '[flow]',
  '{flow}',
  '',
]

describe('yaml serializer', () => {
  it('round-trips every kind of string exactly', () => {
    const data = { interactions: tricky.map((text) => ({ value: text })), version: 1 }
    expect(yamlSerializer.deserialize(yamlSerializer.serialize(data))).toEqual(data)
  })

  it('writes PyYAML-style block YAML: sequences under a key are not indented', () => {
    const text = yamlSerializer.serialize({
      interactions: [{ request: { body: null, headers: { Accept: ['*/*'] }, method: 'GET', uri: 'http://h/' } }],
      version: 1,
    })
    expect(text).toBe(
      [
        'interactions:',
        '- request:',
        '    body: null',
        '    headers:',
        '      Accept:',
        "      - '*/*'",
        '    method: GET',
        '    uri: http://h/',
        'version: 1',
        '',
      ].join('\n'),
    )
  })

  it('writes bytes as !!binary base64 and reads them back as bytes', () => {
    const bytes = Buffer.from(Array.from({ length: 200 }, (_, i) => i))
    const text = yamlSerializer.serialize({ body: { string: bytes } })
    expect(text).toContain('string: !!binary |')
    const back = yamlSerializer.deserialize(text) as { body: { string: Uint8Array } }
    expect(Buffer.from(back.body.string)).toEqual(bytes)
  })

  it('writes a binary body of 12 MiB inside an interaction (over 200,000 base64 lines) and reads it back', () => {
    const bytes = Buffer.alloc(12 * 1024 * 1024)
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i)
    const text = yamlSerializer.serialize({ interactions: [{ response: { body: { string: bytes } } }] })
    const back = yamlSerializer.deserialize(text) as { interactions: [{ response: { body: { string: Uint8Array } } }] }
    expect(Buffer.compare(back.interactions[0].response.body.string, bytes)).toBe(0)
  })

  it('writes empty collections in flow style', () => {
    expect(yamlSerializer.serialize({ headers: {}, interactions: [] })).toBe('headers: {}\ninteractions: []\n')
  })

  it('is read back identically by PyYAML, the reader vcrpy uses', () => {
    const data = { interactions: tricky.map((text) => ({ value: text })), version: 1 }
    const python = spawnSync(
      '/usr/bin/python3',
      ['-c', 'import sys, json, yaml; print(json.dumps(yaml.load(sys.stdin.read(), Loader=yaml.SafeLoader)))'],
      { input: yamlSerializer.serialize(data), encoding: 'utf8' },
    )
    expect(python.stderr, 'needs PyYAML: apt-get install python3-yaml').toBe('')
    expect(JSON.parse(python.stdout)).toEqual(data)
  })

  it("reads Ruby's !binary tag", () => {
    const back = yamlSerializer.deserialize('string: !binary |-\n  AAEC\n') as { string: Uint8Array }
    expect([...back.string]).toEqual([0, 1, 2])
  })
})

describe('yaml serializer: YAML 1.1 scalars as PyYAML and Psych write them', () => {
  it('reads unquoted 1e3, 08, 0o17, 12e4, 68469e21, yes, off and ~ as the text written, and only decimal integers and null as other types', () => {
    const words = ['1e3', '08', '0o17', '12e4', '68469e21', 'yes', 'off', '~', 'True', '1.5', '0x1F', '1_000']
    const text = `values:\n${words.map((word) => `- ${word}`).join('\n')}\ncode: 200\nnothing: null\nempty:\nversion: 1\n`
    expect(yamlSerializer.deserialize(text)).toEqual({ values: words, code: 200, nothing: null, empty: null, version: 1 })
  })
})

describe("yaml serializer: vcrpy's Python 2 and Python 3 request bodies (vcrpy tests/unit/test_serialize.py test_deserialize_py2py3_yaml_cassette)", () => {
  const cassette = (body: string) =>
    `interactions:\n- request:\n    body: ${body}\n    headers:\n      Content-Type: [application/x-www-form-urlencoded]\n    method: POST\n    uri: http://httpbin.org/post\n  response:\n    body: {string: ""}\n    headers:\n      content-length: ['0']\n    status: {code: 200, message: OK}\n`
  it.each([
    ['x=5&y=2', Buffer.from('x=5&y=2')],
    ['!!binary |\n      eD01Jnk9Mg==', Buffer.from('x=5&y=2')],
    ['!!python/str "x=f\\xF6o&y=2"', Buffer.from('x=f\xc3\xb6o&y=2', 'latin1')],
    ['!!binary |\n      eD1mw7ZvJnk9Mg==', Buffer.from('x=f\xc3\xb6o&y=2', 'latin1')],
    ['!!binary |\n      //54AD0AZgD2AG8AJgB5AD0AMgA=', Buffer.from('\xff\xfex\x00=\x00f\x00\xf6\x00o\x00&\x00y\x00=\x002\x00', 'latin1')],
    ['!!binary |\n      eD1m9m8meT0y', Buffer.from('x=f\xf6o&y=2', 'latin1')],
  ])('%s', (body, expected) => {
    const [interaction] = interactionsFromData(yamlSerializer.deserialize(cassette(body)))
    expect(Buffer.from(interaction!.request.body!)).toEqual(expected)
  })
})

describe('json serializer', () => {
  it('writes four-space JSON with a final newline, like vcrpy', () => {
    expect(jsonSerializer.serialize({ version: 1 })).toBe('{\n    "version": 1\n}\n')
  })

  it('writes bytes as {base64_string}', () => {
    const text = jsonSerializer.serialize({ body: Buffer.from([0xff, 0xfe]), other: new Uint8Array([1]) })
    expect(JSON.parse(text)).toEqual({ body: { base64_string: '//4=' }, other: { base64_string: 'AQ==' } })
  })

  it('a cassette with non-UTF-8 request and response bodies round-trips through a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vcrjs-json-'))
    try {
      const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json' })
      const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9])
      const binary = Buffer.from([0x1f, 0x8b, 0x00, 0xff])
      await vcr.useCassette('binary.json', (cassette) =>
        handleRequest({ cassette, request: { method: 'POST', url: 'http://h.test/', body: latin1 }, sendReal: async () => ({ status: 200, body: binary }) }),
      )
      const written = JSON.parse(await readFile(join(dir, 'binary.json'), 'utf8'))
      // Ruby VCR's spelling, one level deep: not `{string: {base64_string}}`.
      expect(written.interactions[0].response.body).toEqual({ base64_string: binary.toString('base64') })
      expect(written.interactions[0].request.body).toEqual({ base64_string: latin1.toString('base64') })
      await vcr.useCassette(
        'binary.json',
        (cassette) => {
          expect(Buffer.from(cassette.requests[0]!.body!)).toEqual(latin1)
          expect(Buffer.from(cassette.responses[0]!.body)).toEqual(binary)
        },
        { recordMode: 'none' },
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it("reads the `{string: {base64_string}}` that vcrjs's JSON wrote before", () => {
    const data = { interactions: [{ request: { method: 'GET', uri: 'http://h.test/', body: null, headers: {} }, response: { status: { code: 200 }, headers: {}, body: { string: { base64_string: '//4=' } } } }], version: 1 }
    const [interaction] = interactionsFromData(jsonSerializer.deserialize(JSON.stringify(data)))
    expect([...interaction!.response.body]).toEqual([0xff, 0xfe])
  })
})
