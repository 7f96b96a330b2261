import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'

/**
 * The local HTTP server every integration test and the demo talk to. It
 * listens on 127.0.0.1, port 0, and counts the requests it serves, so a test
 * can prove that a replay never reached it.
 *
 * Endpoints:
 * - `GET /json`: `{"hello":"world"}`
 * - `GET /text?...`: plain text echoing the query
 * - `GET /utf8`: UTF-8 text with non-ASCII characters
 * - `GET /binary`: the 256 byte values, application/octet-stream
 * - `GET /gzip`, `/deflate`, `/br`: a JSON body compressed with that encoding
 * - `GET /counter`: `{"count": n}`, n counting up from 1 (proves replay order)
 * - `GET /status/:code`: that status, with a short text body (none for 204/304)
 * - `GET /redirect/:n`: a 302 chain of n hops ending at `/json`
 * - `GET /redirect-to?location=...&status=...`: one redirect
 * - `GET /cookies`: two `Set-Cookie` headers
 * - `* /echo`: JSON with the method, path, query, headers and the body (base64)
 * - `GET /slow?ms=...`: answers after a delay (for aborts and timeouts)
 * - `POST /login`: `{"token": LOGIN_TOKEN}`, echoing nothing of the request (for secret filtering)
 * - `* /secret/...`: JSON of the `pw` query parameter, the `X-Secret` header (percent-decoded),
 *   the `pw` field of a JSON body and the last path segment (decoded), and an `X-Secret-Echo`
 *   header with the query value percent-encoded: one secret sent and echoed in every spelling
 */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly port: number
  /** How many requests the server has answered since start or `reset()`. */
  readonly hits: number
  url(path: string): string
  /** Resets the counter endpoint and `hits`. */
  reset(): void
  close(): Promise<void>
}

export const JSON_BODY = '{"hello":"world"}'
export const UTF8_BODY = 'Grüße aus Köln — 東京 🚀\n'
export const BINARY_BODY = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
export const LOGIN_TOKEN = 'tok_live_5f3a9c2e71'
export const COMPRESSED_JSON = JSON.stringify({ compressed: true, items: Array.from({ length: 20 }, (_, i) => `item-${i}`) })

export async function startTestServer(): Promise<TestServer> {
  let counter = 0
  let hits = 0
  const server: Server = createServer((req, res) => {
    hits++
    collect(req).then((body) => route(req, res, body, () => ++counter))
  })
  // Keep-alive sockets would hold close() open; every test server is short-lived.
  server.keepAliveTimeout = 100
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  return {
    origin,
    port,
    get hits() {
      return hits
    },
    url: (path) => `${origin}${path}`,
    reset() {
      counter = 0
      hits = 0
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

function collect(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function route(req: IncomingMessage, res: ServerResponse, body: Buffer, nextCount: () => number): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  const path = url.pathname
  if (path === '/json') return send(res, 200, { 'Content-Type': 'application/json' }, JSON_BODY)
  if (path === '/text') {
    return send(res, 200, { 'Content-Type': 'text/plain; charset=utf-8' }, `query: ${url.searchParams.toString()}`)
  }
  if (path === '/utf8') return send(res, 200, { 'Content-Type': 'text/plain; charset=utf-8' }, UTF8_BODY)
  if (path === '/binary') return send(res, 200, { 'Content-Type': 'application/octet-stream' }, BINARY_BODY)
  if (path === '/gzip' || path === '/deflate' || path === '/br') {
    const encoding = path.slice(1)
    const compress = encoding === 'gzip' ? gzipSync : encoding === 'deflate' ? deflateSync : brotliCompressSync
    return send(res, 200, { 'Content-Type': 'application/json', 'Content-Encoding': encoding }, compress(COMPRESSED_JSON))
  }
  if (path === '/counter') return send(res, 200, { 'Content-Type': 'application/json' }, JSON.stringify({ count: nextCount() }))
  const status = /^\/status\/(\d{3})$/.exec(path)
  if (status) {
    const code = Number(status[1])
    const empty = code === 204 || code === 304
    return send(res, code, empty ? {} : { 'Content-Type': 'text/plain' }, empty ? '' : `status ${code}`)
  }
  const redirect = /^\/redirect\/(\d+)$/.exec(path)
  if (redirect) {
    const left = Number(redirect[1])
    return send(res, 302, { Location: left <= 1 ? '/json' : `/redirect/${left - 1}` }, '')
  }
  if (path === '/redirect-to') {
    const code = Number(url.searchParams.get('status') ?? 302)
    return send(res, code, { Location: url.searchParams.get('location') ?? '/json' }, '')
  }
  if (path === '/cookies') {
    res.writeHead(200, [
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'session=abc123; Path=/; HttpOnly'],
      ['Set-Cookie', 'theme=dark; Path=/'],
    ].flat())
    res.end('two cookies')
    return
  }
  if (path === '/echo') {
    return send(
      res,
      200,
      { 'Content-Type': 'application/json' },
      JSON.stringify({
        method: req.method,
        path,
        query: [...url.searchParams],
        headers: req.headers,
        body: body.toString('base64'),
      }),
    )
  }
  if (path === '/login') {
    return send(res, 200, { 'Content-Type': 'application/json' }, JSON.stringify({ token: LOGIN_TOKEN, user: 'alice' }))
  }
  if (path.startsWith('/secret/')) {
    const echoed = {
      fromQuery: url.searchParams.get('pw'),
      fromHeader: decodeURIComponent(String(req.headers['x-secret'] ?? '')),
      fromBody: body.length > 0 ? (JSON.parse(body.toString('utf8')) as { pw?: string }).pw : null,
      fromPath: decodeURIComponent(path.slice('/secret/'.length)),
    }
    return send(
      res,
      200,
      { 'Content-Type': 'application/json; charset=utf-8', 'X-Secret-Echo': encodeURIComponent(echoed.fromQuery ?? '') },
      JSON.stringify(echoed),
    )
  }
  if (path === '/slow') {
    const timer = setTimeout(() => send(res, 200, { 'Content-Type': 'text/plain' }, 'slow'), Number(url.searchParams.get('ms') ?? 1000))
    res.on('close', () => clearTimeout(timer))
    return
  }
  send(res, 404, { 'Content-Type': 'text/plain' }, 'not found')
}

function send(res: ServerResponse, code: number, headers: Record<string, string>, body: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  res.writeHead(code, { ...headers, ...(code === 204 || code === 304 ? {} : { 'Content-Length': String(bytes.length) }) })
  res.end(code === 204 || code === 304 ? undefined : bytes)
}
