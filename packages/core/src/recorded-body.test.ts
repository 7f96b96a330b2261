import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { handleRequest } from './adapter.js'
import type { CassetteOptions } from './options.js'
import { VCR } from './vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-recorded-body-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** Chunks as a network hands them over: each its own buffer. */
function networkChunks(): Buffer[] {
  return ['data: {"n":1}\n\n', 'data: {"n":2}\n\n', 'data: {"n":3}\n\n', 'data: [DONE]\n\n'].map((event) => Buffer.from(event))
}

/** Records one streamed response of `chunks` through the adapter interface and reads its body as a client does. */
async function record(chunks: readonly Buffer[], options: CassetteOptions = {}, headers: Record<string, string> = {}) {
  const vcr = new VCR({ cassetteLibraryDir: dir })
  const cassette = await vcr.insertCassette('body.yaml', options)
  const handled = await handleRequest({
    cassette,
    request: { method: 'GET', url: 'http://h.test/sse' },
    sendReal: async () => ({
      status: 200,
      headers: { 'Content-Type': 'text/event-stream', ...headers },
      body: (async function* () {
        yield* chunks
      })(),
    }),
  })
  const read: Uint8Array[] = []
  for await (const chunk of handled.response.body) read.push(chunk)
  return { cassette, read, stored: cassette.responses[0]! }
}

describe('a recorded body is stored as the chunks it arrived in, never concatenated while recording (#15)', () => {
  it('with the default options, the stored response holds the very chunks the network yielded and the client read', async () => {
    const chunks = networkChunks()
    const { cassette, read, stored } = await record(chunks)
    expect(read.every((chunk, index) => chunk === chunks[index])).toBe(true)
    // Reading `body` would have concatenated them into one buffer and dropped the chunks.
    expect(stored.bodyParts.every((part, index) => part === chunks[index])).toBe(true)
    expect(stored.bodyParts).toHaveLength(4)
    await cassette.eject()
    expect(await readFile(join(dir, 'body.yaml'), 'utf8')).toContain(JSON.stringify(Buffer.concat(chunks).toString()))
  })

  it('a response header filter rebuilds the response around the same chunks', async () => {
    const chunks = networkChunks()
    const { cassette, stored } = await record(chunks, { filterResponseHeaders: ['set-cookie'] }, { 'Set-Cookie': 'session=abc123' })
    expect(stored.headers.has('set-cookie')).toBe(false)
    expect(stored.bodyParts.every((part, index) => part === chunks[index])).toBe(true)
    await cassette.eject()
  })

  for (const count of [1, 4]) {
    it(`a beforeRecordResponse hook gets the body in one piece, a copy: what it writes reaches the cassette, never the chunks the client read (${count} chunks)`, async () => {
      const chunks = networkChunks().slice(0, count)
      const { cassette, read, stored } = await record(chunks, {
        beforeRecordResponse: (response) => {
          response.body.fill(0x2a)
          return response
        },
      })
      expect(Buffer.concat(read).toString()).toBe(Buffer.concat(networkChunks().slice(0, count)).toString())
      expect(Buffer.from(stored.body).toString()).toBe('*'.repeat(stored.bodyLength))
      await cassette.eject()
    })
  }
})
