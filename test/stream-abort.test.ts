import http from 'node:http'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { vcrAdapter } from '@vcrjs/axios'
import { VCR } from '@vcrjs/core'
import { vcrHooks } from '@vcrjs/got'
import axios from 'axios'
import got from 'got'
import { request, stream } from 'undici'
import { describe, expect, it } from 'vitest'
import { type SseServer, startSseServer } from './support/sse-server.js'
import { tempCassetteDir } from './support/temp.js'
import { testAgent, testDispatcher } from './support/transports.js'

/**
 * A client that reads N events of an endless stream and aborts it the way
 * its API offers (an AbortSignal, `req.destroy()`), while recording (#15):
 * it gets the N events live, the cassette keeps them marked cut short, and
 * replay with the server closed gives the same N events, then the body ends.
 * The iterator-`return()` way of stopping is in streaming.test.ts.
 */

const EVENTS = ['data: {"n":1}\n\n', 'data: {"n":2}\n\n', 'data: {"n":3}\n\n']
const READ = 2

interface AbortingClient {
  id: string
  /**
   * While recording: has the server send each of the first `READ` events once
   * the client is ready for it, collects them as the client receives them,
   * aborts, and returns them with the error the client then reported (if any).
   */
  readThenAbort(server: SseServer): Promise<{ received: string[]; error: unknown }>
  /** On replay: the whole body as the client reads it, chunk by chunk. */
  readAll(url: string): Promise<string[]>
}


const text = (chunk: Uint8Array | string) => Buffer.from(chunk).toString()

/** Reads `READ` events from `chunks`, having the server send each, then calls `abort` and reads once more, for the error. */
async function readEventsThenAbort(server: SseServer, chunks: AsyncIterator<Uint8Array | string>, abort: () => void) {
  await server.opened()
  const received: string[] = []
  for (const event of EVENTS.slice(0, READ)) {
    server.send(event)
    received.push(text((await chunks.next()).value!))
  }
  abort()
  const error = await chunks.next().then(
    () => undefined,
    (e: unknown) => e,
  )
  return { received, error }
}

async function all(chunks: AsyncIterable<Uint8Array | string>): Promise<string[]> {
  const out: string[] = []
  for await (const chunk of chunks) out.push(text(chunk))
  return out
}

/** undici.stream writes into a Writable: its chunks as an async iterator that ends when the request settles. */
function undiciStream(url: string, signal?: AbortSignal): AsyncIterableIterator<Buffer> {
  const queue: Buffer[] = []
  let settled: { error: unknown } | undefined
  let wake = () => {}
  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      queue.push(chunk)
      wake()
      callback()
    },
  })
  stream(url, { method: 'GET', dispatcher: testDispatcher(), signal }, () => writable).then(
    () => ((settled = { error: undefined }), wake()),
    (error: unknown) => ((settled = { error }), wake()),
  )
  return (async function* () {
    for (;;) {
      const chunk = queue.shift()
      if (chunk) yield chunk
      else if (settled?.error) throw settled.error
      else if (settled) return
      else await new Promise<void>((resolve) => (wake = resolve))
    }
  })()
}

