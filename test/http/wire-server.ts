import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { onTestFinished } from 'vitest'

/**
 * A server for what the shared test server does not show: how a request
 * arrived (framing headers, the connection it came on), chunked responses,
 * responses framed by the connection's close, requests that never get an
 * answer, and https. Counts requests, connections and requests that the client
 * abandoned before their answer. Closed when the test ends.
 *
 * Endpoints:
 * - `* /wire`: JSON with the method, the raw headers, the body (utf8) and the number of the connection it came on
 * - `GET /chunked`: a chunked response written in three parts
 * - `GET /until-close`: a response with neither Content-Length nor chunking, ended by closing the connection
 * - `GET /counter`: `{"count": n}`
 * - `GET /hang`: never answers
 * - `GET /fixtures/?list-type=2&prefix=...`: S3's ListObjectsV2 XML reply for a bucket named fixtures (path-style)
 */
export interface WireServer {
  readonly origin: string
  readonly port: number
  readonly hits: number
  readonly connections: number
  /** Requests whose client went away before they were answered. */
  readonly abandoned: number
  url(path: string): string
  close(): Promise<void>
}

export const S3_KEYS = ['cassettes/a.yaml', 'cassettes/b.yaml']

export async function startWireServer(tls?: { key: string; cert: string }): Promise<WireServer> {
  let hits = 0
  let connections = 0
  let abandoned = 0
  let counter = 0
  const numbers = new WeakMap<Socket, number>()
  const listener: RequestListener = (req, res) => {
    hits++
    res.on('close', () => {
      if (!res.writableFinished) abandoned++
    })
    void collect(req).then((body) => route(req, res, body, numbers.get(req.socket) ?? 0, () => ++counter))
  }
  const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener)
  // Long enough that a kept-alive connection is still open for the next request.
  server.keepAliveTimeout = 5_000
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => numbers.set(socket, ++connections))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`
  let closed: Promise<void> | undefined
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }))
  onTestFinished(close)
  return {
    origin,
    port,
    get hits() {
      return hits
    },
    get connections() {
      return connections
    },
    get abandoned() {
      return abandoned
    },
    url: (path) => `${origin}${path}`,
    close,
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

function route(req: IncomingMessage, res: ServerResponse, body: Buffer, connection: number, nextCount: () => number): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  switch (url.pathname) {
    case '/wire':
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ method: req.method, rawHeaders: req.rawHeaders, body: body.toString('utf8'), connection }))
      return
    case '/chunked':
      res.writeHead(200, { 'Content-Type': 'text/plain' })
      res.write('one,')
      setTimeout(() => {
        res.write('two,')
        res.end('three')
      }, 10)
      return
    case '/until-close':
      // Removing both framing headers makes Node end the body by closing the connection.
      res.removeHeader('content-length')
      res.removeHeader('transfer-encoding')
      res.writeHead(200, { 'Content-Type': 'text/plain' })
      res.end('read until the connection closes')
      return
    case '/counter': {
      const json = JSON.stringify({ count: nextCount() })
      // Stated, so that a HEAD answer carries it too.
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(json)) })
      res.end(json)
      return
    }
    case '/hang':
      return
    case '/fixtures/':
      res.writeHead(200, { 'Content-Type': 'application/xml', 'x-amz-request-id': 'LOCAL0001' })
      res.end(listObjectsV2Xml(url.searchParams.get('prefix') ?? ''))
      return
    default:
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      res.end('not found')
  }
}

function listObjectsV2Xml(prefix: string): string {
  const contents = S3_KEYS.filter((key) => key.startsWith(prefix))
    .map((key) => `<Contents><Key>${key}</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified><ETag>&quot;0123&quot;</ETag><Size>42</Size><StorageClass>STANDARD</StorageClass></Contents>`)
    .join('')
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Name>fixtures</Name><Prefix>${prefix}</Prefix><KeyCount>${S3_KEYS.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>` +
    contents +
    '</ListBucketResult>'
  )
}
