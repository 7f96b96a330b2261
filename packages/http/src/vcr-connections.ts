import { AsyncResource } from 'node:async_hooks'
import type { Agent, ClientRequest, RequestOptions } from 'node:http'
import type { Duplex } from 'node:stream'
import { type AdapterOptions, type Cassette, handleRequest, HttpHeaders, redactUrl, type StreamedResponse, UnsupportedRequestError } from '@vcrjs/core/adapter'
import { type AnsweringEnd, MemorySocket } from './memory-socket.js'
import type { Protocol } from './options.js'
import { RequestReader } from './request-reader.js'
import { requestUrl } from './request-url.js'
import { connectOptionsOf, sendReal, type WrittenRequest } from './send-real.js'
import { writeResponse } from './write-response.js'

/** One in-memory connection the agent gave a client, and how to reach the real server behind it. */
interface Connection {
  readonly client: MemorySocket
  /** The end that answers the client. */
  readonly server: AnsweringEnd
  readonly connectOptions: RequestOptions
  readonly reader: RequestReader
  /** The async context of the request now on the connection, so it finds the cassette of its own `useCassette`. */
  scope: AsyncResource | undefined
  /** The request being answered: what to stop if the client leaves first. */
  answering: { controller?: AbortController; response?: StreamedResponse } | undefined
}

const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1')

/**
 * The heart of the vcrjs agent. Each connection it creates is an in-memory
 * socket pair: the client's end goes to http.Agent, and vcrjs answers on the
 * other. Node's client writes each request as HTTP/1.1 (framing its body,
 * keep-alive, Expect: 100-continue) and parses each answer with its own
 * parser, as from a server; vcrjs reads the request's framing
 * (request-reader.ts) and writes the answer's (write-response.ts). Each
 * request, once read to the end, goes to the core, which replays it or has it
 * sent for real. No socket to the server is opened unless the core asks for
 * the real request.
 */
export class VcrConnections {
  readonly #protocol: Protocol
  readonly #cassette: Cassette | undefined
  readonly #adapterOptions: AdapterOptions
  readonly #realAgent: Agent
  readonly #connections = new WeakMap<Duplex, Connection>()

  constructor(protocol: Protocol, cassette: Cassette | undefined, adapterOptions: AdapterOptions, realAgent: Agent) {
    this.#protocol = protocol
    this.#cassette = cassette
    this.#adapterOptions = adapterOptions
    this.#realAgent = realAgent
  }

  /** A new connection for http.Agent's `createConnection`. */
  connect(options: RequestOptions): MemorySocket {
    const { client, server } = MemorySocket.pair(
      {
        host: options.host ?? undefined,
        port: options.port === undefined || options.port === null ? undefined : Number(options.port),
        encrypted: this.#protocol === 'https',
      },
      { onData: (chunk) => connection.reader.push(chunk), onClose: () => this.#left(connection) },
    )
    const connection: Connection = {
      client,
      server,
      connectOptions: connectOptionsOf(options),
      scope: undefined,
      answering: undefined,
      reader: new RequestReader({
        request: (written) => this.#onRequest(connection, written),
        continue: () => server.write(CONTINUE),
        refuse: (what, written) => this.#refuse(connection, what, written),
        malformed: (reason) =>
          this.#fail(
            connection,
            new UnsupportedRequestError(
              `vcrjs could not read the HTTP/1.1 request the client wrote (${reason}); only HTTP/1.1 requests can be recorded and replayed.`,
            ),
          ),
      }),
    }
    this.#connections.set(client, connection)
    // As net.createConnection does with an agent-wide `timeout`.
    if (options.timeout) client.setTimeout(options.timeout)
    return client
  }

  /**
   * Called for each request the agent is given, in the caller's async
   * context. A kept-alive connection is reused across requests (and tests),
   * and a request's bytes reach vcrjs in whatever context Node's client writes
   * them from; the request carries its own context to the socket it gets instead.
   */
  track(req: ClientRequest): void {
    // An agent with a cassette of its own looks for none in the context.
    if (this.#cassette) return
    const scope = new AsyncResource('VcrjsHttpRequest')
    req.once('socket', (socket: Duplex) => {
      const connection = this.#connections.get(socket)
      if (connection) connection.scope = scope
    })
  }

  #onRequest(connection: Connection, written: WrittenRequest): void {
    if (connection.scope) void connection.scope.runInAsyncScope(this.#answer, this, connection, written)
    else void this.#answer(connection, written)
  }

  async #answer(connection: Connection, written: WrittenRequest): Promise<void> {
    const { server } = connection
    const answering: NonNullable<Connection['answering']> = {}
    connection.answering = answering
    let headSent = false
    try {
      const { response } = await handleRequest({
        cassette: this.#cassette,
        request: {
          method: written.method,
          url: requestUrl(this.#protocol, connection.connectOptions, written.target),
          headers: HttpHeaders.fromRaw(written.rawHeaders),
          body: written.body.length === 0 ? null : written.body,
        },
        sendReal: () => {
          answering.controller = new AbortController()
          return sendReal(this.#protocol, connection.connectOptions, this.#realAgent, written, answering.controller.signal)
        },
        allowHttpWithoutCassette: this.#adapterOptions.allowHttpWithoutCassette,
      })
      answering.response = response
      if (server.destroyed) return
      headSent = true
      const closes = await writeResponse(server, written.method, response)
      connection.answering = undefined
      // Whether to close after a response that says so, or after a request that does, is the client's (it closes).
      if (closes) server.end()
      else connection.reader.next()
    } catch (error) {
      connection.answering = undefined
      // After the head, the live failure is a connection closed mid-body, which the client reports as its own.
      if (headSent) server.destroy()
      else this.#fail(connection, error)
    }
  }

  /**
   * A client that aborts or times out destroys its socket: stop the real request too, once the core
   * knows the client left (so it keeps what the client received, cut short, rather than a failed body).
   */
  #left(connection: Connection): void {
    const answering = connection.answering
    if (!answering) return
    void answering.response?.body[Symbol.asyncIterator]().return?.()
    answering.controller?.abort(new DOMException('The client closed the connection before the response ended', 'AbortError'))
  }

  #refuse(connection: Connection, what: string, written: Pick<WrittenRequest, 'method' | 'target'>): void {
    const url = redactUrl(requestUrl(this.#protocol, connection.connectOptions, written.target))
    this.#fail(
      connection,
      new UnsupportedRequestError(
        `vcrjs cannot record or replay ${what}: ${written.method} ${url}. Send it through an agent other than vcrAgent, or leave it out of the cassette's test.`,
      ),
    )
  }

  /** Ends the connection with `error` as the client request's 'error' event. */
  #fail(connection: Connection, error: unknown): void {
    connection.client.destroy(error as Error)
  }
}
