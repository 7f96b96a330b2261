import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type CassetteOptions, type Interaction, interactionsFromData, interactionsToData, Request, Response, yamlSerializer } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { startTestServer } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'
import { writeCassette } from './cassettes.js'
import { recordCassette, type SentRequest } from './record.js'
import { replayThroughFetch } from './replay.js'
import { runCli } from './run-cli.js'
import { vcrpyReplay } from './vcrpy.js'

const EMAIL = 'alice.private@example.com'
const CUSTOMER = 'cust-8842'

/** A customer id in a header and the query, an e-mail in a form body and a JSON body. */
const REQUESTS: SentRequest[] = [
  { path: `/text?customer=${CUSTOMER}&page=2`, headers: { 'X-Customer': CUSTOMER } },
  { method: 'POST', path: '/echo', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `customer_email=${encodeURIComponent(EMAIL)}&plan=pro` },
  { method: 'POST', path: '/echo?v=1', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ customer_email: EMAIL, plan: 'pro', seats: 3 }) },
  { path: '/cookies' },
]

const REDACT_ARGS = ['--header', 'X-Customer', '--query', 'customer', '--field', 'customer_email', '--secret', `${EMAIL}=<EMAIL>`, '--response-header', 'Set-Cookie=<COOKIE>']

/** The same filters as VCR options, for recording and for matching live requests. */
const SAME_OPTIONS: CassetteOptions = {
  filterHeaders: ['X-Customer'],
  filterQueryParameters: ['customer'],
  filterPostDataParameters: ['customer_email'],
  sensitiveData: { '<EMAIL>': EMAIL },
  filterResponseHeaders: [['Set-Cookie', '<COOKIE>']],
}

async function load(path: string): Promise<Interaction[]> {
  return interactionsFromData(yamlSerializer.deserialize(await readFile(path, 'utf8')))
}

const requestFacts = (interactions: Interaction[]) =>
  interactions.map(({ request }) => ({
    method: request.method,
    url: request.url,
    headers: request.headers.entries().filter(([name]) => name.toLowerCase() !== 'date'),
    body: request.body === null ? null : Buffer.from(request.body).toString('utf8'),
  }))

