import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Cassette, type CassetteOptions, SecretInCassetteError, VCR } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { expectNoMatch } from '../support/errors.js'
import { decodedBody, PEERS, peerDir, readPeerSidecar } from '../support/peer-fixtures.js'
import { BINARY_BODY, COMPRESSED_JSON, JSON_BODY, LOGIN_TOKEN, startTestServer, type TestServer, UTF8_BODY } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'

/** A request as a scenario states it; `path` is resolved against the test server. */
export interface ScenarioRequest {
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string | Buffer
}

/** What the client under test gave its caller, normalised for comparison. */
export interface ClientResponse {
  status: number
  /** Lower-case names; every value the client exposes, in order (two Set-Cookie are two). */
  headers: Record<string, string[]>
  /** The body as the client hands it to its caller (decompressed where the client decompresses). */
  body: Buffer
}

/**
 * One client wired through its vcrjs adapter. Each adapter's test file
 * supplies this and calls `defineConformanceSuite`; nothing else differs.
 */
export interface ClientUnderTest {
  /** e.g. 'fetch', 'undici.request', 'axios (http)', 'got' */
  readonly id: string
  /**
   * Sends `request` (an absolute URL) through the client with the adapter
   * bound to `cassette`, or created without a cassette when it is undefined.
   * Must not throw for 4xx/5xx statuses (turn off the client's own status errors).
   */
  send(request: Omit<ScenarioRequest, 'path'> & { url: string }, cassette?: Cassette): Promise<ClientResponse>
  /**
   * How the client surfaces the core's no-match error. Default `'error-or-cause'`:
   * the CannotOverwriteExistingCassetteError itself or along the `cause` chain.
   * `'code-and-message'`: a client that wraps errors without `cause` (node-fetch's
   * FetchError) but keeps the wrapped error's `code` and message.
   */
  readonly noMatchError?: 'error-or-cause' | 'code-and-message'
}


