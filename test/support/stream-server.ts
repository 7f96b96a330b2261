import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { onTestFinished } from 'vitest'

/**
 * A server for streaming and failure tests, closed when the test ends
 * (cleanup registered at start). Endpoints:
 * - `GET /held`: the head and the first chunk at once, the other chunks only
 *   when the test calls `release()`: a client that sees the first chunk
 *   before `release()` was called received it as the server sent it.
 * - `GET /cut`: declares 100 bytes, sends 10, then closes the connection.
 * - `GET /silent`: never answers (the request is held until the test ends).
 * - `GET /stalled`: the head and a first chunk, then nothing (held until the test ends).
 *
 * `events` also notes `received <path>` and `closed <path>` (the client's
 * connection went away before the response ended), which `next(event)` awaits.
 */
export interface StreamServer {
  url(path: string): string
  /** Sends the rest of `/held`'s body and ends it. */
  release(): void
  /** What happened, in order: `received /held`, `sent first`, `sent rest`, `closed /silent`, ... */
  readonly events: string[]
  /** Resolves when `event` happens (at once if it already did). */
  next(event: string): Promise<void>
  readonly hits: number
}

export const HELD_CHUNKS = ['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n'] as const

export async function startStreamServer(): Promise<StreamServer> {
  const events: string[] = []
  const waiting: ServerResponse[] = []
  const sockets = new Set<Socket>()
  let hits = 0
  const listeners = new Map<string, () => void>()
  const note = (event: string) => {
    events.push(event)
    listeners.get(event)?.()
  }
  const server = createServer((req, res) => {
    hits++
    note(`received ${req.url}`)
    res.on('close', () => {
      if (!res.writableFinished) note(`closed ${req.url}`)
    })
    if (req.url === '/held') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' })
      res.write(HELD_CHUNKS[0])
      note('sent first')
      waiting.push(res)
    } else if (req.url === '/cut') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '100' })
      res.write('0123456789', () => res.socket?.destroy())
    } else if (req.url === '/stalled') {
      res.writeHead(200, { 'Content-Type': 'text/plain' })
      res.write('first')
    } else if (req.url !== '/silent') {
      res.writeHead(404).end()
    }
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  )
  const { port } = server.address() as AddressInfo
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    release() {
      for (const res of waiting.splice(0)) {
        res.end(HELD_CHUNKS.slice(1).join(''))
        note('sent rest')
      }
    },
    events,
    next: (event) =>
      events.includes(event) ? Promise.resolve() : new Promise<void>((resolve) => listeners.set(event, resolve)),
    get hits() {
      return hits
    },
  }
}
