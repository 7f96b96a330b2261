import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { onTestFinished } from 'vitest'

/**
 * A Server-Sent Events server whose events the test sends one at a time, so
 * a test can tell what the client had before the server sent the next (order,
 * never time). Every request, whatever its path, opens a stream; `send`
 * writes to the open one, `end` ends it. Closed when the test ends (cleanup
 * registered at start); `close()` closes it earlier, to prove replay offline.
 */
export interface SseServer {
  url(path: string): string
  /** Resolves when a request has arrived and its head is sent. */
  opened(): Promise<void>
  /** Writes one chunk on the open stream and notes `sent <n>`. */
  send(chunk: string): void
  end(): void
  /** What happened, in order: `received`, `sent 1`, ..., `closed early` (the client went away). */
  readonly events: string[]
  readonly hits: number
  close(): Promise<void>
}

export async function startSseServer(): Promise<SseServer> {
  const events: string[] = []
  const sockets = new Set<Socket>()
  let open: ServerResponse | undefined
  let whenOpen: (() => void) | undefined
  let sent = 0
  let hits = 0
  const server = createServer((req, res) => {
    hits++
    events.push('received')
    req.resume()
    res.on('close', () => {
      if (!res.writableFinished) events.push('closed early')
    })
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
    res.flushHeaders()
    open = res
    whenOpen?.()
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  let closed = false
  const close = () =>
    new Promise<void>((resolve) => {
      if (closed) return resolve()
      closed = true
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
  onTestFinished(close)
  const { port } = server.address() as AddressInfo
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    opened: () =>
      new Promise<void>((resolve) => {
        if (open) return resolve()
        whenOpen = resolve
      }).then(() => {
        whenOpen = undefined
      }),
    send(chunk) {
      if (!open) throw new Error('no stream is open')
      open.write(chunk)
      events.push(`sent ${++sent}`)
    },
    end() {
      open?.end()
      open = undefined
      sent = 0
    },
    events,
    get hits() {
      return hits
    },
    close,
  }
}

/**
 * An SSE server that plays a script on its own, for clients the test cannot
 * step (vcrpy and Ruby VCR in their own processes): a request to a path of
 * `routes` gets `200 text/event-stream`, chunked, then each event of the
 * route as its own chunk, the next one written `GAP_MS` after the previous
 * one left, then the end; any other path gets a 404. Nothing asserts on the
 * gaps: they are there so the events cross the connection apart, as an LLM
 * API's do. Close it with `close()` (its user records in a shared promise,
 * not in one test).
 */
export interface ScriptedSseServer {
  readonly origin: string
  /** How many requests arrived. */
  readonly hits: number
  close(): Promise<void>
}

const GAP_MS = 5

export async function startScriptedSseServer(routes: Readonly<Record<string, readonly string[]>>): Promise<ScriptedSseServer> {
  let hits = 0
  const server = createServer((req, res) => {
    hits++
    req.resume()
    const events = routes[new URL(req.url ?? '/', 'http://x').pathname]
    if (!events) return void res.writeHead(404).end()
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
    res.flushHeaders()
    let timer: NodeJS.Timeout | undefined
    res.on('close', () => clearTimeout(timer))
    const write = (index: number) => {
      if (index === events.length) return void res.end()
      res.write(events[index], () => (timer = setTimeout(write, GAP_MS, index + 1)))
    }
    write(0)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    get hits() {
      return hits
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
