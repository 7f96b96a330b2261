import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import { request } from 'undici'
import { describe, expect, it, onTestFinished } from 'vitest'
import { startTestServer } from '../support/server.js'
import { startStreamServer } from '../support/stream-server.js'
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
      const server = await startStreamServer()
      const dir = await tempCassetteDir()
      const vcr = new VCR({ cassetteLibraryDir: dir })
      const recorded = await vcr.useCassette('aborted.yaml', async (cassette) => {
        const dispatcher = vcrDispatcher(cassette)
        onTestFinished(() => dispatcher.close())
        const controller = new AbortController()
        const sending = send(server.url('/silent'), controller.signal, dispatcher)
        await server.next('received /silent')
        controller.abort()
        await expect(sending).rejects.toMatchObject({ name: 'AbortError' })
        // The server sees the real request's connection go away: vcrjs cancelled it.
        await server.next('closed /silent')
        return cassette.length
      })
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
        let firstYielded = () => {}
        let releaseSecond = () => {}
        let bodyClosed = () => {}
        const yielded = new Promise<void>((resolve) => (firstYielded = resolve))
        const second = new Promise<void>((resolve) => (releaseSecond = resolve))
        const closed = new Promise<void>((resolve) => (bodyClosed = resolve))
        // An async generator, which undici (unlike a Readable) does not destroy on abort. undici's types omit async iterables.
        const slowBody = (async function* () {
          try {
            yield 'first chunk'
            firstYielded()
            await second
            yield 'second chunk'
          } finally {
            bodyClosed()
          }
        })() as unknown as Readable
        const sending = request(server.url('/json'), { method: 'GET', body: slowBody, dispatcher, signal: controller.signal })
        await yielded
        controller.abort()
        await expect(sending).rejects.toMatchObject({ name: 'AbortError' })
        // The body goes on after the abort; a dispatcher that ignored the abort would play the interaction once it ends.
        releaseSecond()
        await closed
        // One turn of the event loop: the microtasks that would play the interaction have run.
        await new Promise((resolve) => setImmediate(resolve))
        await dispatcher.close()
        return cassette.playCount
      })
      expect(played).toBe(0)
    })
  })
})
