import http from 'node:http'
import https from 'node:https'
import { promisify } from 'node:util'
import { brotliDecompress, gunzip, inflate } from 'node:zlib'
import { vcrAgent } from '@vcrjs/http'
import fetch from 'node-fetch'
import superagent from 'superagent'
import type { ClientUnderTest } from '../conformance/suite.js'

/** Lower-case names, every value in order, from Node's flat `rawHeaders`. */
export function headersOf(rawHeaders: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null)
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) (out[rawHeaders[i]!.toLowerCase()] ??= []).push(rawHeaders[i + 1]!)
  return out
}

/** What `http.request` resolves to here: the IncomingMessage with its body read (as wire bytes). */
export interface RawResponse {
  message: http.IncomingMessage
  body: Buffer
}

/** `http.request` (`https.request` for an https URL) as a promise; rejects with the request's 'error' event. */
export function request(url: string | URL, options: https.RequestOptions, body?: string | Buffer): Promise<RawResponse> {
  const send = new URL(url).protocol === 'https:' ? https.request : http.request
  return new Promise((resolve, reject) => {
    const req = send(url, options, (message) => {
      const chunks: Buffer[] = []
      message.on('data', (chunk: Buffer) => chunks.push(chunk))
      message.on('end', () => resolve({ message, body: Buffer.concat(chunks) }))
      message.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

const decoders: Record<string, (bytes: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
}

/**
 * node:http follows no redirect and decodes no body; an application does
 * both itself, as this client does: it follows up to 5 redirects (a 303, or a
 * 301/302 after a POST, turns into a GET without a body) and decodes the content coding.
 */
export const nodeHttpClient: ClientUnderTest = {
  id: 'node:http, http.request(url, { agent: vcrAgent() })',
  async send({ url, method = 'GET', headers, body }, cassette) {
    const agent = vcrAgent(cassette, { protocol: 'http' })
    try {
      let target = new URL(url)
      let current = { method, body }
      for (let hop = 0; ; hop++) {
        const { message, body: wire } = await request(target, { method: current.method, headers, agent }, current.body)
        const location = message.headers.location
        if (location && [301, 302, 303, 307, 308].includes(message.statusCode!) && hop < 5) {
          target = new URL(location, target)
          if (message.statusCode === 303 || (current.method === 'POST' && message.statusCode! <= 302)) current = { method: 'GET', body: undefined }
          continue
        }
        const coding = message.headers['content-encoding']
        const decode = coding ? decoders[coding] : undefined
        return { status: message.statusCode!, headers: headersOf(message.rawHeaders), body: decode ? await decode(wire) : wire }
      }
    } finally {
      agent.destroy()
    }
  },
}

/** node-fetch 3: follows redirects and decodes bodies itself; `agent` takes the vcrjs agent. */
export const nodeFetchClient: ClientUnderTest = {
  id: 'node-fetch, fetch(url, { agent: vcrAgent() })',
  async send({ url, method, headers, body }, cassette) {
    const agent = vcrAgent(cassette, { protocol: 'http' })
    try {
      const response = await fetch(url, { method, headers, body, agent })
      const out: Record<string, string[]> = Object.create(null)
      for (const [name, values] of Object.entries(response.headers.raw())) out[name] = values
      return { status: response.status, headers: out, body: Buffer.from(await response.arrayBuffer()) }
    } finally {
      agent.destroy()
    }
  },
}

/** superagent: follows redirects and decodes bodies itself; `.agent()` takes the vcrjs agent. */
export const superagentClient: ClientUnderTest = {
  id: 'superagent, request.agent(vcrAgent())',
  async send({ url, method = 'GET', headers = {}, body }, cassette) {
    const agent = vcrAgent(cassette, { protocol: 'http' })
    try {
      const pending = superagent(method, url)
        .agent(agent)
        .set(headers)
        .ok(() => true)
        // Every body as bytes, whatever its type: superagent otherwise parses JSON and drops binary.
        .buffer(true)
        .parse(collectBytes)
      const response = await (body === undefined ? pending : pending.send(body))
      // superagent's Response keeps Node's IncomingMessage as `res` (untyped), whose rawHeaders keep every value.
      const { rawHeaders } = (response as unknown as { res: http.IncomingMessage }).res
      return { status: response.status, headers: headersOf(rawHeaders), body: response.body as Buffer }
    } finally {
      agent.destroy()
    }
  },
}

// superagent hands a parser the IncomingMessage (typed as its own ResponseBase).
function collectBytes(response: superagent.Response, done: (error: Error | null, body: Buffer) => void): void {
  const res = response as unknown as http.IncomingMessage
  const chunks: Buffer[] = []
  res.on('data', (chunk: Buffer) => chunks.push(chunk))
  res.on('end', () => done(null, Buffer.concat(chunks)))
  res.on('error', (error: Error) => done(error, Buffer.alloc(0)))
}
