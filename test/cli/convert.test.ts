import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { brotliCompressSync } from 'node:zlib'
import { type Interaction, interactionsFromData, yamlSerializer } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { BINARY_BODY, COMPRESSED_JSON, JSON_BODY, startTestServer, UTF8_BODY } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'
import { writeCassette } from './cassettes.js'
import { recordCassette, type SentRequest } from './record.js'
import { replayThroughFetch } from './replay.js'
import { runCli } from './run-cli.js'

const REQUESTS: SentRequest[] = [
  { path: '/json' },
  { path: '/text?b=2&a=1&q=caf%C3%A9+au+lait', headers: { Accept: 'text/plain' } },
  { path: '/utf8' },
  { path: '/binary' },
  { path: '/gzip', headers: { 'Accept-Encoding': 'gzip' } },
  { path: '/cookies' },
  { method: 'POST', path: '/echo', headers: { 'Content-Type': 'application/json' }, body: '{"name":"vcrjs","tags":["a","b"]}' },
  { path: '/status/404' },
]

async function loadYaml(path: string): Promise<Interaction[]> {
  return interactionsFromData(yamlSerializer.deserialize(await readFile(path, 'utf8')))
}

function facts(interactions: Interaction[]) {
  return interactions.map(({ request, response }) => ({
    method: request.method,
    url: request.url,
    requestHeaders: request.headers.entries(),
    requestBody: request.body === null ? null : Buffer.from(request.body).toString('base64'),
    status: response.status,
    responseHeaders: response.headers.entries(),
    responseBody: Buffer.from(response.body).toString('base64'),
  }))
}

