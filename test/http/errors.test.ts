import { readFile } from 'node:fs/promises'
import http from 'node:http'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { CannotOverwriteExistingCassetteError, InvalidOptionError, NoCassetteError, VCR } from '@vcrjs/core'
import { UnsupportedRequestError, vcrAgent } from '@vcrjs/http'
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempCassetteDir } from '../support/temp.js'
import { request } from './clients.js'
import { startWireServer } from './wire-server.js'

function httpAgent(...args: Parameters<typeof vcrAgent>): http.Agent {
  const agent = vcrAgent(...args)
  onTestFinished(() => agent.destroy())
  return agent
}

/** Resolves with the request's 'error' event; fails if a response comes instead. */
function errorOf(req: http.ClientRequest): Promise<Error> {
  return new Promise((resolve, reject) => {
    req.on('error', resolve)
    req.on('response', (res) => reject(new Error(`expected an error, got status ${res.statusCode}`)))
  })
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2_000) throw new Error('condition not met in 2s')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('vcrAgent: errors reach the request as its error event', () => {
  it("a request the cassette cannot answer fails with the core's CannotOverwriteExistingCassetteError itself", async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
    const error = await vcr.useCassette('empty.yaml', (cassette) => {
      const req = http.get(server.url('/counter?n=1'), { agent: httpAgent(cassette, { protocol: 'http' }) })
      return errorOf(req)
    })
    expect(error).toBeInstanceOf(CannotOverwriteExistingCassetteError)
    expect(error.message).toContain(`GET ${server.url('/counter?n=1')}`)
    expect(server.connections).toBe(0)
  })

  it('allowHttpWithoutCassette: false refuses a request outside any cassette with NoCassetteError', async () => {
    const server = await startWireServer()
    const req = http.get(server.url('/counter'), { agent: httpAgent(undefined, { protocol: 'http', allowHttpWithoutCassette: false }) })
    const error = await errorOf(req)
    expect(error).toBeInstanceOf(NoCassetteError)
    expect(server.hits).toBe(0)
  })

  it('a network error while recording reaches the client as it is', async () => {
    const server = await startWireServer()
    const url = server.url('/counter')
    await server.close()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const error = await vcr.useCassette('refused.yaml', (cassette) => errorOf(http.get(url, { agent: httpAgent(cassette, { protocol: 'http' }) })))
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED')
  })

  it('a WebSocket upgrade is refused with UnsupportedRequestError before reaching the server', async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const error = await vcr.useCassette('upgrade.yaml', (cassette) =>
      errorOf(
        http.get(server.url('/socket'), {
          agent: httpAgent(cassette, { protocol: 'http' }),
          headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
        }),
      ),
    )
    expect(error).toBeInstanceOf(UnsupportedRequestError)
    expect(error.message).toContain(`protocol upgrade (such as a WebSocket): GET ${server.url('/socket')}`)
    expect(server.connections).toBe(0)
  })

  it('a CONNECT tunnel is refused with UnsupportedRequestError before reaching the server', async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const { port } = new URL(server.url('/'))
    const error = await vcr.useCassette('connect.yaml', (cassette) =>
      errorOf(http.request({ host: '127.0.0.1', port, method: 'CONNECT', path: 'example.test:443', agent: httpAgent(cassette, { protocol: 'http' }) }).end()),
    )
    expect(error).toBeInstanceOf(UnsupportedRequestError)
    expect(error.message).toContain('a CONNECT tunnel: CONNECT ')
    expect(server.connections).toBe(0)
  })

  it('bytes that are not an HTTP/1.1 request, written on a connection of the agent, fail it with UnsupportedRequestError', async () => {
    const server = await startWireServer()
    // What a library that opens its own connections through an agent (agent-base, ws) calls.
    const agent = httpAgent(undefined, { protocol: 'http' }) as unknown as { createConnection(options: http.RequestOptions): Duplex }
    const socket = agent.createConnection({ host: '127.0.0.1', port: Number(new URL(server.url('/')).port) })
    const failed = new Promise<Error>((resolve) => socket.once('error', resolve))
    socket.write('HELLO THERE\r\n\r\n')
    const error = await failed
    expect(error).toBeInstanceOf(UnsupportedRequestError)
    expect(error.message).toContain('could not read the HTTP/1.1 request the client wrote (HPE_INVALID_REQUEST_LINE)')
    expect(server.connections).toBe(0)
  })

  it('a header value is read without the spaces and tabs around it, and with those inside it', async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const answer = await vcr.useCassette('spaces.yaml', (cassette) => {
      const agent = httpAgent(cassette, { protocol: 'http' }) as unknown as { createConnection(options: http.RequestOptions): Duplex }
      const socket = agent.createConnection({ host: '127.0.0.1', port: Number(new URL(server.url('/')).port) })
      return new Promise<string>((resolve, reject) => {
        let received = ''
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString('latin1')
          if (received.includes('"connection"')) resolve(received)
        })
        socket.on('error', reject)
        socket.write('GET /wire HTTP/1.1\r\nHost: h\r\nX-Spaced: \t inner  value\t \r\nX-Empty:  \r\n\r\n')
      })
    })
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    // What reached the server: the wire server answers with the raw headers it got.
    expect(answer).toContain('"rawHeaders":["Host","h","X-Spaced","inner  value","X-Empty","",')
    const file = await readFile(join(dir, 'spaces.yaml'), 'utf8')
    expect(file).toContain("X-Spaced:\n      - inner  value\n")
  })

  it.each([
    ['a header line without a colon', 'GET / HTTP/1.1\r\nHost: h\r\nno colon here\r\n\r\n'],
    ['a header name that is not a token', 'GET / HTTP/1.1\r\nBad Name: x\r\n\r\n'],
    ['an empty header name', 'GET / HTTP/1.1\r\n: x\r\n\r\n'],
    ['a bare CR in a header value', 'GET / HTTP/1.1\r\nX-A: one\rtwo\r\n\r\n'],
    ['a bare LF in a header value', 'GET / HTTP/1.1\r\nX-A: one\ntwo\r\n\r\n'],
  ])('%s fails the connection with UnsupportedRequestError (HPE_INVALID_HEADER_TOKEN)', async (_what, bytes) => {
    const server = await startWireServer()
    const agent = httpAgent(undefined, { protocol: 'http' }) as unknown as { createConnection(options: http.RequestOptions): Duplex }
    const socket = agent.createConnection({ host: '127.0.0.1', port: Number(new URL(server.url('/')).port) })
    const failed = new Promise<Error>((resolve) => socket.once('error', resolve))
    socket.write(bytes)
    const error = await failed
    expect(error).toBeInstanceOf(UnsupportedRequestError)
    expect(error.message).toContain('(HPE_INVALID_HEADER_TOKEN)')
    expect(server.connections).toBe(0)
  })
})

