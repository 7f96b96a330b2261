import http from 'node:http'
import { Duplex } from 'node:stream'
import { vcrAdapter } from '@vcrjs/axios'
import type { Cassette } from '@vcrjs/core'
import { vcrAgent } from '@vcrjs/http'
import axios from 'axios'
import { benchInteraction, REQUEST_HEADERS } from './interactions.js'

/**
 * The replay rows of the http.Agent transport and of the axios preset over
 * its two transports, with their own floor: node:http through an http.Agent
 * whose connections are in-memory streams answering from a Map of HTTP/1.1
 * bytes. That floor is Node's client alone (writing the request, parsing the
 * response), the least any replay through an agent can cost.
 */
export const HTTP_REPLAY_SUBJECTS = ['floor-node-http', 'vcrjs-node-http', 'vcrjs-axios-http', 'vcrjs-axios-fetch'] as const
export type HttpReplaySubjectName = (typeof HTTP_REPLAY_SUBJECTS)[number]

export const HTTP_REPLAY_LABELS: Record<HttpReplaySubjectName, string> = {
  'floor-node-http': 'floor: in-memory http.Agent (node:http)',
  'vcrjs-node-http': 'vcrjs vcrAgent (node:http)',
  'vcrjs-axios-http': 'vcrjs axios preset, http transport (axios)',
  'vcrjs-axios-fetch': 'vcrjs axios preset, fetch transport (axios)',
}

export function isHttpReplaySubject(name: string): name is HttpReplaySubjectName {
  return (HTTP_REPLAY_SUBJECTS as readonly string[]).includes(name)
}

/** What `replaySubject` needs of a subject here: how to send request `index`, and what to close. */
export interface HttpReplaySend {
  send(index: number): Promise<string>
  close(): Promise<void>
}

/**
 * Sets up one subject on the bench's cassette (`cassette` is unused by the
 * floor). The node:http rows keep connections alive, as a test suite's shared
 * agent would; axios uses its defaults (Node's global agent).
 */
export function httpReplaySubject(name: HttpReplaySubjectName, cassette: Cassette, size: number, origin: string): HttpReplaySend {
  const url = (index: number) => `${origin}${benchInteraction(index).path}`
  switch (name) {
    case 'floor-node-http':
      return viaNodeHttp(new InMemoryAgent(size, { keepAlive: true }), url)
    case 'vcrjs-node-http':
      return viaNodeHttp(vcrAgent(cassette, { protocol: 'http', keepAlive: true }), url)
    case 'vcrjs-axios-http':
    case 'vcrjs-axios-fetch': {
      const client = axios.create({ adapter: vcrAdapter(cassette, { transport: name === 'vcrjs-axios-http' ? 'http' : 'fetch' }), responseType: 'text' })
      return { send: async (index) => (await client.get<string>(url(index), { headers: REQUEST_HEADERS })).data, close: async () => {} }
    }
  }
}

function viaNodeHttp(agent: http.Agent, url: (index: number) => string): HttpReplaySend {
  const send = (index: number) =>
    new Promise<string>((resolve, reject) => {
      const req = http.get(url(index), { agent, headers: REQUEST_HEADERS }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve(body))
        res.on('error', reject)
      })
      req.on('error', reject)
    })
  return { send, close: async () => agent.destroy() }
}

/** The floor's agent: each connection answers every request it reads with the recorded response for its path. */
class InMemoryAgent extends http.Agent {
  readonly #replies = new Map<string, Buffer>()

  constructor(size: number, options: http.AgentOptions) {
    super(options)
    for (let index = 0; index < size; index++) {
      const { path, status, responseHeaders, body } = benchInteraction(index)
      const head = Object.entries(responseHeaders).map(([name, value]) => `${name}: ${value}\r\n`)
      this.#replies.set(path, Buffer.from(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${head.join('')}\r\n${body}`))
    }
  }

  override createConnection(): Duplex {
    return new InMemoryConnection(this.#replies)
  }
}

/** Reads request heads (the bench's GETs have no body) and pushes the reply for each; the least a connection can do. */
class InMemoryConnection extends Duplex {
  readonly #replies: Map<string, Buffer>
  #pending = ''
  readonly connecting = false

  constructor(replies: Map<string, Buffer>) {
    super()
    this.#replies = replies
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.#pending += chunk.toString('latin1')
    for (let end = this.#pending.indexOf('\r\n\r\n'); end !== -1; end = this.#pending.indexOf('\r\n\r\n')) {
      const target = this.#pending.slice(this.#pending.indexOf(' ') + 1, this.#pending.indexOf(' HTTP/1.1\r\n'))
      this.#pending = this.#pending.slice(end + 4)
      this.push(this.#replies.get(target) ?? Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'))
    }
    callback()
  }

  // The parts of net.Socket that http.Agent and ClientRequest call.
  setTimeout(): this {
    return this
  }

  setNoDelay(): this {
    return this
  }

  setKeepAlive(): this {
    return this
  }

  ref(): this {
    return this
  }

  unref(): this {
    return this
  }
}
