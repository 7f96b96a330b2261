import { AsyncResource } from 'node:async_hooks'
import { type Agent, type ClientRequest, createServer, type IncomingMessage, type RequestOptions, type Server, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import {
  type AdapterOptions,
  type Cassette,
  handleRequest,
  HttpHeaders,
  readRequestBody,
  redactUrl,
  type StreamedResponse,
  UnsupportedRequestError,
} from '@vcrjs/core/adapter'
import { MemorySocket } from './memory-socket.js'
import type { Protocol } from './options.js'
import { requestUrl } from './request-url.js'
import { connectOptionsOf, sendReal } from './send-real.js'
import { writeResponse } from './write-response.js'

/** One in-memory connection the agent gave a client, and how to reach the real server behind it. */
interface Connection {
  readonly client: MemorySocket
  readonly connectOptions: RequestOptions
  /** The async context of the request now on the connection, so it finds the cassette of its own `useCassette`. */
  scope: AsyncResource | undefined
}

/**
 * The heart of the vcrjs agent. Each connection it creates is an in-memory
 * socket pair: the client's end goes to http.Agent, the other end to an
 * http.Server that never listens, so Node's own parser reads every request
 * the client writes (content-length or chunked bodies, keep-alive, Expect:
 * 100-continue) and Node's own writer answers it. Each request, once read to
 * the end, goes to the core, which replays it or has it sent for real;
 * whatever the core answers is written back as HTTP/1.1. No socket to the
 * server is opened unless the core asks for the real request.
 */
export class VcrConnections {
  readonly #protocol: Protocol
  readonly #cassette: Cassette | undefined
  readonly #adapterOptions: AdapterOptions
  readonly #realAgent: Agent
  readonly #server: Server
  readonly #connections = new WeakMap<Duplex, Connection>()

  constructor(protocol: Protocol, cassette: Cassette | undefined, adapterOptions: AdapterOptions, realAgent: Agent) {
    this.#protocol = protocol
    this.#cassette = cassette
    this.#adapterOptions = adapterOptions
    this.#realAgent = realAgent
    // The client's agent decides when a connection closes, as it would with a
    // live server; a Host header is not required of clients that leave it out;
    // headers far larger than Node's 16 KiB default are the real server's to refuse.
    this.#server = createServer({ requireHostHeader: false, keepAliveTimeout: 0, maxHeaderSize: 1024 * 1024 })
    this.#server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res))
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex) => this.#refuse(socket, req, 'a protocol upgrade (such as a WebSocket)'))
    this.#server.on('connect', (req: IncomingMessage, socket: Duplex) => this.#refuse(socket, req, 'a CONNECT tunnel'))
    this.#server.on('clientError', (error: Error & { code?: string }, socket: Duplex) =>
      this.#fail(
        socket,
        new UnsupportedRequestError(
          `vcrjs could not read the HTTP/1.1 request the client wrote (${error.code ?? error.message}); only HTTP/1.1 requests can be recorded and replayed.`,
          { cause: error },
        ),
      ),
    )
  }

  /** A new connection for http.Agent's `createConnection`. */
  connect(options: RequestOptions): MemorySocket {
    const { client, server } = MemorySocket.pair({
      host: options.host ?? undefined,
      port: options.port === undefined || options.port === null ? undefined : Number(options.port),
      encrypted: this.#protocol === 'https',
    })
    const connection: Connection = { client, connectOptions: connectOptionsOf(options), scope: undefined }
    // Both ends map to it: the server end when a request arrives, the client end when a request gets the socket.
    this.#connections.set(server, connection)
    this.#connections.set(client, connection)
    this.#server.emit('connection', server)
    // As net.createConnection does with an agent-wide `timeout`.
    if (options.timeout) client.setTimeout(options.timeout)
    return client
  }

  /**
   * Called for each request the agent is given, in the caller's async
   * context. A kept-alive connection is reused across requests (and tests),
   * but Node parses its requests in the context the connection was opened
   * in; the request carries its own context to the socket it gets instead.
   */
  track(req: ClientRequest): void {
    const scope = new AsyncResource('VcrjsHttpRequest')
    req.once('socket', (socket: Duplex) => {
      const connection = this.#connections.get(socket)
      if (connection) connection.scope = scope
    })
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const connection = this.#connections.get(req.socket)
    if (!connection) return void res.destroy()
    const run = () => void this.#answer(connection, req, res)
    if (connection.scope) connection.scope.runInAsyncScope(run)
    else run()
  }

  async #answer(connection: Connection, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controller = new AbortController()
    let streamed: StreamedResponse | undefined
    // A client that aborts or times out destroys its socket: stop the real request too, once the core
    // knows the client left (so it keeps what the client received, cut short, rather than a failed body).
    res.once('close', () => {
      if (res.writableFinished) return
      void streamed?.body[Symbol.asyncIterator]().return?.()
      controller.abort(new DOMException('The client closed the connection before the response ended', 'AbortError'))
    })
    let headSent = false
    try {
      const body = await readRequestBody(req)
      const written = { method: req.method ?? 'GET', target: req.url ?? '/', rawHeaders: req.rawHeaders, body: body ?? Buffer.alloc(0) }
      const { response } = await handleRequest({
        cassette: this.#cassette,
        request: {
          method: written.method,
          url: requestUrl(this.#protocol, connection.connectOptions, written.target),
          headers: HttpHeaders.fromRaw(req.rawHeaders),
          body,
        },
        sendReal: () => sendReal(this.#protocol, connection.connectOptions, this.#realAgent, written, controller.signal),
        allowHttpWithoutCassette: this.#adapterOptions.allowHttpWithoutCassette,
      })
      streamed = response
      if (res.destroyed) return
      headSent = true
      await writeResponse(res, response)
    } catch (error) {
      // After the head, the live failure is a connection closed mid-body, which the client reports as its own.
      if (headSent) req.socket.destroy()
      else this.#fail(req.socket, error)
    }
  }

  #refuse(socket: Duplex, req: IncomingMessage, what: string): void {
    const connection = this.#connections.get(socket)
    const url = connection ? redactUrl(requestUrl(this.#protocol, connection.connectOptions, req.url ?? '/')) : (req.url ?? '/')
    this.#fail(
      socket,
      new UnsupportedRequestError(
        `vcrjs cannot record or replay ${what}: ${req.method ?? ''} ${url}. Send it through an agent other than vcrAgent, or leave it out of the cassette's test.`,
      ),
    )
  }

  /** Ends the connection with `error` as the client request's 'error' event. */
  #fail(serverSide: Duplex, error: unknown): void {
    const connection = this.#connections.get(serverSide)
    if (connection) connection.client.destroy(error as Error)
    else serverSide.destroy()
  }
}
