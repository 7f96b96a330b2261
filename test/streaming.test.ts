import { existsSync } from 'node:fs'
import http from 'node:http'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { vcrAdapter } from '@vcrjs/axios'
import { VCR } from '@vcrjs/core'
import axios from 'axios'
import { vcrHooks } from '@vcrjs/got'
import got, { ReadError } from 'got'
import { request, stream } from 'undici'
import { describe, expect, it } from 'vitest'
import { startSseServer } from './support/sse-server.js'
import { HELD_CHUNKS, startStreamServer } from './support/stream-server.js'
import { tempCassetteDir } from './support/temp.js'
import { testAgent, testDispatcher } from './support/transports.js'
import { writableQueue } from './support/writable-queue.js'

/** How a test opens a response body as it arrives, through one client, with vcrjs or without. */
interface StreamingClient {
  id: string
  /** Whether leaving the body's iterator early cancels the request (undici.stream's writable does not). */
  cancelsOnReturn: boolean
  open(url: string, vcr: boolean): Promise<AsyncIterator<Uint8Array | string>>
}

const clients: StreamingClient[] = [
  {
    id: 'fetch',
    cancelsOnReturn: true,
    async open(url, vcr) {
      // Live: Node's fetch with its own dispatcher (an undici 8 Agent does not fit Node 24's bundled undici).
      const response = await fetch(url, vcr ? ({ dispatcher: testDispatcher(true) } as unknown as RequestInit) : {})
      return (response.body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
    },
  },
  {
    id: 'undici.request',
    cancelsOnReturn: true,
    async open(url, vcr) {
      const { body } = await request(url, { method: 'GET', dispatcher: testDispatcher(vcr) })
      return body[Symbol.asyncIterator]()
    },
  },
  {
    id: 'undici.stream',
    cancelsOnReturn: false,
    async open(url, vcr) {
      const { writable, chunks } = writableQueue()
      stream(url, { method: 'GET', dispatcher: testDispatcher(vcr) }, () => writable).catch((error: Error) => writable.destroy(error))
      return chunks
    },
  },
  {
    id: 'node:http',
    cancelsOnReturn: true,
    open(url, vcr) {
      return new Promise((resolve, reject) => {
        http.get(url, { agent: testAgent(vcr) }, (res) => resolve(res[Symbol.asyncIterator]())).on('error', reject)
      })
    },
  },
  ...(['http', 'fetch'] as const).map(
    (transport): StreamingClient => ({
      id: `axios (${transport})`,
      cancelsOnReturn: true,
      async open(url, vcr) {
        const client = axios.create({ adapter: vcr ? vcrAdapter(undefined, { transport }) : transport })
        const response = await client.get<AsyncIterable<Uint8Array>>(url, { responseType: 'stream' })
        return response.data[Symbol.asyncIterator]()
      },
    }),
  ),
  {
    id: 'got.stream',
    cancelsOnReturn: true,
    async open(url, vcr) {
      const client = vcr ? got.extend({ hooks: vcrHooks(), retry: { limit: 0 } }) : got.extend({ retry: { limit: 0 } })
      return client.stream(url)[Symbol.asyncIterator]()
    },
  },
]

async function rest(chunks: AsyncIterator<Uint8Array | string>): Promise<string> {
  let text = ''
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) text += Buffer.from(next.value).toString()
  return text
}