const clients: AbortingClient[] = [
  {
    id: 'fetch, AbortSignal',
    async readThenAbort(server) {
      const controller = new AbortController()
      const response = await fetch(server.url('/sse'), { dispatcher: testDispatcher(), signal: controller.signal } as unknown as RequestInit)
      return readEventsThenAbort(server, (response.body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator](), () => controller.abort())
    },
    async readAll(url) {
      const response = await fetch(url, { dispatcher: testDispatcher() } as unknown as RequestInit)
      return all(response.body as unknown as AsyncIterable<Uint8Array>)
    },
  },
  {
    id: 'undici.request, AbortSignal',
    async readThenAbort(server) {
      const controller = new AbortController()
      const { body } = await request(server.url('/sse'), { dispatcher: testDispatcher(), signal: controller.signal })
      return readEventsThenAbort(server, body[Symbol.asyncIterator](), () => controller.abort())
    },
    async readAll(url) {
      return all((await request(url, { dispatcher: testDispatcher() })).body)
    },
  },
  {
    id: 'undici.stream, AbortSignal',
    readThenAbort(server) {
      const controller = new AbortController()
      return readEventsThenAbort(server, undiciStream(server.url('/sse'), controller.signal), () => controller.abort())
    },
    readAll: (url) => all(undiciStream(url)),
  },
  {
    id: 'node:http, req.destroy()',
    readThenAbort(server) {
      return new Promise((resolve, reject) => {
        const req = http.get(server.url('/sse'), { agent: testAgent() }, (res) => {
          readEventsThenAbort(server, res[Symbol.asyncIterator](), () => req.destroy()).then(resolve, reject)
        })
        req.on('error', () => {})
      })
    },
    readAll(url) {
      return new Promise((resolve, reject) => {
        http.get(url, { agent: testAgent() }, (res) => void all(res).then(resolve, reject)).on('error', reject)
      })
    },
  },
  ...(['http', 'fetch'] as const).map(
    (transport): AbortingClient => ({
      id: `axios (${transport}), AbortSignal`,
      async readThenAbort(server) {
        const controller = new AbortController()
        const client = axios.create({ adapter: vcrAdapter(undefined, { transport }) })
        const response = await client.get<AsyncIterable<Uint8Array>>(server.url('/sse'), { responseType: 'stream', signal: controller.signal })
        return readEventsThenAbort(server, response.data[Symbol.asyncIterator](), () => controller.abort())
      },
      async readAll(url) {
        const client = axios.create({ adapter: vcrAdapter(undefined, { transport }) })
        return all((await client.get<AsyncIterable<Uint8Array>>(url, { responseType: 'stream' })).data)
      },
    }),
  ),
  {
    id: 'got.stream, AbortSignal',
    readThenAbort(server) {
      const controller = new AbortController()
      const body = got.extend({ hooks: vcrHooks(), retry: { limit: 0 } }).stream(server.url('/sse'), { signal: controller.signal })
      return readEventsThenAbort(server, body[Symbol.asyncIterator](), () => controller.abort())
    },
    readAll: (url) => all(got.extend({ hooks: vcrHooks(), retry: { limit: 0 } }).stream(url)),
  },
  {
    id: 'got, AbortSignal',
    async readThenAbort(server) {
      // got's promise reads the body itself; its download progress says how far it got.
      const controller = new AbortController()
      const promise = got.extend({ hooks: vcrHooks(), retry: { limit: 0 } })(server.url('/sse'), { signal: controller.signal })
      await server.opened()
      const sent: number[] = []
      promise.on('downloadProgress', ({ transferred }: { transferred: number }) => {
        const received = EVENTS.slice(0, sent.length).join('').length
        if (transferred !== received) return
        if (sent.length === READ) return controller.abort()
        server.send(EVENTS[sent.length]!)
        sent.push(transferred)
      })
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      )
      // The progress events mark what got had read when the server sent the next event: each one, in turn.
      expect(sent).toEqual([0, EVENTS[0]!.length])
      return { received: EVENTS.slice(0, READ), error }
    },
    async readAll(url) {
      return [await got.extend({ hooks: vcrHooks(), retry: { limit: 0 } })(url).text()]
    },
  },
]

describe.each(clients)('aborting a stream while recording: $id', (client) => {
  it(`gets ${READ} events live; the cassette keeps them, cut short; replay gives the same ${READ}, then the body ends`, async () => {
    const server = await startSseServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const { received, error } = await vcr.useCassette('aborted.yaml', () => client.readThenAbort(server))
    expect(received).toEqual(EVENTS.slice(0, READ))
    // The client saw its own abort (a destroyed node:http response just ends), and the real request was cancelled.
    if (client.id !== 'node:http, req.destroy()') expect(error).toBeDefined()
    const file = await readFile(join(dir, 'aborted.yaml'), 'utf8')
    expect(file).toContain(`string: ${JSON.stringify(EVENTS.slice(0, READ).join(''))}`)
    expect(file).toContain('cut_short: true')
    await server.close()
    expect(server.events).toContain('closed early')

    const replayed = await vcr.useCassette('aborted.yaml', () => client.readAll(server.url('/sse')), { recordMode: 'none' })
    expect(replayed.join('')).toBe(EVENTS.slice(0, READ).join(''))
    expect(server.hits).toBe(1)
  })
})