describe('vcrAgent: aborts and timeouts', () => {
  it('aborting a request while it records stops the real request and records nothing', async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const controller = new AbortController()
    const error = await vcr.useCassette('aborted.yaml', async (cassette) => {
      const req = http.get(server.url('/hang'), { agent: httpAgent(cassette, { protocol: 'http' }), signal: controller.signal })
      const failed = errorOf(req)
      await until(() => server.hits === 1)
      controller.abort()
      return failed
    })
    expect(error.name).toBe('AbortError')
    await until(() => server.abandoned === 1)
    await expect(readFile(join(dir, 'aborted.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it("an agent-wide timeout fires the request's 'timeout' as http.Agent's does", async () => {
    const server = await startWireServer()
    const req = http.get(server.url('/hang'), { agent: httpAgent(undefined, { protocol: 'http', timeout: 50 }) })
    const failed = errorOf(req)
    await new Promise((resolve) => req.on('timeout', resolve))
    req.destroy(new Error('timed out'))
    expect((await failed).message).toBe('timed out')
    await until(() => server.abandoned === 1)
  })

  it("a request timeout fires 'timeout' while the server is slow; destroying the request stops the real one", async () => {
    const server = await startWireServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const outcome = await vcr.useCassette('timeout.yaml', async (cassette) => {
      const req = http.get(server.url('/hang'), { agent: httpAgent(cassette, { protocol: 'http' }), timeout: 100 })
      let responded = false
      req.on('response', () => (responded = true))
      const failed = errorOf(req)
      await new Promise((resolve) => req.on('timeout', resolve))
      // 'timeout' fired while the real server still held the request, before any response.
      const whenTimedOut = { responded, abandoned: server.abandoned }
      req.destroy(new Error('timed out'))
      return { whenTimedOut, error: await failed }
    })
    expect(outcome.whenTimedOut).toEqual({ responded: false, abandoned: 0 })
    expect(outcome.error.message).toBe('timed out')
    await until(() => server.abandoned === 1)
  })
})

describe('vcrAgent: options', () => {
  it('outside any cassette a request goes to the network untouched', async () => {
    const server = await startWireServer()
    const first = await request(server.url('/counter'), { agent: httpAgent(undefined, { protocol: 'http' }) })
    const second = await request(server.url('/counter'), { agent: httpAgent(undefined, { protocol: 'http' }) })
    expect([first.body.toString(), second.body.toString()]).toEqual(['{"count":1}', '{"count":2}'])
    expect(server.hits).toBe(2)
  })

  it('defaults to https: an http: URL through it fails as through any https.Agent', () => {
    const agent = httpAgent()
    expect(() => http.get('http://127.0.0.1:9/', { agent })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_PROTOCOL' }))
  })

  it('rejects an unknown protocol, listing the allowed ones', () => {
    expect(() => vcrAgent(undefined, { protocol: 'ftp' as 'http' })).toThrow(InvalidOptionError)
    expect(() => vcrAgent(undefined, { protocol: 'ftp' as 'http' })).toThrow("must be one of 'http', 'https'")
  })

  it('rejects options given in the cassette position', () => {
    expect(() => vcrAgent({ protocol: 'http' } as never)).toThrow(/takes a Cassette .* or undefined as its first argument/)
  })
})
