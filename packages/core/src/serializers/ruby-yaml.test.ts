import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { interactionsFromData, interactionsToData } from '../cassette-format.js'
import { handleRequest } from '../handle-request.js'
import type { Interaction } from '../interaction.js'
import { MemoryPersister } from '../persisters/memory.js'
import { Request } from '../request.js'
import { Response } from '../response.js'
import { VCR } from '../vcr.js'
import { rubyYamlSerializer, webmockUri } from './ruby-yaml.js'

const RUBY = '/usr/bin/ruby'
const INSTALL_RUBY_VCR = 'apt-get install ruby-vcr ruby-webmock'
const RECORDED_AT = new Date('2026-11-24T10:07:09Z')
const BINARY = Buffer.from([0, 1, 2, 0xfe, 0xff])

function interaction(init: { method?: string; url: string; requestBody?: string | null; status?: number; headers?: [string, string][]; body?: string | Uint8Array }): Interaction {
  return {
    request: new Request({ method: init.method ?? 'GET', url: init.url, headers: [['Accept', '*/*']], body: init.requestBody ?? null }),
    response: new Response({ status: init.status ?? 200, headers: init.headers ?? [], body: init.body ?? '' }),
    recordedAt: RECORDED_AT,
  }
}

/** What the serializer gets from the core: the interactions in vcrpy's shape. */
const serialize = (interactions: Interaction[]) => rubyYamlSerializer.serialize(interactionsToData(interactions))

