import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { type Cassette, handleRequest, HttpHeaders, Request, VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import { type Dispatcher, request as undiciRequest } from 'undici'
import { describe, expect, it } from 'vitest'
import { type LiveExchange, PEERS, peerDir, readPeerSidecar } from './support/peer-fixtures.js'
import { PEER_SCENARIOS } from './support/peer-scenarios.js'
import { BINARY_BODY, COMPRESSED_JSON, startTestServer, UTF8_BODY } from './support/server.js'
import { startSseServer } from './support/sse-server.js'
import { tempCassetteDir } from './support/temp.js'

const VCRPY_REPLAY = fileURLToPath(new URL('support/vcrpy-replay.py', import.meta.url))
const PYTHON = '/usr/bin/python3'
const INSTALL_VCRPY = 'apt-get install python3-vcr python3-requests'

/** The scenarios fixtures/scripts/record-peers.ts records with each peer. */
const SCENARIOS = PEER_SCENARIOS.map((scenario) => scenario.name)

for (const peer of PEERS) {
  describe(`cassettes recorded by ${peer.name} load in @vcrjs/core`, () => {
    const dir = peerDir(peer)
    const files = readdirSync(dir).filter((name) => name.endsWith(peer.extension)).sort()

    it('every scenario has a cassette and a sidecar', () => {
      expect(files).toEqual(SCENARIOS.map((name) => `${name}${peer.extension}`).sort())
      for (const name of SCENARIOS) expect(readPeerSidecar(peer, name).cassette).toBe(`${name}${peer.extension}`)
    })

    for (const file of files) {
      const name = file.slice(0, -peer.extension.length)
      it(`${file}: the interactions the peer's client saw`, async () => {
        const sidecar = readPeerSidecar(peer, name)
        const vcr = new VCR({ cassetteLibraryDir: dir })
        await vcr.useCassette(
          file,
          async (cassette) => {
            expect(cassette.length).toBe(sidecar.interactions.length)
            sidecar.interactions.forEach((live, i) => expectSameInteraction(cassette, i, live, peer.dir))
            await expectReplaysInOrder(cassette, sidecar.interactions)
          },
          { recordMode: 'none' },
        )
      })
    }
  })
}

function expectSameInteraction(cassette: Cassette, i: number, live: LiveExchange, peer: 'vcrpy' | 'ruby'): void {
  const request = cassette.requests[i]!
  const response = cassette.responses[i]!
  const where = `interaction ${i} (${live.method} ${live.uri})`
  expect(request.method, where).toBe(live.method)
  if (peer === 'vcrpy') {
    expect(request.uri, where).toBe(live.uri)
  } else {
    // Ruby VCR stores webmock's normalised URI: query sorted, `+` re-encoded as %20. Same request, other spelling.
    const asked = new Request({ method: live.method, url: live.uri })
    expect([request.protocol, request.host, request.port, request.path], where).toEqual([asked.protocol, asked.host, asked.port, asked.path])
    expect(sortedPairs(request.query), where).toEqual(sortedPairs(asked.query))
  }
  expect(bytesOrNull(request.body), where).toEqual(fromBase64OrNull(live.requestBodyBase64))
  expect(response.status, where).toEqual({ code: live.status, message: live.statusMessage })
  // vcrpy's stub drops Transfer-Encoding when it rebuilds the response for the client: the stored body is no longer chunked.
  const stored = lowerCaseHeaders(response.headers)
  if (peer === 'vcrpy') delete stored['transfer-encoding']
  expect(stored, where).toEqual(lowerCaseHeaders(new HttpHeaders(live.headers)))
  // A peer stores the body its client received before content decoding, when the client exposes it.
  const body = Buffer.from(live.wireBodyBase64 ?? live.bodyBase64, 'base64')
  expect(Buffer.from(response.body).equals(body), `${where}: body bytes`).toBe(true)
}

/** Every request the peer sent, asked again of the cassette in order, is answered by the interaction recorded for it. */
async function expectReplaysInOrder(cassette: Cassette, exchanges: LiveExchange[]): Promise<void> {
  for (const [i, live] of exchanges.entries()) {
    const replayed = await handleRequest({
      cassette,
      request: {
        method: live.method,
        url: live.uri,
        headers: live.requestHeaders,
        body: fromBase64OrNull(live.requestBodyBase64),
      },
      sendReal: () => Promise.reject(new Error('a replay must not reach the network')),
    })
    expect(Buffer.from(replayed.body).equals(Buffer.from(cassette.responses[i]!.body)), `replay ${i} of ${live.uri}`).toBe(true)
    expect(replayed.status.code).toBe(live.status)
  }
  expect(cassette.allPlayed).toBe(true)
}

describe('a cassette recorded by @vcrjs/core loads in the real vcrpy', () => {
  it('vcrpy reads text, UTF-8, binary, gzip, two Set-Cookie and a JSON POST, and requests replays them offline', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const path = join(dir, 'from-vcrjs.yaml')
    const jsonPost = '{"name":"vcrjs","tags":["a","b"]}'
    const sent: SentRequest[] = [
      { method: 'GET', url: server.url('/text?b=2&a=1&q=caf%C3%A9+au+lait'), headers: [['Accept', 'text/plain']], body: null },
      { method: 'GET', url: server.url('/utf8'), headers: [], body: null },
      { method: 'GET', url: server.url('/binary'), headers: [], body: null },
      { method: 'GET', url: server.url('/gzip'), headers: [['Accept-Encoding', 'gzip']], body: null },
      { method: 'GET', url: server.url('/cookies'), headers: [], body: null },
      { method: 'POST', url: server.url('/echo'), headers: [['Content-Type', 'application/json']], body: Buffer.from(jsonPost) },
    ]
    const vcr = new VCR({ cassetteLibraryDir: dir })
    let recorded: RecordedInteraction[] = []
    try {
      recorded = await vcr.useCassette('from-vcrjs.yaml', async (cassette) => {
        for (const request of sent) await sendThroughUndici(request, cassette)
        return cassette.requests.map((request, i) => ({ request, response: cassette.responses[i]! }))
      })
    } finally {
      await server.close()
    }
    expect(recorded).toHaveLength(sent.length)
    const hits = server.hits

    const seen = await runVcrpy(path, sent)
    expect(server.hits, 'vcrpy must replay without the server').toBe(hits)

    // What vcrpy's own deserializer reads from the file.
    expect(seen.cassette).toHaveLength(sent.length)
    seen.cassette.forEach((read, i) => {
      const { request, response } = recorded[i]!
      const where = `interaction ${i} (${request.method} ${request.url})`
      expect([read.method, read.uri], where).toEqual([request.method, request.url])
      expect(fromBase64OrNull(read.bodyBase64), where).toEqual(bytesOrNull(request.body))
      expect([read.status, read.statusMessage], where).toEqual([response.status.code, response.status.message])
      expect(lowerCaseHeaders(new HttpHeaders(read.responseHeaders)), where).toEqual(lowerCaseHeaders(response.headers))
      expect(Buffer.from(read.responseBodyBase64 ?? '', 'base64').equals(Buffer.from(response.body)), `${where}: body bytes`).toBe(true)
    })
    expect(seen.cassette[5]!.headers['Content-Type']).toBe('application/json')

    // What Python requests got back from vcrpy's replay.
    expect(seen.replayed).toHaveLength(sent.length)
    expect([seen.playCount, seen.allPlayed]).toEqual([sent.length, true])
    seen.replayed.forEach((replayed, i) => {
      const { request, response } = recorded[i]!
      const where = `replay ${i} (${request.method} ${request.url})`
      expect([replayed.status, replayed.statusMessage], where).toEqual([response.status.code, response.status.message])
      // vcrpy drops Transfer-Encoding: it hands the client the stored body whole.
      const expected = lowerCaseHeaders(response.headers)
      delete expected['transfer-encoding']
      expect(lowerCaseHeaders(new HttpHeaders(replayed.headers)), where).toEqual(expected)
      expect(Buffer.from(replayed.wireBodyBase64 ?? '', 'base64').equals(Buffer.from(response.body)), `${where}: wire bytes`).toBe(true)
    })
    const decoded = seen.replayed.map((replayed) => Buffer.from(replayed.bodyBase64 ?? '', 'base64'))
    expect(decoded[0]!.toString()).toBe('query: b=2&a=1&q=caf%C3%A9+au+lait')
    expect(decoded[1]!.toString('utf8')).toBe(UTF8_BODY)
    expect(decoded[2]!.equals(BINARY_BODY)).toBe(true)
    expect(lowerCaseHeaders(new HttpHeaders(seen.replayed[3]!.headers))['content-encoding']).toEqual(['gzip'])
    expect(decoded[3]!.toString()).toBe(COMPRESSED_JSON)
    expect(lowerCaseHeaders(new HttpHeaders(seen.replayed[4]!.headers))['set-cookie']).toEqual([
      'session=abc123; Path=/; HttpOnly',
      'theme=dark; Path=/',
    ])
    expect(Buffer.from(JSON.parse(decoded[5]!.toString()).body, 'base64').toString()).toBe(jsonPost)
  })

  it('vcrpy loads a streamed SSE response vcrjs recorded (chunk data and all) and replays its body whole, offline', async () => {
    const server = await startSseServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const events = ['data: {"delta":"Hel"}\n\n', 'data: {"delta":"lo"}\n\n', 'data: [DONE]\n\n']
    const url = server.url('/sse')
    await vcr.useCassette('sse.yaml', async (cassette) => {
      const dispatcher = vcrDispatcher(cassette)
      try {
        const response = await undiciRequest(url, { dispatcher })
        const iterator = response.body[Symbol.asyncIterator]()
        await server.opened()
        for (const event of events) {
          server.send(event)
          await iterator.next()
        }
        server.end()
        await iterator.next()
      } finally {
        await dispatcher.close()
      }
    })
    await server.close()
    const seen = await runVcrpy(join(dir, 'sse.yaml'), [{ method: 'GET', url, headers: [], body: null }])
    expect(Buffer.from(seen.cassette[0]!.responseBodyBase64 ?? '', 'base64').toString()).toBe(events.join(''))
    expect(seen.replayed[0]!.status).toBe(200)
    expect(Buffer.from(seen.replayed[0]!.bodyBase64 ?? '', 'base64').toString()).toBe(events.join(''))
    // The file it read holds the chunk boundaries vcrjs replays from.
    const reloaded = await vcr.insertCassette('sse.yaml', { recordMode: 'none' })
    expect(reloaded.responses[0]!.chunks?.map((chunk) => chunk.size)).toEqual(events.map((event) => event.length))
    await reloaded.eject()
  })

  it('vcrpy replays a cassette of @vcrjs/core only for requests it recorded', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    try {
      await vcr.useCassette('one.yaml', (cassette) => sendThroughUndici({ method: 'GET', url: server.url('/json'), headers: [], body: null }, cassette))
    } finally {
      await server.close()
    }
    // vcrpy in record_mode 'none' raises for a request the cassette lacks: proof that the replay above came from the file.
    const result = await runPython([VCRPY_REPLAY, join(dir, 'one.yaml')], JSON.stringify([{ method: 'GET', url: server.url('/text'), headers: [], bodyBase64: null }]))
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('CannotOverwriteExistingCassetteException')
  })
})

