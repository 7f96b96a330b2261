import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { type Cassette, VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import type { Dispatcher } from 'undici'
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempCassetteDir } from '../support/temp.js'

/** A server that writes each response, head and body, in one write: the client reads it in one go. */
async function oneWriteServer(): Promise<string> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function recordingCassette(): Promise<Cassette> {
  const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir() })
  const cassette = await vcr.insertCassette('handoff.yaml', { recordMode: 'all' })
  onTestFinished(() => cassette.eject())
  return cassette
}

describe('vcrDispatcher while recording: a body that came with its head', () => {
  // A microtask queued at the head runs only after the end, as with undici's own parser: no turn of the
  // client's promise machinery between its callbacks (what made a small recorded fetch cost 15% more).
  it('reaches a legacy handler (Node fetch) in the same turn as the head, stored before the end', async () => {
    const origin = await oneWriteServer()
    const cassette = await recordingCassette()
    const dispatcher = vcrDispatcher(cassette)
    onTestFinished(() => dispatcher.close())
    const events = await new Promise<string[]>((resolve, reject) => {
      const seen: string[] = []
      const handler: Dispatcher.DispatchHandler = {
        onConnect: () => {},
        onHeaders: (status) => {
          seen.push(`head ${status}`)
          queueMicrotask(() => seen.push('microtask queued at the head'))
          return true
        },
        onData: (chunk) => {
          seen.push(`data ${chunk.toString()}`)
          return true
        },
        onComplete: () => {
          seen.push(`end, ${cassette.length} stored`)
          setImmediate(() => resolve(seen))
        },
        onError: reject,
      }
      dispatcher.dispatch({ origin, path: '/one', method: 'GET' }, handler)
    })
    expect(events).toEqual(['head 200', 'data hello', 'end, 1 stored', 'microtask queued at the head'])
  })

  it('reaches a controller-API handler in the same turn as the head, stored before the end', async () => {
    const origin = await oneWriteServer()
    const cassette = await recordingCassette()
    const dispatcher = vcrDispatcher(cassette)
    onTestFinished(() => dispatcher.close())
    const events = await new Promise<string[]>((resolve, reject) => {
      const seen: string[] = []
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: () => {},
        onResponseStart: (_controller, status) => {
          seen.push(`head ${status}`)
          queueMicrotask(() => seen.push('microtask queued at the head'))
        },
        onResponseData: (_controller, chunk) => void seen.push(`data ${chunk.toString()}`),
        onResponseEnd: () => {
          seen.push(`end, ${cassette.length} stored`)
          setImmediate(() => resolve(seen))
        },
        onResponseError: (_controller, error) => reject(error),
      }
      dispatcher.dispatch({ origin, path: '/one', method: 'GET' }, handler)
    })
    expect(events).toEqual(['head 200', 'data hello', 'end, 1 stored', 'microtask queued at the head'])
  })
})