describe('vcrjs convert', () => {
  it('YAML -> HAR -> YAML gives back the same file (method, URL, headers, status, body bytes; gzip and binary included), and it replays through fetch', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    let yaml: string
    try {
      yaml = await recordCassette(dir, 'recorded.yaml', server.origin, REQUESTS)
    } finally {
      await server.close()
    }
    const har = join(dir, 'recorded.har')
    const back = join(dir, 'back.yaml')
    const toHar = await runCli(['convert', yaml, '--to', 'har', '-o', har])
    expect(toHar.code).toBe(0)
    expect(toHar.stderr).toContain('8 interactions')
    const toYaml = await runCli(['convert', har, '--to', 'yaml', '-o', back])
    expect(toYaml.code).toBe(0)
    expect(facts(await loadYaml(back))).toEqual(facts(await loadYaml(yaml)))
    expect(await readFile(back, 'utf8')).toBe(await readFile(yaml, 'utf8'))

    // The HAR is a HAR a browser tool reads: decoded text for the gzip body, base64 for the binary one.
    const log = (JSON.parse(await readFile(har, 'utf8')) as { log: { version: string; entries: Array<Record<string, any>> } }).log
    expect(log.version).toBe('1.2')
    const [json, text, , binary, gzip, , post] = log.entries
    expect(json!.response.content).toEqual({ size: JSON_BODY.length, mimeType: 'application/json', text: JSON_BODY })
    expect(text!.request.queryString).toEqual([
      { name: 'b', value: '2' },
      { name: 'a', value: '1' },
      { name: 'q', value: 'café au lait' },
    ])
    expect(Buffer.from(binary!.response.content.text, 'base64').equals(BINARY_BODY)).toBe(true)
    expect(binary!.response.content.encoding).toBe('base64')
    expect(gzip!.response.content.text).toBe(COMPRESSED_JSON)
    expect(post!.request.postData).toEqual({ mimeType: 'application/json', text: '{"name":"vcrjs","tags":["a","b"]}' })

    const { results, allPlayed } = await replayThroughFetch(back, server.origin, REQUESTS)
    expect(allPlayed).toBe(true)
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 404])
    expect(results[2]!.body.toString('utf8')).toBe(UTF8_BODY)
    expect(results[3]!.body.equals(BINARY_BODY)).toBe(true)
    expect(results[4]!.body.toString('utf8')).toBe(COMPRESSED_JSON)
    expect(results[5]!.headers.filter(([name]) => name === 'set-cookie')).toHaveLength(2)
  })

  it('a HAR exported by a browser (HTTP/2 pseudo-headers, decoded br body, a form post, an image, a blocked request) converts and replays through fetch', async () => {
    const server = await startTestServer()
    await server.close()
    const dir = await tempCassetteDir()
    const origin = server.origin
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 7)])
    const page = '<html><body>Grüße</body></html>'
    const entry = (request: object, response: object) => ({
      startedDateTime: '2025-03-04T05:06:07.890Z',
      time: 12.5,
      request: { httpVersion: 'http/2.0', cookies: [], queryString: [], headersSize: -1, bodySize: 0, ...request },
      response: { httpVersion: 'http/2.0', cookies: [], redirectURL: '', headersSize: -1, bodySize: -1, _transferSize: 300, ...response },
      cache: {},
      timings: { blocked: 1, dns: -1, ssl: -1, connect: -1, send: 0.1, wait: 10, receive: 1.4 },
      _initiator: { type: 'parser' },
      _priority: 'VeryHigh',
      _resourceType: 'document',
    })
    const devtools = {
      log: {
        version: '1.2',
        creator: { name: 'WebInspector', version: '537.36' },
        pages: [{ startedDateTime: '2025-03-04T05:06:07.000Z', id: 'page_1', title: origin, pageTimings: {} }],
        entries: [
          entry(
            {
              method: 'GET',
              url: `${origin}/index.html?lang=de`,
              headers: [
                { name: ':authority', value: '127.0.0.1' },
                { name: ':method', value: 'GET' },
                { name: ':path', value: '/index.html?lang=de' },
                { name: ':scheme', value: 'http' },
                { name: 'accept-encoding', value: 'gzip, deflate, br' },
              ],
              queryString: [{ name: 'lang', value: 'de' }],
            },
            {
              status: 200,
              statusText: '',
              headers: [
                { name: 'content-encoding', value: 'br' },
                { name: 'content-length', value: String(brotliCompressSync(page).length) },
                { name: 'content-type', value: 'text/html; charset=utf-8' },
              ],
              content: { size: Buffer.byteLength(page), mimeType: 'text/html', compression: 10, text: page },
            },
          ),
          entry(
            { method: 'GET', url: `${origin}/logo.png`, headers: [{ name: 'accept', value: 'image/avif,image/webp,*/*' }] },
            {
              status: 200,
              statusText: 'OK',
              headers: [{ name: 'content-type', value: 'image/png' }],
              content: { size: png.length, mimeType: 'image/png', text: png.toString('base64'), encoding: 'base64' },
            },
          ),
          entry(
            {
              method: 'POST',
              url: `${origin}/login`,
              headers: [{ name: 'content-type', value: 'application/x-www-form-urlencoded' }],
              postData: { mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'user', value: 'alice' }, { name: 'remember', value: 'on' }] },
            },
            { status: 302, statusText: 'Found', headers: [{ name: 'location', value: '/home' }], content: { size: 0, mimeType: 'x-unknown' }, redirectURL: '/home' },
          ),
          entry(
            { method: 'GET', url: 'https://tracker.example.test/pixel.gif', headers: [] },
            { status: 0, statusText: '', headers: [], content: { size: 0, mimeType: 'x-unknown' }, _error: 'net::ERR_BLOCKED_BY_CLIENT' },
          ),
        ],
      },
    }
    const har = join(dir, 'devtools.har')
    await writeFile(har, JSON.stringify(devtools))
    const yaml = join(dir, 'devtools.yaml')
    const run = await runCli(['convert', har, '--to', 'yaml', '-o', yaml])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('log.entries[3] skipped: it has no response (status 0')
    expect(run.stderr).toContain('log.entries[2]: the HAR holds no response body (content.text is missing); stored empty')

    const interactions = await loadYaml(yaml)
    expect(interactions).toHaveLength(3)
    expect(interactions[0]!.request.headers.entries()).toEqual([['accept-encoding', 'gzip, deflate, br']])
    // The browser stored the page decoded: served as the plain response it now is.
    expect(interactions[0]!.response.headers.entries()).toEqual([
      ['content-length', String(Buffer.byteLength(page))],
      ['content-type', 'text/html; charset=utf-8'],
    ])
    expect(interactions[0]!.recordedAt?.toISOString()).toBe('2025-03-04T05:06:07.890Z')
    expect(Buffer.from(interactions[2]!.request.body!).toString()).toBe('user=alice&remember=on')

    const { results, allPlayed } = await replayThroughFetch(yaml, origin, [
      { path: '/index.html?lang=de' },
      { path: '/logo.png' },
      { method: 'POST', path: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'user=alice&remember=on' },
    ])
    expect(allPlayed).toBe(true)
    expect(results[0]!.body.toString('utf8')).toBe(page)
    expect(results[1]!.body.equals(png)).toBe(true)
    expect(results[2]!.status).toBe(302)
    expect(results[2]!.headers).toContainEqual(['location', '/home'])
  })

  it('a binary body to vcrpy JSON is an error naming the interaction and the formats that hold it; nothing is written', async () => {
    const dir = await tempCassetteDir()
    const yaml = await writeCassette(join(dir, 'binary.yaml'), [
      { url: 'http://127.0.0.1:9/text', responseBody: 'text' },
      { url: 'http://127.0.0.1:9/binary', responseBody: BINARY_BODY },
    ])
    const out = join(dir, 'binary.json')
    const run = await runCli(['convert', yaml, '--to', 'json', '-o', out])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`${yaml}: interaction 1 has a binary response body (256 bytes, not UTF-8), which vcrpy's JSON format cannot hold`)
    expect(run.stderr).toContain('Convert to yaml or ruby-yaml instead')
    expect(existsSync(out)).toBe(false)
  })

  it('a binary request body to HAR is an error; to ruby-yaml and back the bytes are kept', async () => {
    const dir = await tempCassetteDir()
    const upload = Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80])
    const yaml = await writeCassette(join(dir, 'upload.yaml'), [
      { method: 'PUT', url: 'http://127.0.0.1:9/upload', body: upload, responseBody: BINARY_BODY, recordedAt: new Date('2025-01-01T00:00:00Z') },
    ])
    const toHar = await runCli(['convert', yaml, '--to', 'har'])
    expect(toHar.code).toBe(1)
    expect(toHar.stderr).toContain('interaction 0 has a binary request body (5 bytes, not UTF-8), which HAR 1.2 cannot hold')
    expect(toHar.stdout).toBe('')

    const ruby = join(dir, 'upload.yml')
    expect((await runCli(['convert', yaml, '--to', 'ruby-yaml', '-o', ruby])).code).toBe(0)
    expect(await readFile(ruby, 'utf8')).toMatch(/^---\nhttp_interactions:\n- request:\n {4}method: put\n/)
    const back = await runCli(['convert', ruby, '--to', 'yaml'])
    expect(back.code).toBe(0)
    expect(back.stdout).toBe(await readFile(yaml, 'utf8'))
  })

  it('a cassette holding a Python tag that would run code is refused, naming the file, the tag and the fix; nothing is written', async () => {
    const dir = await tempCassetteDir()
    const tagged = join(dir, 'tagged.yaml')
    await writeFile(tagged, 'interactions: []\n_x: !!python/object/apply:os.system ["touch pwned"]\nversion: 1\n')
    const out = join(dir, 'tagged.json')
    const run = await runCli(['convert', tagged, '--to', 'json', '-o', out])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      new RegExp(
        `^vcrjs: ${tagged.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: its content cannot be deserialized \\(it holds the Python tag !!python/object/apply:os\\.system, which would run Python code when loaded; .*Re-record the cassette, or replace that value by plain data\\)\n$`,
      ),
    )
    expect(existsSync(out)).toBe(false)
  })

  it('keeps a timestamp another writer put in a key vcrjs does not model (it was written back as {})', async () => {
    const dir = await tempCassetteDir()
    const yaml = await writeCassette(join(dir, 'a.yaml'), [{ url: 'http://127.0.0.1:9/' }])
    await writeFile(yaml, (await readFile(yaml, 'utf8')).replace('  response:', '  seen_at: 2025-01-01 10:00:00\n  response:'))
    const run = await runCli(['convert', yaml, '--to', 'yaml'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('\n  seen_at: 2025-01-01T10:00:00.000Z\n')
    const json = await runCli(['convert', yaml, '--to', 'json'])
    expect(json.stdout).toContain('"seen_at": "2025-01-01T10:00:00.000Z"')
  })

  it('--to is required and checked', async () => {
    const dir = await tempCassetteDir()
    const yaml = await writeCassette(join(dir, 'a.yaml'), [{ url: 'http://127.0.0.1:9/' }])
    const missing = await runCli(['convert', yaml])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('--to yaml|json|ruby-yaml|har')
    const unknown = await runCli(['convert', yaml, '--to', 'xml'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown format --to xml; choose one of yaml, json, ruby-yaml, har')
  })
})
