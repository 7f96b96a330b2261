import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CannotOverwriteExistingCassetteError, NoCassetteError, VCR } from '@vcrjs/core'
import { UnsupportedRequestError, vcrDispatcher } from '@vcrjs/undici'
import { request, upgrade } from 'undici'
import { describe, expect, it } from 'vitest'
import { startTestServer } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'

describe('errors', () => {
  it('a network error while recording reaches the caller as is, and nothing is recorded', async () => {
    const server = await startTestServer()
    await server.close() // nothing listens on its port any more
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const recorded = await vcr.useCassette('refused.yaml', async (cassette) => {
      const dispatcher = vcrDispatcher(cassette)
      await expect(fetch(server.url('/json'), { dispatcher } as unknown as RequestInit)).rejects.toMatchObject({
        name: 'TypeError',
        cause: { code: 'ECONNREFUSED' },
      })
      await expect(request(server.url('/json'), { dispatcher })).rejects.toMatchObject({ code: 'ECONNREFUSED' })
      await dispatcher.close()
      return cassette.length
    })
    expect(recorded).toBe(0)
    await expect(readFile(join(dir, 'refused.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  describe('no match', () => {
    async function recordedCassette() {
      const server = await startTestServer()
      const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir(), recordMode: 'none' })
      await vcr.useCassette(
        'json.yaml',
        async (cassette) => {
          const dispatcher = vcrDispatcher(cassette)
          await (await request(server.url('/json'), { dispatcher })).body.text()
          await dispatcher.close()
        },
        { recordMode: 'once' },
      )
      await server.close()
      return { vcr, server }
    }

    it('fetch rejects with a TypeError whose cause is CannotOverwriteExistingCassetteError', async () => {
      const { vcr, server } = await recordedCassette()
      const error = await vcr.useCassette('json.yaml', (cassette) =>
        fetch(server.url('/text'), { dispatcher: vcrDispatcher(cassette) } as unknown as RequestInit).catch((caught: unknown) => caught),
      )
      expect(error).toBeInstanceOf(TypeError)
      expect((error as Error).cause).toBeInstanceOf(CannotOverwriteExistingCassetteError)
      expect(((error as Error).cause as Error).message).toContain(`GET ${server.url('/text')}`)
    })

    it('undici.request rejects with CannotOverwriteExistingCassetteError itself', async () => {
      const { vcr, server } = await recordedCassette()
      const error = await vcr.useCassette('json.yaml', (cassette) =>
        request(server.url('/text'), { dispatcher: vcrDispatcher(cassette) }).catch((caught: unknown) => caught),
      )
      expect(error).toBeInstanceOf(CannotOverwriteExistingCassetteError)
      expect((error as CannotOverwriteExistingCassetteError).recordMode).toBe('none')
    })
  })

  describe('outside any cassette', () => {
    it('requests reach the network by default', async () => {
      const server = await startTestServer()
      const dispatcher = vcrDispatcher()
      const response = await request(server.url('/json'), { dispatcher })
      expect(await response.body.json()).toEqual({ hello: 'world' })
      await dispatcher.close()
      await server.close()
      expect(server.hits).toBe(1)
    })

    it('allowHttpWithoutCassette: false rejects with NoCassetteError and sends nothing', async () => {
      const server = await startTestServer()
      const dispatcher = vcrDispatcher(undefined, { allowHttpWithoutCassette: false })
      await expect(request(server.url('/json'), { dispatcher })).rejects.toBeInstanceOf(NoCassetteError)
      await dispatcher.close()
      await server.close()
      expect(server.hits).toBe(0)
    })
  })

  it('an upgrade (WebSocket, CONNECT) is refused with UnsupportedRequestError and sends nothing', async () => {
    const server = await startTestServer()
    const dispatcher = vcrDispatcher()
    const error = await upgrade(server.url('/json'), { dispatcher, protocol: 'websocket' }).catch((caught: unknown) => caught)
    await dispatcher.close()
    await server.close()
    expect(error).toBeInstanceOf(UnsupportedRequestError)
    expect((error as Error).message).toMatch(/cannot record or replay an upgraded connection/)
    expect(server.hits).toBe(0)
    expect(new NoCassetteError('GET /')).not.toBeInstanceOf(UnsupportedRequestError)
  })
})
