import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** The SSE response of the first-chunk rows: the head, the first event at once, then the rest `SSE_GAP_MS` apart. */
export const SSE_EVENTS = ['data: {"n":1,"delta":"Hel"}\n\n', 'data: {"n":2,"delta":"lo"}\n\n', 'data: {"n":3,"delta":"!"}\n\n', 'data: [DONE]\n\n']
export const SSE_GAP_MS = 10

/** The 64 KiB of text the large body repeats: SSE-shaped lines, so the cassette stores it as a readable string. */
const BIG_CHUNK = Buffer.from('data: {"token":"abcdefghijklmnopqrstuvwxyz0123456789"}\n\n'.repeat(1_200).slice(0, 65_536))

export interface StreamingServer {
  /** `/sse`: the SSE response above. `/big?bytes=N`: N bytes of text, chunked, written as fast as the client reads. */
  url(path: string): string
  close(): Promise<void>
}

/** A local server on 127.0.0.1 (port 0) in this process, for the streaming rows. */
export async function startStreamingServer(): Promise<StreamingServer> {
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    req.resume()
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/sse') return void sendSse(res)
    if (url.pathname === '/big') return void sendBig(res, Number(url.searchParams.get('bytes')))
    res.writeHead(404).end()
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

async function sendSse(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
  res.flushHeaders()
  // The first event in a write of its own, just after the head, as an LLM API sends its first delta.
  await new Promise((resolve) => setImmediate(resolve))
  for (const [index, event] of SSE_EVENTS.entries()) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, SSE_GAP_MS))
    if (res.destroyed) return
    res.write(event)
  }
  res.end()
}

async function sendBig(res: ServerResponse, bytes: number): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' })
  let sent = 0
  while (sent < bytes && !res.destroyed) {
    const size = Math.min(BIG_CHUNK.length, bytes - sent)
    sent += size
    // The same bytes every write (no copy), at the pace the client reads them.
    if (!res.write(size === BIG_CHUNK.length ? BIG_CHUNK : BIG_CHUNK.subarray(0, size))) {
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off('drain', go).off('close', go)
          resolve()
        }
        res.on('drain', go).on('close', go)
      })
    }
  }
  res.end()
}
