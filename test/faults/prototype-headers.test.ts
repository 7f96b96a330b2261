import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Cassette, VCR } from '@vcrjs/core'
import { vcrInterceptor } from '@vcrjs/undici'
import { Agent } from 'undici'
import { request } from 'undici'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { ClientUnderTest } from '../conformance/suite.js'
import { nodeFetchClient, nodeHttpClient, superagentClient } from '../http/clients.js'
import { axiosClient } from '../support/axios-clients.js'
import { gotPromise, gotStream } from '../support/got-clients.js'
import { tempCassetteDir } from '../support/temp.js'
import { globalFetchWithDispatcherOption, undiciFetchClient, undiciRequestClient } from '../undici/clients.js'

/** Names that are properties of every plain object: a `{}` used as a header map mistakes them for its own. */
const NAMES = ['__proto__', 'constructor', 'toString'] as const

/** undici.request through `vcrInterceptor` composed onto an Agent. */
const interceptorClient: ClientUnderTest = {
  id: 'undici.request, Agent.compose(vcrInterceptor())',
  async send({ url, headers }, cassette?: Cassette) {
    const agent = new Agent()
    try {
      const response = await request(url, { headers, dispatcher: agent.compose(vcrInterceptor(cassette)) })
      const out: Record<string, string[]> = Object.create(null)
      for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value : [value]
      return { status: response.statusCode, headers: out, body: Buffer.from(await response.body.arrayBuffer()) }
    } finally {
      await agent.close()
    }
  },
}

/**
 * Every client, with the prototype-named response headers it drops itself, live
 * as without vcrjs (checked against the bare client): node-fetch's Headers and
 * Node's `IncomingMessage.headers`, which axios's http adapter reads, have no
 * `__proto__` entry (`rawHeaders` keeps it). The cassette still stores it, and
 * replay must hand the client exactly what it got live.
 */
const CLIENTS: { client: ClientUnderTest; drops: readonly (typeof NAMES)[number][] }[] = [
  { client: globalFetchWithDispatcherOption, drops: [] },
  { client: undiciFetchClient, drops: [] },
  { client: undiciRequestClient, drops: [] },
  { client: interceptorClient, drops: [] },
  { client: nodeHttpClient, drops: [] },
  { client: nodeFetchClient, drops: ['__proto__'] },
  { client: superagentClient, drops: [] },
  { client: axiosClient('http'), drops: ['__proto__'] },
  { client: axiosClient('fetch'), drops: [] },
  { client: gotPromise, drops: [] },
  { client: gotStream, drops: [] },
]

/** Answers with the three prototype-named response headers, and echoes which of them the request carried. */
async function startServer(): Promise<{ url: string; hits: () => number }> {
  let hits = 0
  const server = createServer((req, res) => {
    hits++
    const sent: string[] = []
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = NAMES.find((known) => known.toLowerCase() === req.rawHeaders[i]!.toLowerCase())
      if (name) sent.push(`${name}=${req.rawHeaders[i + 1]}`)
    }
    const body = JSON.stringify(sent)
    res.writeHead(200, ['Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(body)), ...NAMES.flatMap((name) => [name, `response-${name}`])])
    res.end(body)
  })
  server.keepAliveTimeout = 100
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/headers`, hits: () => hits }
}

describe('prototype-named headers are ordinary headers through every client', () => {
  for (const { client, drops } of CLIENTS) {
    it(client.id, async () => {
      const server = await startServer()
      // An own property named __proto__ can only come from JSON.parse (a literal would set the prototype).
      const headers = JSON.parse('{"__proto__": "request-proto", "constructor": "request-constructor", "toString": "request-toString"}') as Record<string, string>
      const dir = await tempCassetteDir()
      const vcr = new VCR({ cassetteLibraryDir: dir, matchOn: ['method', 'uri', 'headers'] })
      const live = await vcr.useCassette('proto.yaml', (cassette) => client.send({ url: server.url, headers }, cassette))
      const hits = server.hits()
      const replayed = await vcr.useCassette('proto.yaml', (cassette) => client.send({ url: server.url, headers }, cassette), { recordMode: 'none' })
      expect(server.hits(), 'the replay must not reach the server').toBe(hits)
      expect(replayed).toEqual(live)
      // What the client hands its caller, live and replayed alike: every header but the ones this client drops itself.
      for (const name of NAMES) {
        expect(live.headers[name.toLowerCase()], name).toEqual(drops.includes(name) ? undefined : [`response-${name}`])
      }
      // Stored (axios's fetch transport re-cases names): every response header, and every prototype-named request header the server received
      // (the clients themselves decide which of them they send).
      const file = await readFile(join(dir, 'proto.yaml'), 'utf8')
      for (const name of NAMES) expect(file).toMatch(new RegExp(`'?${name}'?:\\n      - response-${name}\\n`, 'i'))
      const received = JSON.parse(live.body.toString()) as string[]
      const stored = await vcr.useCassette('proto.yaml', (cassette) => cassette.requests[0]!.headers, { recordMode: 'none' })
      expect(received).toEqual(NAMES.filter((name) => stored.has(name)).map((name) => `${name}=${stored.get(name)}`))
      expect(received.length).toBeGreaterThan(0)
    })
  }
})