interface SentRequest {
  method: string
  url: string
  headers: [string, string][]
  body: Buffer | null
}

interface RecordedInteraction {
  request: Request
  response: { status: { code: number; message: string }; headers: HttpHeaders; body: Uint8Array }
}

/** What test/support/vcrpy-replay.py prints. */
interface VcrpyView {
  cassette: {
    method: string
    uri: string
    headers: Record<string, string>
    bodyBase64: string | null
    status: number
    statusMessage: string
    responseHeaders: Record<string, string[]>
    responseBodyBase64: string | null
  }[]
  replayed: {
    status: number
    statusMessage: string
    headers: [string, string][]
    wireBodyBase64: string | null
    bodyBase64: string | null
  }[]
  playCount: number
  allPlayed: boolean
}

/** Records through the undici adapter: `undici.request` hands back the body undecoded, as the cassette stores it. */
async function sendThroughUndici({ method, url, headers, body }: SentRequest, cassette: Cassette): Promise<void> {
  const dispatcher = vcrDispatcher(cassette)
  try {
    const response = await undiciRequest(url, {
      method: method as Dispatcher.HttpMethod,
      headers: Object.fromEntries(headers),
      body,
      dispatcher,
    })
    await response.body.arrayBuffer()
  } finally {
    await dispatcher.close()
  }
}

