import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { startTestServer } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'

describe('abort signals', () => {
  describe('while recording', () => {
    const clients = {
      'global fetch': async (url: string, signal: AbortSignal, dispatcher: ReturnType<typeof vcrDispatcher>) =>
        fetch(url, { signal, dispatcher } as unknown as RequestInit),
      'undici.request': async (url: string, signal: AbortSignal, dispatcher: ReturnType<typeof vcrDispatcher>) =>
        request(url, { signal, dispatcher }),
    }

    it.each(Object.entries(clients))('%s: the real request is cancelled and nothing is recorded', async (_id, send) => {
      const server = await startTestServer()
      const dir = await tempCassetteDir()
      const vcr = new VCR({ cassetteLibraryDir: dir })
      const recorded = await vcr.useCassette('aborted.yaml', async (cassette) => {
        const dispatcher = vcrDispatcher(cassette)
        const controller = new AbortController()
        const started = Date.now()
        const sending = send(server.url('/slow?ms=400'), controller.signal, dispatcher)
        setTimeout(() => controller.abort(), 50)
        await expect(sending).rejects.toMatchObject({ name: 'AbortError' })
        expect(Date.now() - started).toBeLessThan(350)
        // Had the real request gone on, its response would arrive within this wait and be recorded.
        await sleep(600)
        await dispatcher.close()
        return cassette.length
      })
      await server.close()
      expect(recorded).toBe(0)
      await expect(readFile(join(dir, 'aborted.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
    })
  })

  describe('while replaying', () => {
    async function recordJson(vcr: VCR) {
      const server = await startTestServer()
      await vcr.useCassette('json.yaml', async (cassette) => {
        const dispatcher = vcrDispatcher(cassette)
        await (await request(server.url('/json'), { dispatcher })).body.text()
        await dispatcher.close()
      }, { recordMode: 'once' })
      await server.close()
      return server
    }

    it('undici.request with an already aborted signal rejects and plays nothing', async () => {
      const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir(), recordMode: 'none' })
      const server = await recordJson(vcr)
      const played = await vcr.useCassette('json.yaml', async (cassette) => {
        const dispatcher = vcrDispatcher(cassette)
        const reason = new Error('given up')
        await expect(request(server.url('/json'), { dispatcher, signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
        return cassette.playCount
      })
      expect(played).toBe(0)
    })

    it('undici.request aborted while its async iterable body is still being read rejects and plays nothing', async () => {
      const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir(), recordMode: 'none', matchOn: ['method', 'uri'] })
      const server = await recordJson(vcr)
      const played = await vcr.useCassette('json.yaml', async (cassette) => {
        const dispatcher = vcrDispatcher(cassette)
        const controller = new AbortController()
        // An async generator, which undici (unlike a Readable) does not destroy on abort. undici's types omit async iterables.
        const slowBody = (async function* () {
          yield 'first chunk'
          await sleep(300)
          yield 'second chunk'
        })() as unknown as Readable
        const sending = request(server.url('/json'), { method: 'GET', body: slowBody, dispatcher, signal: controller.signal })
        setTimeout(() => controller.abort(), 50)
        await expect(sending).rejects.toMatchObject({ name: 'AbortError' })
        // Once the body ends, a dispatcher that ignored the abort would play the interaction.
        await sleep(400)
        return cassette.playCount
      })
      expect(played).toBe(0)
    })
  })
})