describe.each(clients)('streaming while recording: $id', (client) => {
  it('delivers the first chunk before the server sends the last, stores the whole body, and replays it offline', async () => {
    const server = await startStreamServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const events = server.events
    const recorded = await vcr.useCassette('held.yaml', async () => {
      const chunks = await client.open(server.url('/held'), true)
      const first = await chunks.next()
      events.push(`client got ${JSON.stringify(Buffer.from(first.value!).toString())}`)
      server.release()
      return Buffer.from(first.value!).toString() + (await rest(chunks))
    })
    // Had vcrjs held the body back, the client would wait for the end the server sends only after this point.
    expect(events).toEqual(['received /held', 'sent first', `client got ${JSON.stringify(HELD_CHUNKS[0])}`, 'sent rest'])
    expect(recorded).toBe(HELD_CHUNKS.join(''))

    const hits = server.hits
    const replayed = await vcr.useCassette('held.yaml', async () => rest(await client.open(server.url('/held'), true)), { recordMode: 'none' })
    expect(replayed).toBe(HELD_CHUNKS.join(''))
    expect(server.hits).toBe(hits)
  })

  it('a connection cut mid-body fails the client as it fails live, and nothing is recorded', async () => {
    const server = await startStreamServer()
    const failure = async (vcr: boolean) => {
      const chunks = await client.open(server.url('/cut'), vcr)
      const error = await rest(chunks).then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string; cause?: { code?: string } },
      )
      return { name: error?.name, code: error?.code, message: error?.message, cause: error?.cause?.code, isReadError: error instanceof ReadError }
    }
    const live = await failure(false)
    expect(live.name).toBeDefined()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const recording = await vcr.useCassette('cut.yaml', () => failure(true))
    expect(recording).toEqual(live)
    expect(existsSync(join(dir, 'cut.yaml'))).toBe(false)
  })
})

const EVENTS = ['data: {"n":1}\n\n', 'data: {"n":2}\n\n', 'data: {"n":3}\n\n', 'data: [DONE]\n\n']

/** The chunks left in `chunks`, each as text. */
async function remaining(chunks: AsyncIterator<Uint8Array | string>): Promise<string[]> {
  const out: string[] = []
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) out.push(Buffer.from(next.value).toString())
  return out
}

describe.each(clients)('replaying a stream: $id', (client) => {
  it('delivers the recorded chunks one by one, in order, offline', async () => {
    const server = await startSseServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const recorded = await vcr.useCassette('sse.yaml', async () => {
      const chunks = await client.open(server.url('/sse'), true)
      await server.opened()
      const got: string[] = []
      for (const event of EVENTS) {
        server.send(event)
        got.push(Buffer.from((await chunks.next()).value!).toString())
      }
      server.end()
      return [...got, ...(await remaining(chunks))]
    })
    expect(recorded).toEqual(EVENTS)
    expect(await readFile(join(dir, 'sse.yaml'), 'utf8')).toContain(`chunks:\n${EVENTS.map((e) => `      - [${e.length}, `).join('')}`.slice(0, 20))
    await server.close()

    const replayed = await vcr.useCassette('sse.yaml', async () => remaining(await client.open(server.url('/sse'), true)), { recordMode: 'none' })
    expect(replayed).toEqual(EVENTS)
  })
})

describe.each(clients.filter((client) => client.cancelsOnReturn))('abandoning a stream while recording: $id', (client) => {
  it('a client that reads two events of an endless stream and stops gets them live; replay gives the same two, then the body ends', async () => {
    const server = await startSseServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const read = async (chunks: AsyncIterator<Uint8Array | string>, live: boolean) => {
      const got: string[] = []
      for (const event of EVENTS.slice(0, 2)) {
        if (live) server.send(event)
        got.push(Buffer.from((await chunks.next()).value!).toString())
      }
      await chunks.return?.()
      return got
    }
    const recorded = await vcr.useCassette('endless.yaml', async () => {
      const chunks = await client.open(server.url('/sse'), true)
      await server.opened()
      return read(chunks, true)
    })
    expect(recorded).toEqual(EVENTS.slice(0, 2))
    const text = await readFile(join(dir, 'endless.yaml'), 'utf8')
    expect(text).toContain(`string: ${JSON.stringify(EVENTS.slice(0, 2).join(''))}`)
    expect(text).toContain('cut_short: true')
    await server.close()

    const replayed = await vcr.useCassette('endless.yaml', async () => {
      const chunks = await client.open(server.url('/sse'), true)
      return { read: await read(chunks, false), after: await remaining(chunks) }
    }, { recordMode: 'none' })
    expect(replayed).toEqual({ read: EVENTS.slice(0, 2), after: [] })
  })
})