describe('vcrjs redact', () => {
  it('rewrites the cassette as if it had been recorded with the same filters; it replays live requests through fetch with them, and loads in vcrpy', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    let plain: string
    let filtered: string
    try {
      plain = await recordCassette(dir, 'plain.yaml', server.origin, REQUESTS)
      filtered = await recordCassette(dir, 'filtered.yaml', server.origin, REQUESTS, SAME_OPTIONS)
    } finally {
      await server.close()
    }
    expect(await readFile(plain, 'utf8')).toContain(EMAIL)

    const run = await runCli(['redact', plain, ...REDACT_ARGS])
    expect(run.code).toBe(0)
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      `${plain} (yaml): 7 changes`,
      '  interaction 0: request url',
      '  interaction 0: request header X-Customer removed',
      '  interaction 1: request header content-length replaced',
      '  interaction 1: request body',
      '  interaction 2: request header content-length replaced',
      '  interaction 2: request body',
      '  interaction 3: response header Set-Cookie replaced',
      'vcrjs redact: 1 file changed',
    ])
    expect(run.stdout + run.stderr).not.toContain(EMAIL)
    const text = await readFile(plain, 'utf8')
    expect(text).not.toContain(EMAIL)
    expect(text).not.toMatch(/uri: .*customer=/)
    expect(text).not.toMatch(/X-Customer/i)
    // Exactly what recording with the same options stores.
    expect(requestFacts(await load(plain))).toEqual(requestFacts(await load(filtered)))
    expect((await load(plain))[3]!.response.headers.getAll('set-cookie')).toEqual(['<COOKIE>', '<COOKIE>'])

    // Live requests, secrets and all, match the redacted cassette through the same options, bodies included.
    const { results, allPlayed } = await replayThroughFetch(plain, server.origin, REQUESTS, { ...SAME_OPTIONS, matchOn: ['method', 'scheme', 'host', 'port', 'path', 'query', 'body'] })
    expect(allPlayed).toBe(true)
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200])
    expect(results[0]!.body.toString()).toBe(`query: customer=${CUSTOMER}&page=2`)

    const stored = await load(plain)
    const vcrpy = await vcrpyReplay(
      plain,
      stored.map(({ request }) => ({ method: request.method, url: request.url, headers: request.headers.entries() as [string, string][], body: request.body && Buffer.from(request.body) })),
    )
    expect(vcrpy.cassette.map((item) => item.uri)).toEqual(stored.map(({ request }) => request.url))
    expect(vcrpy.cassette[0]!.headers).not.toHaveProperty('X-Customer')
    expect(vcrpy.replayed.map((item) => item.status)).toEqual([200, 200, 200, 200])
    expect(vcrpy.allPlayed).toBe(true)
  })

  for (const [format, file, shape, url] of [
    ['yaml', 'c.yaml', /^interactions:\n- request:\n/, 'http://127.0.0.1:9/a?token=<TOKEN>&page=1'],
    ['json', 'c.json', /^\{\n {4}"interactions": \[\n/, 'http://127.0.0.1:9/a?token=<TOKEN>&page=1'],
    // Ruby VCR's URI is webmock's spelling: query sorted, escaped.
    ['ruby-yaml', 'c.yml', /^---\nhttp_interactions:\n- request:\n {4}method: get\n/, 'http://127.0.0.1:9/a?page=1&token=%3CTOKEN%3E'],
    ['ruby-json', 'c.json', /^\{"http_interactions":\[\{"request":\{"method":"get"/, 'http://127.0.0.1:9/a?page=1&token=%3CTOKEN%3E'],
  ] as const) {
    it(`keeps a ${format} cassette in ${format}`, async () => {
      const dir = await tempCassetteDir()
      const path = await writeCassette(
        join(dir, file),
        [{ url: 'http://127.0.0.1:9/a?token=abc&page=1', headers: { 'X-Customer': CUSTOMER, Accept: 'text/plain' }, responseBody: 'ok' }],
        format,
      )
      const run = await runCli(['redact', path, '--header', 'x-customer', '--query', 'token=<TOKEN>'])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(`${path} (${format}): 2 changes`)
      const text = await readFile(path, 'utf8')
      expect(text).toMatch(shape)
      expect(text).not.toContain(CUSTOMER)
      const inspect = JSON.parse((await runCli(['inspect', path, '--json'])).stdout) as { files: Array<{ format: string; interactions: Array<{ url: string }> }> }
      expect(inspect.files[0]!.format).toBe(format)
      expect(inspect.files[0]!.interactions[0]!.url).toBe(url)
    })
  }

  it('keeps a HAR a HAR', async () => {
    const dir = await tempCassetteDir()
    const yaml = await writeCassette(join(dir, 'c.yaml'), [{ url: 'http://127.0.0.1:9/a', headers: { 'X-Customer': CUSTOMER, Accept: 'text/plain' }, responseBody: 'ok' }])
    const har = join(dir, 'c.har')
    expect((await runCli(['convert', yaml, '--to', 'har', '-o', har])).code).toBe(0)
    const run = await runCli(['redact', har, '--header', 'X-Customer'])
    expect(run.stdout).toContain(`${har} (har): 1 change`)
    const entries = (JSON.parse(await readFile(har, 'utf8')) as { log: { entries: Array<{ request: { headers: unknown } }> } }).log.entries
    expect(entries[0]!.request.headers).toEqual([{ name: 'Accept', value: 'text/plain' }])
  })

  it('a file it cannot parse is named and left byte-identical (exit 1); a file with nothing to change is not rewritten; no temporary file is left', async () => {
    const dir = await tempCassetteDir()
    const broken = join(dir, 'broken.yaml')
    const brokenText = 'interactions:\n- request: {method: GET, uri: [\n  X-Customer: cust-8842\n'
    await writeFile(broken, brokenText)
    const untouched = await writeCassette(join(dir, 'untouched.yaml'), [{ url: 'http://127.0.0.1:9/plain' }])
    const changed = await writeCassette(join(dir, 'changed.yaml'), [{ url: 'http://127.0.0.1:9/c', headers: { 'X-Customer': CUSTOMER } }])
    const before = await stat(untouched)
    const run = await runCli(['redact', dir, '--header', 'X-Customer'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`${broken}: its content cannot be deserialized`)
    expect(run.stderr).toContain('(left as it was)')
    expect(await readFile(broken, 'utf8')).toBe(brokenText)
    const after = await stat(untouched)
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs])
    expect(run.stdout).toContain(`${changed} (yaml): 1 change`)
    expect(run.stdout).not.toContain('untouched.yaml')
    expect((await readdir(dir)).sort()).toEqual(['broken.yaml', 'changed.yaml', 'untouched.yaml'])
  })

  it('--defaults filters what filterDefaults filters when recording: credential headers and query parameters become <FILTERED>; nothing else changes', async () => {
    const dir = await tempCassetteDir()
    const path = await writeCassette(join(dir, 'old.yaml'), [
      { url: 'http://127.0.0.1:9/a?api_key=k-123&page=2', headers: { Authorization: 'token abc', Cookie: 'sid=1', Accept: 'text/plain' } },
    ])
    const run = await runCli(['redact', path, '--defaults'])
    expect(run.code).toBe(0)
    const [stored] = await load(path)
    expect(stored!.request.url).toBe('http://127.0.0.1:9/a?api_key=<FILTERED>&page=2')
    expect(stored!.request.headers.entries()).toEqual([
      ['Authorization', '<FILTERED>'],
      ['Cookie', '<FILTERED>'],
      ['Accept', 'text/plain'],
    ])
    // Without --defaults those names are left alone.
    const other = await writeCassette(join(dir, 'other.yaml'), [{ url: 'http://127.0.0.1:9/a?api_key=k-123', headers: { Authorization: 'token abc', 'X-Customer': CUSTOMER } }])
    await runCli(['redact', other, '--header', 'X-Customer'])
    const [kept] = await load(other)
    expect(kept!.request.url).toBe('http://127.0.0.1:9/a?api_key=k-123')
    expect(kept!.request.headers.entries()).toEqual([['Authorization', 'token abc']])
  })

  it('--dry-run prints the changes and writes nothing', async () => {
    const dir = await tempCassetteDir()
    const path = await writeCassette(join(dir, 'a.yaml'), [{ url: 'http://127.0.0.1:9/c', headers: { 'X-Customer': CUSTOMER } }])
    const text = await readFile(path, 'utf8')
    const run = await runCli(['redact', path, '--header', 'X-Customer', '--dry-run'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`${path} (yaml): 1 change (dry run, not written)`)
    expect(run.stdout).toContain('vcrjs redact: 1 file would change')
    expect(await readFile(path, 'utf8')).toBe(text)
  })

  it('asks for something to redact, and never echoes a malformed --secret', async () => {
    const dir = await tempCassetteDir()
    const path = await writeCassette(join(dir, 'a.yaml'), [{ url: 'http://127.0.0.1:9/c' }])
    const nothing = await runCli(['redact', path])
    expect(nothing.code).toBe(2)
    expect(nothing.stderr).toContain('say what to redact with --header')
    const malformed = await runCli(['redact', path, '--secret', 'sk_live_no_placeholder'])
    expect(malformed.code).toBe(2)
    expect(malformed.stderr).toContain('--secret takes VALUE=PLACEHOLDER')
    expect(malformed.stderr).not.toContain('sk_live_no_placeholder')
  })

  it('drops the chunk data of a streamed body it changes (the body replays as one chunk), and keeps that of one it leaves alone', async () => {
    const dir = await tempCassetteDir()
    const path = join(dir, 'streamed.yaml')
    const streamed = (body: string) =>
      new Response({ status: 200, body, chunks: [{ size: 10, delayMs: 0 }, { size: body.length - 10, delayMs: 150 }] })
    const data = interactionsToData([
      { request: new Request({ method: 'GET', url: 'http://127.0.0.1:9/events' }), response: streamed(`data: {"email":"${EMAIL}"}\n\n`) },
      { request: new Request({ method: 'GET', url: 'http://127.0.0.1:9/other' }), response: streamed('data: nothing secret here\n\n') },
    ])
    await writeFile(path, yamlSerializer.serialize(data))
    expect((await load(path)).map(({ response }) => response.chunks !== undefined)).toEqual([true, true])

    const run = await runCli(['redact', path, '--secret', `${EMAIL}=<EMAIL>`])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('interaction 0: streaming chunk data dropped (the body changed)')
    expect(run.stdout).not.toContain('interaction 1: streaming')
    const after = await load(path)
    expect(Buffer.from(after[0]!.response.body).toString()).toBe('data: {"email":"<EMAIL>"}\n\n')
    expect(after.map(({ response }) => response.chunks !== undefined)).toEqual([false, true])
  })
})
