import { readFile, writeFile } from 'node:fs/promises'
import http from 'node:http'
import { join } from 'node:path'
import { VCR } from '@vcrjs/core'
import { vcrAgent } from '@vcrjs/http'
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempCassetteDir } from '../support/temp.js'
import { headersOf, type RawResponse, request } from './clients.js'
import { startWireServer } from './wire-server.js'

/** An http agent for one test, destroyed when it ends. */
function agentFor(...args: Parameters<typeof vcrAgent>): http.Agent {
  const agent = vcrAgent(...args)
  onTestFinished(() => agent.destroy())
  return agent
}

/**
 * A GET, or with `parts` a POST whose body is written in parts without a Content-Length, so Node frames it chunked
 * (with `trailers`, sent after the last chunk), or with `contentLength` a POST so framed and written in the same parts.
 */
function exchange(
  url: string,
  agent: http.Agent,
  parts: string[] = [],
  framing: { trailers?: Record<string, string>; contentLength?: boolean } = {},
): Promise<RawResponse & { reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'text/plain' }
    if (framing.contentLength) headers['content-length'] = String(Buffer.byteLength(parts.join('')))
    if (framing.trailers) headers.trailer = Object.keys(framing.trailers).join(', ')
    const options = parts.length ? { method: 'POST', agent, headers } : { agent }
    const req = http.request(url, options, (message) => {
      const chunks: Buffer[] = []
      message.on('data', (chunk: Buffer) => chunks.push(chunk))
      message.on('end', () => resolve({ message, body: Buffer.concat(chunks), reusedSocket: req.reusedSocket }))
    })
    req.on('error', reject)
    const writeNext = (i: number) => {
      if (i === parts.length) {
        if (framing.trailers) req.addTrailers(framing.trailers)
        return void req.end()
      }
      req.write(parts[i])
      setTimeout(() => writeNext(i + 1), 5)
    }
    writeNext(0)
  })
}

