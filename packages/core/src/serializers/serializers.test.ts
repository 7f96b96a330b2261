import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
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

describe('json serializer', () => {
  it('writes four-space JSON with a final newline, like vcrpy', () => {
    expect(jsonSerializer.serialize({ version: 1 })).toBe('{\n    "version": 1\n}\n')
  })

  it('writes bytes as {base64_string}', () => {
    const text = jsonSerializer.serialize({ body: Buffer.from([0xff, 0xfe]), other: new Uint8Array([1]) })
    expect(JSON.parse(text)).toEqual({ body: { base64_string: '//4=' }, other: { base64_string: 'AQ==' } })
  })
})