async function runVcrpy(cassettePath: string, requests: SentRequest[]): Promise<VcrpyView> {
  const input = requests.map(({ method, url, headers, body }) => ({ method, url, headers, bodyBase64: body?.toString('base64') ?? null }))
  const result = await runPython([VCRPY_REPLAY, cassettePath], JSON.stringify(input))
  if (result.code !== 0) throw new Error(`vcrpy failed on ${cassettePath} (exit ${result.code}):\n${result.stderr}`)
  return JSON.parse(result.stdout) as VcrpyView
}

/**
 * Runs Debian's Python, where vcrpy is installed (the `python3` first on PATH
 * may be another one). Fails, never skips, when vcrpy is missing.
 */
function runPython(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', (error) => reject(new Error(`cannot run ${PYTHON} (${error.message}); the vcrpy tests need Debian's Python with vcrpy: ${INSTALL_VCRPY}`)))
    child.on('close', (code) => {
      if (code === 3) reject(new Error(`${PYTHON} cannot import vcrpy or requests (${stderr.trim()}); install them: ${INSTALL_VCRPY}`))
      else resolve({ code, stdout, stderr })
    })
    child.stdin.end(input)
  })
}

function lowerCaseHeaders(headers: HttpHeaders): Record<string, string[]> {
  return headers.toLowerCaseMultiMap()
}

function sortedPairs(pairs: ReadonlyArray<readonly [string, string]>): string[] {
  return pairs.map(([name, value]) => `${name}=${value}`).sort()
}

function bytesOrNull(body: Uint8Array | null): Buffer | null {
  return body === null ? null : Buffer.from(body)
}

function fromBase64OrNull(base64: string | null): Buffer | null {
  return base64 === null ? null : Buffer.from(base64, 'base64')
}

// The gzip fixtures really are compressed: the comparison above is on the stored bytes, this on their meaning.
describe('the gzip fixtures', () => {
  it('vcrpy stored the gzip bytes it received, which inflate to what requests handed its caller', () => {
    for (const name of ['gzip', 'gzip-accept-encoding']) {
      const [live] = readPeerSidecar(PEERS[0], name).interactions
      expect(gunzipSync(Buffer.from(live!.wireBodyBase64!, 'base64')).toString()).toBe(COMPRESSED_JSON)
      expect(Buffer.from(live!.bodyBase64, 'base64').toString()).toBe(COMPRESSED_JSON)
    }
  })

  it('Ruby VCR stored the body inflated when Net::HTTP chose Accept-Encoding, and compressed when the caller did', () => {
    const [inflated] = readPeerSidecar(PEERS[1], 'gzip').interactions
    expect(inflated!.headers.some(([name]) => name.toLowerCase() === 'content-encoding')).toBe(false)
    expect(Buffer.from(inflated!.bodyBase64, 'base64').toString()).toBe(COMPRESSED_JSON)
    const [compressed] = readPeerSidecar(PEERS[1], 'gzip-accept-encoding').interactions
    expect(compressed!.headers).toContainEqual(['Content-Encoding', 'gzip'])
    expect(gunzipSync(Buffer.from(compressed!.wireBodyBase64!, 'base64')).toString()).toBe(COMPRESSED_JSON)
  })
})