describe('vcrAgent: what travels on the connection', () => {
  it('a chunked request body is read whole before the core decides, recorded de-chunked and matched on replay', async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, matchOn: ['method', 'uri', 'body'] })
    const parts = ['first part, ', 'second part, ', 'last part']
    const live = await vcr.useCassette('chunked-request.yaml', (cassette) => exchange(server.url('/wire'), agentFor(cassette, { protocol: 'http' }), parts))
    await server.close()
    const seen = JSON.parse(live.body.toString())
    expect(headersOf(seen.rawHeaders)['transfer-encoding']).toEqual(['chunked'])
    expect(seen.body).toBe(parts.join(''))
    const file = await readFile(join(dir, 'chunked-request.yaml'), 'utf8')
    expect(file).toContain('body: first part, second part, last part')

    const replayed = await vcr.useCassette(
      'chunked-request.yaml',
      (cassette) => exchange(server.url('/wire'), agentFor(cassette, { protocol: 'http' }), parts),
      { recordMode: 'none' },
    )
    expect(server.hits).toBe(1)
    expect(replayed.body.toString()).toBe(live.body.toString())
  })

  it('a chunked request body with trailers, and one with a Content-Length written in parts, are each read whole and matched on replay', async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, matchOn: ['method', 'uri', 'body'] })
    const parts = ['first part, ', 'second part, ', 'last part']
    const both = (agent: http.Agent) =>
      Promise.all([
        exchange(server.url('/wire?framing=trailers'), agent, parts, { trailers: { 'x-checksum': 'abc' } }),
        exchange(server.url('/wire?framing=length'), agent, parts, { contentLength: true }),
      ])
    const live = await vcr.useCassette('framed-requests.yaml', (cassette) => both(agentFor(cassette, { protocol: 'http' })))
    await server.close()
    const [withTrailers, withLength] = live.map((response) => JSON.parse(response.body.toString()))
    expect(headersOf(withTrailers.rawHeaders)['transfer-encoding']).toEqual(['chunked'])
    expect(headersOf(withLength.rawHeaders)['content-length']).toEqual([String(parts.join('').length)])
    expect([withTrailers.body, withLength.body]).toEqual([parts.join(''), parts.join('')])

    const replayed = await vcr.useCassette('framed-requests.yaml', (cassette) => both(agentFor(cassette, { protocol: 'http' })), { recordMode: 'none' })
    expect(server.hits).toBe(2)
    expect(replayed.map((response) => response.body.toString())).toEqual(live.map((response) => response.body.toString()))
  })

  it('a chunked response is stored de-chunked and replayed chunked, headers as they came', async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const get = () => vcr.useCassette('chunked-response.yaml', (cassette) => request(server.url('/chunked'), { agent: agentFor(cassette, { protocol: 'http' }) }))
    const live = await get()
    await server.close()
    const replayed = await get()
    expect(server.hits).toBe(1)
    expect(live.message.headers['transfer-encoding']).toBe('chunked')
    expect(live.body.toString()).toBe('one,two,three')
    expect(replayed.message.rawHeaders).toEqual(live.message.rawHeaders)
    expect(replayed.body.toString()).toBe('one,two,three')
    const file = await readFile(join(dir, 'chunked-response.yaml'), 'utf8')
    expect(file).toContain('string: one,two,three')
    expect(file).toMatch(/Transfer-Encoding:\n\s+- chunked/)
  })

  it('a response ended by closing the connection is replayed the same way, with no framing header added', async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const get = () => vcr.useCassette('until-close.yaml', (cassette) => request(server.url('/until-close'), { agent: agentFor(cassette, { protocol: 'http' }) }))
    const live = await get()
    await server.close()
    const replayed = await get()
    expect(server.hits).toBe(1)
    for (const { message, body } of [live, replayed]) {
      expect(message.headers['content-length']).toBeUndefined()
      expect(message.headers['transfer-encoding']).toBeUndefined()
      expect(body.toString()).toBe('read until the connection closes')
    }
    expect(replayed.message.rawHeaders).toEqual(live.message.rawHeaders)
  })

  it("a cassette without chunk timing (vcrpy's, Ruby's) replays each framing its headers say, and keeps the connection when they allow", async () => {
    const dir = await tempCassetteDir()
    const interaction = (path: string, headers: string[], body: string) =>
      [
        '- request:',
        '    body: null',
        '    headers: {}',
        '    method: GET',
        `    uri: http://127.0.0.1:59999${path}`,
        '  response:',
        '    body:',
        `      string: '${body}'`,
        '    headers:',
        ...headers.map((line) => `      ${line}`),
        '    status:',
        '      code: 200',
        '      message: OK',
      ].join('\n')
    await writeFile(
      join(dir, 'framings.yaml'),
      [
        'interactions:',
        interaction('/chunked', ['Transfer-Encoding:', '- chunked'], 'one,two,three'),
        interaction('/empty-chunked', ['Transfer-Encoding:', '- chunked'], ''),
        interaction('/length', ['Content-Length:', "- '5'"], 'hello'),
        interaction('/until-close', ['Content-Type:', '- text/plain'], 'read until the connection closes'),
        'version: 1',
        '',
      ].join('\n'),
    )
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none', allowPlaybackRepeats: true })
    const replayed = await vcr.useCassette('framings.yaml', async (cassette) => {
      const agent = agentFor(cassette, { protocol: 'http', keepAlive: true })
      const answers = []
      for (const path of ['/chunked', '/empty-chunked', '/length', '/until-close', '/length']) answers.push(await exchange(`http://127.0.0.1:59999${path}`, agent))
      return answers
    })
    expect(replayed.map(({ body }) => body.toString())).toEqual(['one,two,three', '', 'hello', 'read until the connection closes', 'hello'])
    expect(replayed.map(({ message }) => message.headers['transfer-encoding'])).toEqual(['chunked', 'chunked', undefined, undefined, undefined])
    // The connection outlives the chunked and Content-Length answers; the one read until close ends it.
    expect(replayed.map(({ reusedSocket }) => reusedSocket)).toEqual([false, true, true, true, false])
  })

  it('HEAD: the recorded Content-Length comes back without a body', async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const head = () => vcr.useCassette('head.yaml', (cassette) => request(server.url('/counter'), { method: 'HEAD', agent: agentFor(cassette, { protocol: 'http' }) }))
    const live = await head()
    await server.close()
    const replayed = await head()
    expect(server.hits).toBe(1)
    expect(live.message.headers['content-length']).toBe('11')
    expect(replayed.message.rawHeaders).toEqual(live.message.rawHeaders)
    expect(replayed.body.length).toBe(0)
  })

  it("Expect: 100-continue: the client gets 'continue', sends its body, and the body is recorded", async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, matchOn: ['method', 'uri', 'body'] })
    const upload = (agent: http.Agent) =>
      new Promise<{ continued: boolean; body: string }>((resolve, reject) => {
        let continued = false
        const req = http.request(server.url('/wire'), { method: 'PUT', agent, headers: { expect: '100-continue', 'content-length': '6' } }, (message) => {
          const chunks: Buffer[] = []
          message.on('data', (chunk: Buffer) => chunks.push(chunk))
          message.on('end', () => resolve({ continued, body: Buffer.concat(chunks).toString() }))
        })
        req.on('continue', () => {
          continued = true
          req.end('upload')
        })
        req.on('error', reject)
      })
    const live = await vcr.useCassette('continue.yaml', (cassette) => upload(agentFor(cassette, { protocol: 'http' })))
    await server.close()
    const replayed = await vcr.useCassette('continue.yaml', (cassette) => upload(agentFor(cassette, { protocol: 'http' })), { recordMode: 'none' })
    expect(server.hits).toBe(1)
    expect(live.continued).toBe(true)
    expect(JSON.parse(live.body).body).toBe('upload')
    expect(replayed).toEqual(live)
  })
})

