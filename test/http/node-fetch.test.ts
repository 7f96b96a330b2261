import { readFile } from 'node:fs/promises'
import type { Agent } from 'node:http'
import { join } from 'node:path'
import { VCR } from '@vcrjs/core'
import { vcrAgent } from '@vcrjs/http'
import fetch, { FetchError } from 'node-fetch'
import { describe, expect, it, onTestFinished } from 'vitest'
import { COMPRESSED_JSON, JSON_BODY, startTestServer } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'
import { nodeFetchClient } from './clients.js'
import { selfSignedCertificate } from './tls.js'
import { startWireServer } from './wire-server.js'

describe('node-fetch through vcrAgent', () => {
  it('a gzip body, a redirect chain and two Set-Cookie record and replay as node-fetch hands them over', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const run = () =>
      vcr.useCassette('node-fetch.yaml', async (cassette) => [
        await nodeFetchClient.send({ url: server.url('/gzip') }, cassette),
        await nodeFetchClient.send({ url: server.url('/redirect/2') }, cassette),
        await nodeFetchClient.send({ url: server.url('/cookies') }, cassette),
      ])
    const live = await run()
    await server.close()
    const hits = server.hits
    const replayed = await run()
    expect(server.hits).toBe(hits)
    expect(replayed).toEqual(live)
    expect(live.map(({ body }) => body.toString())).toEqual([COMPRESSED_JSON, JSON_BODY, 'two cookies'])
    expect(live[2]!.headers['set-cookie']).toEqual(['session=abc123; Path=/; HttpOnly', 'theme=dark; Path=/'])
    const file = await readFile(join(dir, 'node-fetch.yaml'), 'utf8')
    // gzip stored as received, and one interaction per redirect hop.
    expect(file).toMatch(/Content-Encoding:\n\s+- gzip/)
    expect(file.match(/- request:/g)).toHaveLength(5)
  })

  it("node-fetch's agent function picks the http or the https vcrjs agent by URL", async () => {
    const certificate = await selfSignedCertificate()
    const plain = await startWireServer()
    const secure = await startWireServer(certificate)
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const run = () =>
      vcr.useCassette('both.yaml', async (cassette) => {
        const agents = { http: vcrAgent(cassette, { protocol: 'http' }), https: vcrAgent(cassette, { ca: certificate.cert }) }
        onTestFinished(() => Object.values(agents).forEach((agent) => agent.destroy()))
        const agent = (url: URL): Agent => (url.protocol === 'https:' ? agents.https : agents.http)
        return [await (await fetch(plain.url('/counter'), { agent })).json(), await (await fetch(secure.url('/counter'), { agent })).json()]
      })
    const live = await run()
    await Promise.all([plain.close(), secure.close()])
    const replayed = await run()
    expect(live).toEqual([{ count: 1 }, { count: 1 }])
    expect(replayed).toEqual(live)
    expect([plain.hits, secure.hits]).toEqual([1, 1])
  })

  it("a request the cassette cannot answer rejects with node-fetch's FetchError, carrying the core error's code and message", async () => {
    // node-fetch wraps the request's error in a FetchError that keeps only the
    // message and the code, no `cause`: the one difference from the shared suite.
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
    const error = await vcr.useCassette('none.yaml', (cassette) =>
      fetch(server.url('/counter'), { agent: vcrAgent(cassette, { protocol: 'http' }) }).then(() => undefined, (e: unknown) => e),
    )
    expect(error).toBeInstanceOf(FetchError)
    expect(error).toMatchObject({ type: 'system', code: 'VCR_CANNOT_OVERWRITE_EXISTING_CASSETTE' })
    expect((error as Error).message).toContain(`does not exist, and record mode 'none' does not record: GET ${server.url('/counter')} cannot be replayed`)
    expect(server.hits).toBe(0)
  })
})
