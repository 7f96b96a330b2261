import { Writable } from 'node:stream'
import { type Cassette, VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import { stream } from 'undici'
import { expect, it } from 'vitest'
import { BINARY_BODY, startTestServer } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'

/** Streams `url` through undici.stream into memory; returns what the factory saw and the bytes written. */
async function streamed(url: string, cassette: Cassette) {
  const dispatcher = vcrDispatcher(cassette)
  const chunks: Buffer[] = []
  let head: { statusCode: number; headers: Record<string, unknown> } | undefined
  try {
    await stream(url, { method: 'GET', dispatcher }, ({ statusCode, headers }) => {
      head = { statusCode, headers }
      return new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk)
          done()
        },
      })
    })
  } finally {
    await dispatcher.close()
  }
  return { ...head, body: Buffer.concat(chunks) }
}

it('undici.stream records and replays offline, binary and gzip bytes as on the wire', async () => {
  const server = await startTestServer()
  const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir() })
  const run = () =>
    vcr.useCassette('stream.yaml', async (cassette) => [await streamed(server.url('/binary'), cassette), await streamed(server.url('/gzip'), cassette)])
  const live = await run()
  await server.close()
  const replayed = await run()
  expect(replayed).toEqual(live)
  expect(server.hits).toBe(2)
  expect(live[0]!.body).toEqual(BINARY_BODY)
  // undici.stream does not decode: the replay hands over the gzip bytes the server sent.
  expect(live[1]!.headers!['content-encoding']).toBe('gzip')
  expect(live[1]!.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))
})