describe('vcrAgent: keep-alive', () => {
  it('requests on one kept-alive connection are each their own interaction, recorded and replayed', async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const three = async (agent: http.Agent) => {
      const out: { count: number; reusedSocket: boolean }[] = []
      for (let i = 0; i < 3; i++) {
        const response = await exchange(server.url('/counter'), agent)
        out.push({ count: JSON.parse(response.body.toString()).count, reusedSocket: response.reusedSocket })
      }
      return out
    }
    const live = await vcr.useCassette('keep-alive.yaml', (cassette) => three(agentFor(cassette, { protocol: 'http', keepAlive: true })))
    expect(server.connections).toBe(1)
    await server.close()
    const replayed = await vcr.useCassette('keep-alive.yaml', (cassette) => three(agentFor(cassette, { protocol: 'http', keepAlive: true })), {
      recordMode: 'none',
    })
    expect(server.hits).toBe(3)
    const expected = [
      { count: 1, reusedSocket: false },
      { count: 2, reusedSocket: true },
      { count: 3, reusedSocket: true },
    ]
    expect(live).toEqual(expected)
    expect(replayed).toEqual(expected)
    const file = await readFile(join(dir, 'keep-alive.yaml'), 'utf8')
    expect(file.match(/- request:/g)).toHaveLength(3)
  })

  it('one kept-alive agent shared by two useCassette calls records each request into its own cassette', async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const shared = agentFor(undefined, { protocol: 'http', keepAlive: true })
    const first = await vcr.useCassette('a.yaml', () => exchange(server.url('/wire?who=a'), shared, ['from a']))
    const second = await vcr.useCassette('b.yaml', () => exchange(server.url('/wire?who=b'), shared, ['from b']))
    await server.close()
    // The second request went out on the connection the first one opened, in the first one's useCassette.
    expect([first.reusedSocket, second.reusedSocket]).toEqual([false, true])
    const a = await readFile(join(dir, 'a.yaml'), 'utf8')
    const b = await readFile(join(dir, 'b.yaml'), 'utf8')
    expect(a).toContain('who=a')
    expect(a).not.toContain('who=b')
    expect(b).toContain('who=b')
    expect(b).not.toContain('who=a')
  })
})
