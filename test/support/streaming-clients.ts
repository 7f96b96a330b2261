import http from 'node:http'
import { Writable } from 'node:stream'
import { type AxiosTransport, vcrAdapter } from '@vcrjs/axios'
import type { Cassette } from '@vcrjs/core'
import { vcrHooks } from '@vcrjs/got'
import { vcrAgent } from '@vcrjs/http'
import { vcrDispatcher } from '@vcrjs/undici'
import axios from 'axios'
import got, { type Method } from 'got'
import { type Dispatcher, request, stream } from 'undici'
import { withGlobalDispatcher } from '../undici/clients.js'
import type { PeerRequest } from './peer-scenarios.js'

/** A response body as a client handed it to its caller: each chunk as it came, in order. */
export interface StreamedRead {
  status: number
  /** Lower-case names; every value the client exposes, in order. */
  headers: Record<string, string[]>
  chunks: Buffer[]
}

/** One client reading a response body as it arrives, through its vcrjs adapter bound to `cassette`. */
export interface StreamingReader {
  readonly id: string
  read(url: string, request: Omit<PeerRequest, 'path'>, cassette: Cassette): Promise<StreamedRead>
}

function headerMap(entries: Iterable<[string, unknown]>): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null)
  for (const [name, value] of entries) {
    if (value === undefined || value === null) continue
    ;(out[name.toLowerCase()] ??= []).push(...(Array.isArray(value) ? value.map(String) : [String(value)]))
  }
  return out
}

async function collect(body: AsyncIterable<Uint8Array | string>): Promise<Buffer[]> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(Buffer.from(chunk))
  return chunks
}

const globalFetch: StreamingReader = {
  id: 'global fetch',
  read: (url, { method, headers, body }, cassette) =>
    withGlobalDispatcher(vcrDispatcher(cassette), async () => {
      const response = await fetch(url, { method, headers, body })
      const reader = response.body!.getReader()
      const chunks: Buffer[] = []
      for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(Buffer.from(next.value))
      return { status: response.status, headers: headerMap(response.headers), chunks }
    }),
}

const undiciRequest: StreamingReader = {
  id: 'undici.request',
  async read(url, { method, headers, body }, cassette) {
    const dispatcher = vcrDispatcher(cassette)
    try {
      const response = await request(url, { method: method as Dispatcher.HttpMethod, headers, body, dispatcher })
      return { status: response.statusCode, headers: headerMap(Object.entries(response.headers)), chunks: await collect(response.body) }
    } finally {
      await dispatcher.close()
    }
  },
}

const undiciStream: StreamingReader = {
  id: 'undici.stream',
  async read(url, { method, headers, body }, cassette) {
    const dispatcher = vcrDispatcher(cassette)
    const chunks: Buffer[] = []
    try {
      const head = await stream(url, { method: method as Dispatcher.HttpMethod, headers, body, dispatcher, opaque: {} }, ({ statusCode, headers: received, opaque }) => {
        Object.assign(opaque as object, { status: statusCode, headers: headerMap(Object.entries(received)) })
        return new Writable({
          write(chunk: Buffer, _encoding, callback) {
            chunks.push(chunk)
            callback()
          },
        })
      }).then(({ opaque }) => opaque as Omit<StreamedRead, 'chunks'>)
      return { ...head, chunks }
    } finally {
      await dispatcher.close()
    }
  },
}

const nodeHttp: StreamingReader = {
  id: 'node:http',
  async read(url, { method, headers, body }, cassette) {
    const agent = vcrAgent(cassette, { protocol: 'http' })
    try {
      const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
        http.request(url, { method, headers, agent }, resolve).on('error', reject).end(body)
      })
      return { status: response.statusCode!, headers: headerMap(Object.entries(response.headers)), chunks: await collect(response) }
    } finally {
      agent.destroy()
    }
  },
}

function axiosStream(transport: AxiosTransport): StreamingReader {
  return {
    id: `axios (${transport}), responseType 'stream'`,
    async read(url, { method, headers, body }, cassette) {
      const client = axios.create({ adapter: vcrAdapter(cassette, { transport }), responseType: 'stream', validateStatus: () => true })
      const response = await client.request<AsyncIterable<Uint8Array>>({ url, method, headers, data: body })
      return { status: response.status, headers: headerMap(Object.entries(response.headers)), chunks: await collect(response.data) }
    },
  }
}

// Retries off: one request is one interaction, as for every other client.
const gotClient = (cassette: Cassette) => got.extend({ hooks: vcrHooks(cassette), retry: { limit: 0 }, throwHttpErrors: false })

/** got's promise API buffers the body; `downloadProgress` reports each chunk as got reads it, which splits the body back into them. */
const gotPromise: StreamingReader = {
  id: 'got',
  async read(url, { method = 'GET', headers, body }, cassette) {
    const sizes: number[] = []
    let transferred = 0
    const response = await gotClient(cassette)(url, { method: method as Method, headers, body, responseType: 'buffer' }).on('downloadProgress', (progress) => {
      if (progress.transferred > transferred) sizes.push(progress.transferred - transferred)
      transferred = progress.transferred
    })
    let offset = 0
    const chunks = sizes.map((size) => response.body.subarray(offset, (offset += size)))
    return { status: response.statusCode, headers: headerMap(Object.entries(response.headers)), chunks }
  },
}

const gotStream: StreamingReader = {
  id: 'got.stream',
  async read(url, { method = 'GET', headers, body }, cassette) {
    const request = gotClient(cassette).stream(url, { method: method as Method, headers, body })
    const head = new Promise<Omit<StreamedRead, 'chunks'>>((resolve) =>
      request.once('response', (response: http.IncomingMessage) => resolve({ status: response.statusCode!, headers: headerMap(Object.entries(response.headers)) })),
    )
    const chunks = await collect(request)
    return { ...(await head), chunks }
  },
}

/** Every client, each reading the body as a stream. */
export const STREAMING_READERS: readonly StreamingReader[] = [
  globalFetch,
  undiciRequest,
  undiciStream,
  nodeHttp,
  axiosStream('http'),
  axiosStream('fetch'),
  gotPromise,
  gotStream,
]
