import { readFile, writeFile } from 'node:fs/promises'
import https from 'node:https'
import { join } from 'node:path'
import { VCR } from '@vcrjs/core'
import { vcrAgent } from '@vcrjs/http'
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempCassetteDir } from '../support/temp.js'
import { request } from './clients.js'
import { selfSignedCertificate } from './tls.js'
import { startWireServer } from './wire-server.js'

function httpsAgent(...args: Parameters<typeof vcrAgent>): https.Agent {
  const agent = vcrAgent(...args) as https.Agent
  onTestFinished(() => agent.destroy())
  return agent
}

describe('vcrAgent over https', () => {
  it("records over a real TLS connection made with the caller's CA, and replays with the server gone", async () => {
    const certificate = await selfSignedCertificate()
    const server = await startWireServer(certificate)
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const get = () => vcr.useCassette('tls.yaml', (cassette) => request(server.url('/counter'), { agent: httpsAgent(cassette), ca: certificate.cert }))
    const live = await get()
    await server.close()
    const replayed = await get()
    expect(server.hits).toBe(1)
    expect(server.origin).toMatch(/^https:/)
    expect(JSON.parse(live.body.toString())).toEqual({ count: 1 })
    expect(replayed.message.rawHeaders).toEqual(live.message.rawHeaders)
    expect(replayed.body).toEqual(live.body)
    expect(await readFile(join(dir, 'tls.yaml'), 'utf8')).toContain(`uri: ${server.url('/counter')}`)
  })

  it('without the CA the real handshake fails as it would without vcrjs: the TLS options are the caller’s', async () => {
    const server = await startWireServer(await selfSignedCertificate())
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const error = await vcr.useCassette('untrusted.yaml', (cassette) => request(server.url('/counter'), { agent: httpsAgent(cassette) }).then(() => undefined, (e: unknown) => e))
    expect(error).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })
    expect(server.hits).toBe(0)
  })

  it("TLS options given to the agent itself reach the real connection (the AWS SDK's httpsAgent way)", async () => {
    const certificate = await selfSignedCertificate()
    const server = await startWireServer(certificate)
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const live = await vcr.useCassette('agent-ca.yaml', (cassette) => request(server.url('/counter'), { agent: httpsAgent(cassette, { ca: certificate.cert }) }))
    expect(JSON.parse(live.body.toString())).toEqual({ count: 1 })
    expect(server.hits).toBe(1)
  })

  it('replays an https URL on the default port without resolving or reaching the host', async () => {
    const dir = await tempCassetteDir()
    // As vcrpy records it: no port in the URI for https on 443.
    await writeFile(
      join(dir, 'default-port.yaml'),
      [
        'interactions:',
        '- request:',
        '    body: null',
        '    headers: {}',
        '    method: GET',
        '    uri: https://api.example.test/users?page=2',
        '  response:',
        '    body:',
        '      string: \'[{"id":7}]\'',
        '    headers:',
        '      Content-Type:',
        '      - application/json',
        '      Content-Length:',
        "      - '10'",
        '    status:',
        '      code: 200',
        '      message: OK',
        'version: 1',
        '',
      ].join('\n'),
    )
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
    const replayed = await vcr.useCassette('default-port.yaml', (cassette) => request('https://api.example.test/users?page=2', { agent: httpsAgent(cassette) }))
    expect(replayed.message.statusCode).toBe(200)
    expect(replayed.message.headers['content-type']).toBe('application/json')
    expect(replayed.body.toString()).toBe('[{"id":7}]')
  })
})