describe('ruby-yaml serializer', () => {
  it("writes Ruby VCR's format: http_interactions, lower-case method, {encoding, string} bodies, recorded_at as an HTTP date", () => {
    const text = serialize([
      interaction({
        method: 'POST',
        url: 'http://127.0.0.1:8765/echo?b=2&a=1',
        requestBody: '{"name":"vcrjs"}',
        headers: [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['Content-Length', '17']],
        body: '{"hello":"world"}',
      }),
    ])
    expect(text).toBe(
      [
        '---',
        'http_interactions:',
        '- request:',
        '    method: post',
        "    uri: http://127.0.0.1:8765/echo?a=1&b=2",
        '    body:',
        '      encoding: UTF-8',
        '      string: \'{"name":"vcrjs"}\'',
        '    headers:',
        '      Accept:',
        "      - '*/*'",
        '  response:',
        '    status:',
        '      code: 200',
        '      message: OK',
        '    headers:',
        '      Set-Cookie:',
        '      - a=1',
        '      - b=2',
        '      Content-Length:',
        "      - '17'",
        '    body:',
        '      encoding: UTF-8',
        '      string: \'{"hello":"world"}\'',
        '    http_version: null',
        '  recorded_at: Tue, 24 Nov 2026 10:07:09 GMT',
        'recorded_with: vcrjs',
        '',
      ].join('\n'),
    )
  })

  it('writes no request body as an empty US-ASCII string and bytes that are not UTF-8 as base64_string', () => {
    const text = serialize([interaction({ url: 'http://h.test/binary', body: BINARY })])
    expect(text).toContain('    body:\n      encoding: US-ASCII\n      string: \'\'\n')
    expect(text).toContain(`    body:\n      encoding: ASCII-8BIT\n      base64_string: ${BINARY.toString('base64')}\n`)
  })

  it('gives an interaction without a recording time (one loaded from vcrpy) the time of writing', () => {
    const data = interactionsToData([{ ...interaction({ url: 'http://h.test/' }), recordedAt: undefined }])
    const before = Date.now()
    const [read] = interactionsFromData(rubyYamlSerializer.deserialize(rubyYamlSerializer.serialize(data)))
    // An HTTP date has whole seconds.
    expect(read!.recordedAt!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
    expect(read!.recordedAt!.getTime()).toBeLessThanOrEqual(Date.now())
  })

  it('reads back what it wrote, and a VCR replays it with the query in Ruby order', async () => {
    const persister = new MemoryPersister()
    const vcr = new VCR({ serializer: 'ruby-yaml' })
    vcr.registerPersister(persister)
    const url = 'http://h.test/text?b=2&a=1&q=caf%C3%A9+au+lait'
    const live = async () => ({ status: 200, headers: [['Content-Type', 'application/octet-stream']] as [string, string][], body: BINARY })
    await vcr.useCassette('ruby.yml', () => handleRequest({ request: { method: 'GET', url }, sendReal: live }))
    const file = persister.files.get(persister.files.keys().next().value!)!
    expect(file).toContain('uri: http://h.test/text?a=1&b=2&q=caf%C3%A9%20au%20lait')
    const replayed = await vcr.useCassette(
      'ruby.yml',
      () => handleRequest({ request: { method: 'GET', url }, sendReal: () => Promise.reject(new Error('must replay')) }),
      { recordMode: 'none', serializer: 'yaml' },
    )
    expect(Buffer.from(replayed.body)).toEqual(BINARY)
    expect(replayed.headers.get('content-type')).toBe('application/octet-stream')
  })
})

describe('webmockUri', () => {
  it('spells the query of Ruby VCR 5 fixtures/ruby/text-query.yml as Ruby VCR did', () => {
    expect(webmockUri('http://127.0.0.1:40097/text?b=2&a=1&q=caf%C3%A9+au+lait')).toBe('http://127.0.0.1:40097/text?a=1&b=2&q=caf%C3%A9%20au%20lait')
  })

  it('agrees with the real webmock, which Ruby VCR matches against', () => {
    const uris = [
      'http://h.test/json',
      'http://h.test/',
      'http://h.test/p?z=1&y=2&x=3',
      'https://h.test/p?q=a+b&r=a%20b&s=a%2Bb',
      "http://h.test/p?v=!$'()*,/:=?@~&w=%3B%5B%5D%22%3C%3E%5C%5E%60%7B%7C%7D",
      'http://h.test/p%7e%2fq?k=%7e&K=%e6%9d%b1&%F0%9F%9A%80=rocket',
      'http://h.test/p?flag&b=&a',
      'http://h.test/p?b=1&a=%C3%A9&a%C3%A9=2&ab=3',
    ]
    // Ruby VCR drops the default port webmock spells out, as vcrjs's URLs do.
    const ruby = spawnSync(
      RUBY,
      ['-rwebmock', '-e', 'STDIN.each_line { |uri| puts WebMock::Util::URI.normalize_uri(uri.chomp).omit(:port).to_s }'],
      { input: uris.join('\n'), encoding: 'utf8' },
    )
    expect(ruby.stderr, `needs webmock: ${INSTALL_RUBY_VCR}`).toBe('')
    expect(uris.map(webmockUri)).toEqual(ruby.stdout.trimEnd().split('\n'))
  })

  it('escapes = in a name, where webmock writes it raw and so changes the request', () => {
    expect(webmockUri('http://h.test/p?k%3D=1')).toBe('http://h.test/p?k%3D=1')
  })
})

describe('Ruby VCR loads what ruby-yaml writes', () => {
  it('every kind of string, UTF-8 and binary bodies, repeated headers, status and recorded_at', () => {
    const tricky = ['yes', 'No', '~', '123', '2026-11-24', 'a: b', ' lead', "it's", 'line\nbreak', 'Grüße 東京 🚀', '- dash', ':symbol', '!bang', '']
    const interactions = [
      interaction({ url: 'http://h.test/utf8', headers: tricky.map((value) => ['X-Tricky', value]), body: 'Grüße aus Köln — 東京 🚀\n' }),
      interaction({ method: 'POST', url: 'http://h.test/binary', requestBody: 'a=1', status: 404, body: BINARY }),
      interaction({ method: 'DELETE', url: 'http://h.test/empty', status: 204 }),
    ]
    const script = `
      require 'base64'; require 'json'; require 'vcr'
      hash = VCR::Cassette::Serializers::YAML.deserialize(STDIN.read)
      puts JSON.generate(hash['http_interactions'].map { |h|
        i = VCR::HTTPInteraction.from_hash(h)
        { method: i.request.method.to_s, uri: i.request.uri, requestBody: Base64.strict_encode64(i.request.body),
          status: i.response.status.code, message: i.response.status.message, headers: i.response.headers,
          body: Base64.strict_encode64(i.response.body), bodyEncoding: i.response.body.encoding.name, recordedAt: i.recorded_at.utc.iso8601 }
      })`
    const ruby = spawnSync(RUBY, ['-e', script], { input: serialize(interactions), encoding: 'utf8' })
    expect(ruby.stderr, `needs Ruby VCR: ${INSTALL_RUBY_VCR}`).toBe('')
    expect(JSON.parse(ruby.stdout)).toEqual([
      {
        method: 'get',
        uri: 'http://h.test/utf8',
        requestBody: '',
        status: 200,
        message: 'OK',
        headers: { 'X-Tricky': tricky },
        body: Buffer.from('Grüße aus Köln — 東京 🚀\n').toString('base64'),
        bodyEncoding: 'UTF-8',
        recordedAt: '2026-11-24T10:07:09Z',
      },
      {
        method: 'post',
        uri: 'http://h.test/binary',
        requestBody: Buffer.from('a=1').toString('base64'),
        status: 404,
        message: 'Not Found',
        headers: {},
        body: BINARY.toString('base64'),
        bodyEncoding: 'ASCII-8BIT',
        recordedAt: '2026-11-24T10:07:09Z',
      },
      {
        method: 'delete',
        uri: 'http://h.test/empty',
        requestBody: '',
        status: 204,
        message: 'No Content',
        headers: {},
        body: '',
        bodyEncoding: 'UTF-8',
        recordedAt: '2026-11-24T10:07:09Z',
      },
    ])
  })
})
