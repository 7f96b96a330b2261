import http from 'node:http'
import { vcrAdapter } from '@vcrjs/axios'
import type { Cassette } from '@vcrjs/core'
import { vcrHooks } from '@vcrjs/got'
import { vcrAgent } from '@vcrjs/http'
import { vcrDispatcher } from '@vcrjs/undici'
import axios from 'axios'
import got from 'got'
import { request, stream } from 'undici'
import { writableQueue } from '../../test/support/writable-queue.js'

/** Every client that reads a response body as it arrives, as test/streaming.test.ts drives them. */
export const STREAMING_CLIENTS = ['fetch', 'undici.request', 'undici.stream', 'node:http', 'axios (http)', 'axios (fetch)', 'got.stream'] as const
export type StreamingClientName = (typeof STREAMING_CLIENTS)[number]

export const STREAMING_CLIENT_LABELS: Record<StreamingClientName, string> = {
  fetch: 'global fetch',
  'undici.request': 'undici `request`',
  'undici.stream': 'undici `stream`',
  'node:http': 'node:http `get`',
  'axios (http)': "axios `responseType: 'stream'`, http transport",
  'axios (fetch)': "axios `responseType: 'stream'`, fetch transport",
  'got.stream': '`got.stream`',
}

/** One client set up once, live or through vcrjs, making request after request like a test suite. */
export interface StreamingClient {
  /** Sends a GET and resolves with the body's chunks as the client hands them over. */
  open(url: string): Promise<AsyncIterator<Uint8Array | string>>
  close(): Promise<void>
}

/**
 * The client with no vcrjs (its own defaults: the global dispatcher, Node's
 * global agent, axios's and got's own) when `cassette` is undefined, else the
 * client through vcrjs's extension point for it, on `cassette`, with vcrjs's
 * defaults too: a user's `vcrAgent()` does not keep connections alive, where
 * Node's global agent does.
 */
export function streamingClient(name: StreamingClientName, cassette: Cassette | undefined): StreamingClient {
  switch (name) {
    case 'fetch': {
      const dispatcher = cassette && vcrDispatcher(cassette)
      return {
        async open(url) {
          // `dispatcher` is undici's extension to fetch's options, honoured by Node's global fetch.
          const response = await fetch(url, dispatcher ? ({ dispatcher } as unknown as RequestInit) : {})
          return (response.body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
        },
        close: async () => dispatcher?.close(),
      }
    }
    case 'undici.request': {
      const dispatcher = cassette && vcrDispatcher(cassette)
      return {
        async open(url) {
          const { body } = await request(url, { method: 'GET', ...(dispatcher && { dispatcher }) })
          return body[Symbol.asyncIterator]()
        },
        close: async () => dispatcher?.close(),
      }
    }
    case 'undici.stream': {
      const dispatcher = cassette && vcrDispatcher(cassette)
      return {
        async open(url) {
          const { writable, chunks } = writableQueue()
          stream(url, { method: 'GET', ...(dispatcher && { dispatcher }) }, () => writable).catch((error: Error) => writable.destroy(error))
          return chunks
        },
        close: async () => dispatcher?.close(),
      }
    }
    case 'node:http': {
      const agent = cassette ? vcrAgent(cassette, { protocol: 'http' }) : http.globalAgent
      return {
        open: (url) =>
          new Promise((resolve, reject) => {
            http.get(url, { agent }, (res) => resolve(res[Symbol.asyncIterator]())).on('error', reject)
          }),
        close: async () => {
          if (agent !== http.globalAgent) agent.destroy()
        },
      }
    }
    case 'axios (http)':
    case 'axios (fetch)': {
      const transport = name === 'axios (http)' ? 'http' : 'fetch'
      const client = axios.create({ adapter: cassette ? vcrAdapter(cassette, { transport }) : transport })
      return {
        async open(url) {
          const response = await client.get<AsyncIterable<Uint8Array>>(url, { responseType: 'stream' })
          return response.data[Symbol.asyncIterator]()
        },
        close: async () => {},
      }
    }
    case 'got.stream': {
      const client = got.extend({ retry: { limit: 0 }, ...(cassette && { hooks: vcrHooks(cassette) }) })
      return {
        open: async (url) => client.stream(url)[Symbol.asyncIterator](),
        close: async () => {},
      }
    }
  }
}

