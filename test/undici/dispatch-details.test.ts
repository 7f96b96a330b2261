import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import { type Dispatcher, request } from 'undici'
import { describe, expect, it, onTestFinished } from 'vitest'
import { startTestServer } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'

describe('vcrDispatcher: what a dispatch carries', () => {
  it('opts.query is part of the recorded URL, and replays offline', async () => {
    const server = await startTestServer()
    onTestFinished(() => server.close())
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const send = () =>
      vcr.useCassette('query.yaml', async (cassette) => {
        const dispatcher = vcrDispatcher(cassette)
        onTestFinished(() => dispatcher.close())
        return (await request(server.url('/text'), { dispatcher, query: { page: 2, q: 'a b' } })).body.text()
      })
    const live = await send()
    expect(live).toBe('query: page=2&q=a+b')
    expect(await readFile(join(dir, 'query.yaml'), 'utf8')).toContain('/text?page=2&q=a%20b')
    const hits = server.hits
    expect(await send()).toBe(live)
    expect(server.hits).toBe(hits)
  })

  it('a 1xx informational response is skipped: the final response is recorded and replayed', async () => {
    const server = createServer((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' })
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('final')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hints`
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const send = (options = {}) =>
      vcr.useCassette(
        'hints.yaml',
        async (cassette) => {
          const dispatcher = vcrDispatcher(cassette)
          onTestFinished(() => dispatcher.close())
          const response = await request(url, { dispatcher })
          return { status: response.statusCode, body: await response.body.text() }
        },
        options,
      )
    expect(await send()).toEqual({ status: 200, body: 'final' })
    const file = await readFile(join(dir, 'hints.yaml'), 'utf8')
    expect(file).not.toContain('103')
    expect(await send({ recordMode: 'none' })).toEqual({ status: 200, body: 'final' })
  })

  it('a handler that aborts at the head gets nothing more than its error', async () => {
    const server = await startTestServer()
    onTestFinished(() => server.close())
    const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir() })
    const dispatchOnce = (cassette: Parameters<typeof vcrDispatcher>[0]) =>
      new Promise<string[]>((resolve) => {
        const dispatcher = vcrDispatcher(cassette)
        onTestFinished(() => dispatcher.close())
        const seen: string[] = []
        const handler: Dispatcher.DispatchHandler = {
          onRequestStart: () => {},
          onResponseStart: (controller, status) => {
            seen.push(`head ${status}`)
            controller.abort(new Error('enough'))
          },
          onResponseData: () => void seen.push('data'),
          onResponseEnd: () => {
            seen.push('end')
            resolve(seen)
          },
          onResponseError: (_controller, error) => {
            seen.push(`error ${error.message}`)
            // One turn of the event loop: anything a dispatcher that ignored the abort would still deliver has arrived.
            setImmediate(() => resolve(seen))
          },
        }
        dispatcher.dispatch({ origin: server.origin, path: '/json', method: 'GET' }, handler)
      })
    await vcr.useCassette('abort.yaml', async (cassette) => {
      await (await request(server.url('/json'), { dispatcher: vcrDispatcher(cassette) })).body.text()
    })
    const replayed = await vcr.useCassette('abort.yaml', (cassette) => dispatchOnce(cassette), { recordMode: 'none' })
    expect(replayed).toEqual(['head 200', 'error enough'])
  })

  it('a handler that pauses at the head gets the replayed body only once it resumes, in either handler API', async () => {
    const server = await startTestServer()
    let closed = false
    onTestFinished(() => (closed ? undefined : server.close()))
    const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir() })
    const live = await vcr.useCassette('pause.yaml', async (cassette) => (await request(server.url('/json'), { dispatcher: vcrDispatcher(cassette) })).body.text())
    await server.close()
    closed = true
    /** Dispatches through the cassette; the handler pauses at the head and resumes on the next turn of the event loop. */
    const replayPaused = (api: 'controller' | 'legacy') =>
      vcr.useCassette(
        'pause.yaml',
        (cassette) =>
          new Promise<string[]>((resolve) => {
            const dispatcher = vcrDispatcher(cassette)
            onTestFinished(() => dispatcher.close())
            const seen: string[] = []
            const chunks: Buffer[] = []
            const resumeLater = (resume: () => void) =>
              setImmediate(() => {
                seen.push('resume')
                resume()
              })
            const handler: Dispatcher.DispatchHandler =
              api === 'controller'
                ? {
                    onRequestStart: () => {},
                    onResponseStart: (controller) => {
                      seen.push('head')
                      controller.pause()
                      resumeLater(() => controller.resume())
                    },
                    onResponseData: (_controller, chunk) => void (seen.push('data'), chunks.push(chunk)),
                    onResponseEnd: () => resolve([...seen, 'end', Buffer.concat(chunks).toString()]),
                    onResponseError: (_controller, error) => resolve([...seen, `error ${error.message}`]),
                  }
                : {
                    onConnect: () => {},
                    onHeaders: (_status, _headers, resume) => {
                      seen.push('head')
                      resumeLater(resume)
                      return false
                    },
                    onData: (chunk) => {
                      seen.push('data')
                      chunks.push(chunk)
                      return true
                    },
                    onComplete: () => resolve([...seen, 'end', Buffer.concat(chunks).toString()]),
                    onError: (error) => resolve([...seen, `error ${error.message}`]),
                  }
            dispatcher.dispatch({ origin: server.origin, path: '/json', method: 'GET' }, handler)
          }),
        { recordMode: 'none', allowPlaybackRepeats: true },
      )
    expect(await replayPaused('controller')).toEqual(['head', 'resume', 'data', 'end', live])
    expect(await replayPaused('legacy')).toEqual(['head', 'resume', 'data', 'end', live])
  })
})