export function defineConformanceSuite(client: ClientUnderTest): void {
  /** The no-match error as this client surfaces it: its message, and the code where that is all that survives. */
  async function noMatch(promise: Promise<unknown>): Promise<{ message: string }> {
    if (client.noMatchError !== 'code-and-message') return expectNoMatch(promise)
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e as { code?: unknown; message: string },
    )
    expect(error?.code).toBe('VCR_CANNOT_OVERWRITE_EXISTING_CASSETTE')
    return error!
  }

  describe(`conformance: ${client.id}`, () => {
    /** Records `requests` into a fresh cassette, stops the server, replays them offline, and returns both runs. */
    async function recordThenReplay(requests: ScenarioRequest[], options: CassetteOptions = {}, { sameHeaders = true } = {}) {
      const server = await startTestServer()
      const dir = await tempCassetteDir()
      const vcr = new VCR({ cassetteLibraryDir: dir, ...options })
      let live: ClientResponse[]
      try {
        live = await vcr.useCassette('scenario.yaml', (cassette) => sendAll(server, requests, cassette))
      } finally {
        await server.close()
      }
      const hits = server.hits
      const replayed = await vcr.useCassette('scenario.yaml', (cassette) => sendAll(server, requests, cassette), { recordMode: 'none' })
      expect(server.hits, 'replay must not reach the server').toBe(hits)
      if (sameHeaders) expect(replayed).toEqual(live)
      else expect(replayed.map(({ status, body }) => ({ status, body }))).toEqual(live.map(({ status, body }) => ({ status, body })))
      const file = await readFile(join(dir, 'scenario.yaml'), 'utf8')
      return { live, replayed, file, hits }
    }

    async function sendAll(server: TestServer, requests: ScenarioRequest[], cassette: Cassette | undefined) {
      const out: ClientResponse[] = []
      for (const { path, ...rest } of requests) out.push(await client.send({ ...rest, url: server.url(path) }, cassette))
      return out
    }

    it('JSON: records and replays status, headers and body', async () => {
      const { live } = await recordThenReplay([{ path: '/json' }])
      expect(live[0]!.status).toBe(200)
      expect(live[0]!.headers['content-type']).toEqual(['application/json'])
      expect(live[0]!.body.toString()).toBe(JSON_BODY)
    })

    it('text with a query string', async () => {
      const { live, file } = await recordThenReplay([{ path: '/text?b=2&a=1' }])
      expect(live[0]!.body.toString()).toBe('query: b=2&a=1')
      expect(file).toContain('/text?b=2&a=1')
    })

    it('UTF-8 text is kept exactly and stored readable', async () => {
      const { live, file } = await recordThenReplay([{ path: '/utf8' }])
      expect(live[0]!.body.toString('utf8')).toBe(UTF8_BODY)
      expect(file).toContain('Grüße aus Köln')
    })

    it('binary bodies survive byte for byte', async () => {
      const { live, file } = await recordThenReplay([{ path: '/binary' }])
      expect(Buffer.compare(live[0]!.body, BINARY_BODY)).toBe(0)
      expect(file).toContain('!!binary')
    })

    for (const encoding of ['gzip', 'deflate', 'br']) {
      it(`${encoding}: stored compressed as received, decoded by the client on replay`, async () => {
        const { live, file } = await recordThenReplay([{ path: `/${encoding}` }])
        expect(live[0]!.body.toString()).toBe(COMPRESSED_JSON)
        expect(file).toMatch(new RegExp(`Content-Encoding:\\n\\s+- ${encoding}`))
        expect(file).toContain('!!binary')
      })
    }

    it('204, 404 and 500 come back as they were', async () => {
      const { live } = await recordThenReplay([{ path: '/status/204' }, { path: '/status/404' }, { path: '/status/500' }])
      expect(live.map((response) => response.status)).toEqual([204, 404, 500])
      expect(live[0]!.body.length).toBe(0)
      expect(live[1]!.body.toString()).toBe('status 404')
    })

    it('two Set-Cookie headers stay two', async () => {
      const { live } = await recordThenReplay([{ path: '/cookies' }])
      expect(live[0]!.headers['set-cookie']).toEqual(['session=abc123; Path=/; HttpOnly', 'theme=dark; Path=/'])
    })

    it('a redirect chain is followed, and each hop is its own interaction', async () => {
      const { live, file } = await recordThenReplay([{ path: '/redirect/2' }])
      expect(live[0]!.status).toBe(200)
      expect(live[0]!.body.toString()).toBe(JSON_BODY)
      expect(file.match(/- request:/g)).toHaveLength(3)
      expect(file).toContain('/redirect/2')
      expect(file).toContain('/redirect/1')
    })

    it('identical requests replay in recorded order', async () => {
      const { live, hits } = await recordThenReplay([{ path: '/counter' }, { path: '/counter' }, { path: '/counter' }])
      expect(live.map((response) => JSON.parse(response.body.toString()).count)).toEqual([1, 2, 3])
      expect(hits).toBe(3)
    })

    it('request bodies are recorded and matched with the body matcher', async () => {
      const json = { name: 'vcrjs', tags: ['a', 'b'] }
      const requests: ScenarioRequest[] = [
        { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) },
        { method: 'POST', path: '/echo', headers: { 'content-type': 'text/plain' }, body: 'plain text' },
        { method: 'PUT', path: '/echo', headers: { 'content-type': 'application/octet-stream' }, body: BINARY_BODY },
      ]
      const { live, file } = await recordThenReplay(requests, { matchOn: ['method', 'uri', 'body'] })
      const echoed = live.map((response) => Buffer.from(JSON.parse(response.body.toString()).body, 'base64'))
      expect(JSON.parse(echoed[0]!.toString())).toEqual(json)
      expect(echoed[1]!.toString()).toBe('plain text')
      expect(Buffer.compare(echoed[2]!, BINARY_BODY)).toBe(0)
      expect(file).toContain('plain text')
    })

    it('the body matcher picks the interaction by body, whatever the order', async () => {
      const server = await startTestServer()
      const dir = await tempCassetteDir()
      const vcr = new VCR({ cassetteLibraryDir: dir, matchOn: ['method', 'uri', 'body'] })
      const post = (body: string) => ({ method: 'POST', headers: { 'content-type': 'text/plain' }, body, url: server.url('/echo') })
      await vcr.useCassette('bodies.yaml', async (cassette) => {
        await client.send(post('first'), cassette)
        await client.send(post('second'), cassette)
      })
      await server.close()
      const replayed = await vcr.useCassette('bodies.yaml', async (cassette) => [
        await client.send(post('second'), cassette),
        await client.send(post('first'), cassette),
      ])
      const bodies = replayed.map((response) => Buffer.from(JSON.parse(response.body.toString()).body, 'base64').toString())
      expect(bodies).toEqual(['second', 'first'])
    })

    describe('record modes', () => {
      it("once: a cassette that exists replays, and an unknown request fails with the no-match error", async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({ cassetteLibraryDir: dir })
        await vcr.useCassette('once.yaml', (cassette) => client.send({ url: server.url('/json') }, cassette))
        const error = await vcr.useCassette('once.yaml', (cassette) => noMatch(client.send({ url: server.url('/text?q=1') }, cassette)))
        await server.close()
        expect(server.hits).toBe(1)
        expect(error.message).toContain(`GET ${server.url('/text?q=1')}`)
        expect(error.message).toContain(join(dir, 'once.yaml'))
        expect(error.message).toContain("'once'")
        expect(error.message).toMatch(/matcher failed: path/)
      })

      it('none: never touches the network and creates no file', async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
        await vcr.useCassette('none.yaml', (cassette) => noMatch(client.send({ url: server.url('/json') }, cassette)))
        await server.close()
        expect(server.hits).toBe(0)
        await expect(readFile(join(dir, 'none.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
      })

      it('new_episodes: replays what it has and records what it lacks', async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'new_episodes' })
        await vcr.useCassette('episodes.yaml', (cassette) => client.send({ url: server.url('/counter') }, cassette))
        const [first, second] = await vcr.useCassette('episodes.yaml', async (cassette) => [
          await client.send({ url: server.url('/counter') }, cassette),
          await client.send({ url: server.url('/counter') }, cassette),
        ])
        expect(JSON.parse(first!.body.toString()).count).toBe(1)
        expect(JSON.parse(second!.body.toString()).count).toBe(2)
        expect(server.hits).toBe(2)
        await server.close()
        const file = await readFile(join(dir, 'episodes.yaml'), 'utf8')
        expect(file.match(/- request:/g)).toHaveLength(2)
      })

      it('all: re-records every request and replaces the cassette', async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({ cassetteLibraryDir: dir })
        await vcr.useCassette('all.yaml', async (cassette) => {
          await client.send({ url: server.url('/counter') }, cassette)
          await client.send({ url: server.url('/json') }, cassette)
        })
        const again = await vcr.useCassette('all.yaml', (cassette) => client.send({ url: server.url('/counter') }, cassette), {
          recordMode: 'all',
        })
        await server.close()
        expect(JSON.parse(again.body.toString()).count).toBe(2)
        const file = await readFile(join(dir, 'all.yaml'), 'utf8')
        expect(file.match(/- request:/g)).toHaveLength(1)
        expect(file).toContain('{"count":2}')
      })
    })

    describe('options', () => {
      it('filtered secrets never reach the cassette file, and replay still succeeds', async () => {
        const secrets = { authorization: 'Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc', apiKey: 'ak_9f8e7d6c5b4a', password: 'correct horse battery staple' }
        const login: ScenarioRequest = {
          method: 'POST',
          path: `/login?api_key=${secrets.apiKey}&lang=en`,
          headers: { authorization: secrets.authorization, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ user: 'alice', password: secrets.password }).toString(),
        }
        const { live, file } = await recordThenReplay([login], {
          filterHeaders: ['authorization'],
          filterQueryParameters: ['api_key'],
          filterPostDataParameters: [['password', '<PASSWORD>']],
          sensitiveData: { '<LOGIN_TOKEN>': LOGIN_TOKEN },
        })
        expect(JSON.parse(live[0]!.body.toString())).toEqual({ token: LOGIN_TOKEN, user: 'alice' })
        const bytes = Buffer.from(file)
        for (const secret of [secrets.authorization, secrets.apiKey, secrets.password, encodeURIComponent(secrets.password), 'correct+horse', LOGIN_TOKEN]) {
          expect(bytes.includes(secret), `cassette contains ${secret}`).toBe(false)
        }
        expect(file).toContain('<LOGIN_TOKEN>')
        expect(file).toContain('lang=en')
      })

      it('sensitiveData hides every spelling of a secret (URL path and query, header, JSON bodies both ways) and replay gives it back', async () => {
        const secret = `p@ss w!rd"\\'+&/é`
        const spellings = {
          raw: secret,
          uriComponent: encodeURIComponent(secret),
          form: new URLSearchParams({ pw: secret }).toString().slice('pw='.length),
          json: JSON.stringify(secret).slice(1, -1),
        }
        const request: ScenarioRequest = {
          method: 'POST',
          path: `/secret/${spellings.uriComponent}?pw=${spellings.form}&lang=en`,
          headers: { 'content-type': 'application/json', 'x-secret': spellings.uriComponent },
          body: JSON.stringify({ pw: secret }),
        }
        const { live, file } = await recordThenReplay([request], { sensitiveData: { '<PW>': secret } })
        expect(JSON.parse(live[0]!.body.toString('utf8'))).toEqual({ fromQuery: secret, fromHeader: secret, fromBody: secret, fromPath: secret })
        for (const [name, spelling] of Object.entries(spellings)) expect(file.includes(spelling), `the cassette holds the ${name} spelling`).toBe(false)
        expect(file).not.toMatch(/w!rd|w%21rd/)
        expect(file).toContain('<PW>')
        expect(file).toContain('lang=en')
      })

      it('default filters: credential headers and query parameters are stored as <FILTERED>, and a run with other credentials replays', async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({ cassetteLibraryDir: dir, matchOn: ['method', 'uri', 'headers'] })
        const request = (token: string) => ({
          url: server.url(`/json?access_token=${token}&page=1`),
          headers: { authorization: `Bearer ${token}`, 'x-api-key': token, accept: 'application/json' },
        })
        try {
          await vcr.useCassette('defaults.yaml', (cassette) => client.send(request('first-credential-1'), cassette))
        } finally {
          await server.close()
        }
        const replayed = await vcr.useCassette('defaults.yaml', (cassette) => client.send(request('second-credential-2'), cassette), { recordMode: 'none' })
        expect(replayed.body.toString()).toBe(JSON_BODY)
        expect(server.hits).toBe(1)
        const file = await readFile(join(dir, 'defaults.yaml'), 'utf8')
        expect(file).not.toContain('first-credential-1')
        expect(file).toContain('access_token=<FILTERED>&page=1')
        expect(file.match(/- '<FILTERED>'/g)).toHaveLength(2)
      })

      it('a credential of a known format the filters missed refuses the save; the old cassette is kept byte for byte', async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'new_episodes' })
        const token = ['ghp', '_', 'R2d2C3poBb8Luke0Leia1Han2Solo3Chewy4'].join('')
        try {
          await vcr.useCassette('scan.yaml', (cassette) => client.send({ url: server.url('/json') }, cassette))
          const before = await readFile(join(dir, 'scan.yaml'))
          const error = await vcr
            .useCassette('scan.yaml', (cassette) => client.send({ url: server.url('/text'), headers: { 'x-github-token': token } }, cassette))
            .then(
              () => expect.fail('the save should have been refused'),
              (e: unknown) => e as SecretInCassetteError,
            )
          expect(error).toBeInstanceOf(SecretInCassetteError)
          expect(error.findings).toEqual([
            { interaction: 1, location: expect.stringMatching(/^request header x-github-token$/i), kind: 'GitHub token', fix: "filterHeaders: ['x-github-token']" },
          ])
          expect(error.message).not.toContain(token)
          expect(Buffer.compare(await readFile(join(dir, 'scan.yaml')), before)).toBe(0)
        } finally {
          await server.close()
        }
      })

      it('decodeCompressedResponse stores a readable body that the client replays as uncompressed', async () => {
        // The stored response is no longer the wire response: no Content-Encoding, a longer Content-Length.
        const { live, replayed, file } = await recordThenReplay([{ path: '/gzip' }], { decodeCompressedResponse: true }, { sameHeaders: false })
        expect(live[0]!.body.toString()).toBe(COMPRESSED_JSON)
        expect(replayed[0]!.headers['content-encoding']).toBeUndefined()
        expect(replayed[0]!.headers['content-length']).toEqual([String(Buffer.byteLength(COMPRESSED_JSON))])
        expect(file).not.toContain('Content-Encoding')
        expect(file).not.toContain('!!binary')
        expect(file).toContain('"compressed":true')
      })

      it('ignoreLocalhost sends requests to the network in every mode and records nothing', async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none', ignoreLocalhost: true })
        const counts = await vcr.useCassette('ignored.yaml', async (cassette) => [
          JSON.parse((await client.send({ url: server.url('/counter') }, cassette)).body.toString()).count,
          JSON.parse((await client.send({ url: server.url('/counter') }, cassette)).body.toString()).count,
        ])
        await server.close()
        expect(counts).toEqual([1, 2])
        await expect(readFile(join(dir, 'ignored.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
      })

      it('filterResponseHeaders keeps Set-Cookie off disk; the live run still saw both cookies', async () => {
        const { live, replayed, file } = await recordThenReplay([{ path: '/cookies' }], { filterResponseHeaders: ['set-cookie'] }, { sameHeaders: false })
        expect(live[0]!.headers['set-cookie']).toHaveLength(2)
        expect(replayed[0]!.headers['set-cookie']).toBeUndefined()
        expect(file).not.toContain('session=abc123')
      })

      it('hooks change what is stored, never what the client receives: a hook that deletes Set-Cookie and rewrites the body', async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({
          cassetteLibraryDir: dir,
          beforeRecordRequest: (request) => {
            request.headers.set('x-recorded-by', 'hook')
            return request
          },
          beforeRecordResponse: (response) => {
            response.headers.delete('set-cookie')
            response.body.fill(0x2a)
            return response
          },
        })
        const live = await vcr.useCassette('hooks-copy.yaml', (cassette) => client.send({ url: server.url('/cookies') }, cassette))
        await server.close()
        const replayed = await vcr.useCassette('hooks-copy.yaml', (cassette) => client.send({ url: server.url('/cookies') }, cassette), {
          recordMode: 'none',
        })
        expect(live.headers['set-cookie']).toHaveLength(2)
        expect(live.body.toString()).toBe('two cookies')
        expect(replayed.headers['set-cookie']).toBeUndefined()
        expect(replayed.body.toString()).toBe('*'.repeat('two cookies'.length))
        const file = await readFile(join(dir, 'hooks-copy.yaml'), 'utf8')
        expect(file).not.toContain('session=abc123')
        expect(file).toContain('x-recorded-by')
      })

      it('beforeRecordRequest and beforeRecordResponse returning null leave an interaction unrecorded', async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({
          cassetteLibraryDir: dir,
          beforeRecordRequest: (request) => (request.path === '/text' ? null : request),
          beforeRecordResponse: (response) => (response.status.code === 404 ? null : response),
        })
        const statuses = await vcr.useCassette('hooks.yaml', async (cassette) => [
          (await client.send({ url: server.url('/text?skip=1') }, cassette)).status,
          (await client.send({ url: server.url('/status/404') }, cassette)).status,
          (await client.send({ url: server.url('/json') }, cassette)).status,
        ])
        await server.close()
        expect(statuses).toEqual([200, 404, 200])
        const file = await readFile(join(dir, 'hooks.yaml'), 'utf8')
        expect(file.match(/- request:/g)).toHaveLength(1)
        expect(file).toContain('/json')
      })

      it('dropUnusedRequests keeps only what was played; allowUnusedInteractions: false reports what was not', async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({ cassetteLibraryDir: dir })
        await vcr.useCassette('unused.yaml', async (cassette) => {
          await client.send({ url: server.url('/json') }, cassette)
          await client.send({ url: server.url('/utf8') }, cassette)
        })
        await server.close()
        const strict = vcr.useCassette('unused.yaml', (cassette) => client.send({ url: server.url('/json') }, cassette), {
          allowUnusedInteractions: false,
        })
        await expect(strict).rejects.toThrow(`GET ${server.url('/utf8')}`)
        await vcr.useCassette('unused.yaml', (cassette) => client.send({ url: server.url('/utf8') }, cassette), { dropUnusedRequests: true })
        const file = await readFile(join(dir, 'unused.yaml'), 'utf8')
        expect(file.match(/- request:/g)).toHaveLength(1)
        expect(file).toContain('/utf8')
      })

      it('allowPlaybackRepeats replays the last recorded response again', async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({ cassetteLibraryDir: dir })
        await vcr.useCassette('repeat.yaml', (cassette) => client.send({ url: server.url('/counter') }, cassette))
        await server.close()
        const counts = await vcr.useCassette(
          'repeat.yaml',
          async (cassette) => [
            JSON.parse((await client.send({ url: server.url('/counter') }, cassette)).body.toString()).count,
            JSON.parse((await client.send({ url: server.url('/counter') }, cassette)).body.toString()).count,
          ],
          { allowPlaybackRepeats: true, recordMode: 'none' },
        )
        expect(counts).toEqual([1, 1])
      })
    })

    describe('replayed responses are self-consistent', () => {
      // A body filtered or edited after recording: the Content-Length follows the body replayed, except where no body is sent.
      const edited = [
        'interactions:',
        '- request:',
        '    body: null',
        '    headers: {}',
        '    method: GET',
        '    uri: http://127.0.0.1:59999/edited',
        '  response:',
        '    body:',
        "      string: 'shortened by hand'",
        '    headers:',
        '      Content-Type:',
        '      - text/plain',
        '      Content-Length:',
        "      - '999'",
        '    status:',
        '      code: 200',
        '      message: OK',
        '- request:',
        '    body: null',
        '    headers: {}',
        '    method: HEAD',
        '    uri: http://127.0.0.1:59999/edited',
        '  response:',
        '    body:',
        "      string: ''",
        '    headers:',
        '      Content-Length:',
        "      - '999'",
        '    status:',
        '      code: 200',
        '      message: OK',
        'version: 1',
        '',
      ].join('\n')

      it('Content-Length agrees with the replayed body (not for HEAD), and each replay is its own response', async () => {
        const dir = await tempCassetteDir()
        await writeFile(join(dir, 'edited.yaml'), edited)
        const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none', allowPlaybackRepeats: true })
        const [first, second, head] = await vcr.useCassette('edited.yaml', async (cassette) => [
          await client.send({ url: 'http://127.0.0.1:59999/edited' }, cassette),
          await client.send({ url: 'http://127.0.0.1:59999/edited' }, cassette),
          await client.send({ method: 'HEAD', url: 'http://127.0.0.1:59999/edited' }, cassette),
        ])
        expect(first!.body.toString()).toBe('shortened by hand')
        expect(first!.headers['content-length']).toEqual([String('shortened by hand'.length)])
        expect(second).toEqual(first)
        expect(head!.status).toBe(200)
        expect(head!.headers['content-length']).toEqual(['999'])
      })
    })

    describe('the current cassette', () => {
      it('an adapter created without a cassette uses the innermost useCassette', async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({ cassetteLibraryDir: dir })
        await vcr.useCassette('current.yaml', () => client.send({ url: server.url('/json') }))
        await server.close()
        const replayed = await vcr.useCassette('current.yaml', () => client.send({ url: server.url('/json') }), { recordMode: 'none' })
        expect(replayed.body.toString()).toBe(JSON_BODY)
        expect(server.hits).toBe(1)
      })

      it('concurrent useCassette calls never share a cassette', async () => {
        const server = await startTestServer()
        const dir = await tempCassetteDir()
        const vcr = new VCR({ cassetteLibraryDir: dir })
        const [a, b] = await Promise.all([
          vcr.useCassette('a.yaml', async (cassette) => {
            await client.send({ url: server.url('/text?who=a') })
            return cassette.length
          }),
          vcr.useCassette('b.yaml', async (cassette) => {
            await client.send({ url: server.url('/text?who=b1') })
            await client.send({ url: server.url('/text?who=b2') })
            return cassette.length
          }),
        ])
        await server.close()
        expect([a, b]).toEqual([1, 2])
        expect(await readFile(join(dir, 'a.yaml'), 'utf8')).not.toContain('who=b')
        expect(await readFile(join(dir, 'b.yaml'), 'utf8')).not.toContain('who=a')
      })
    })

    describe('replays cassettes recorded by vcrpy and Ruby VCR', () => {
      // fixtures/{vcrpy,ruby}: recorded by the real peers; no server listens at their URLs now.
      // Ruby's `gzip` holds the body Net::HTTP inflated, its `gzip-accept-encoding` the gzip bytes.
      const fixtures = ['json-get', 'gzip', 'gzip-accept-encoding', 'cookies', 'counter']
      for (const peer of PEERS) {
        for (const name of fixtures) {
          it(`${peer.dir}/${name}${peer.extension}: status, body and Set-Cookie as the peer's client saw them`, async () => {
            const { interactions } = readPeerSidecar(peer, name)
            const vcr = new VCR({ cassetteLibraryDir: peerDir(peer) })
            const replayed = await vcr.useCassette(
              `${name}${peer.extension}`,
              async (cassette) => {
                const out: ClientResponse[] = []
                for (const { method, uri } of interactions) out.push(await client.send({ method, url: uri }, cassette))
                return out
              },
              { recordMode: 'none' },
            )
            expect(replayed.map(({ status, body, headers }) => ({ status, body, setCookie: headers['set-cookie'] ?? [] }))).toEqual(
              interactions.map((live) => ({
                status: live.status,
                body: decodedBody(live),
                setCookie: live.headers.filter(([header]) => header.toLowerCase() === 'set-cookie').map(([, value]) => value),
              })),
            )
          })
        }
      }
    })
  })
}
