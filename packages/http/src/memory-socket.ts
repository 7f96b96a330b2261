import { Duplex } from 'node:stream'

/**
 * The client's end of an in-memory connection: a Duplex, as http.Agent and
 * Node's client need a socket. What the client writes goes straight to the
 * `AnsweringEnd`, and what that end writes the client reads. Destroying
 * either end destroys both, so a client that aborts is seen by the side that
 * answers it; an error reaches only the client.
 */
export class MemorySocket extends Duplex {
  #answering!: AnsweringEnd
  #idle: NodeJS.Timeout | undefined
  /** The idle timeout in ms, as `net.Socket#timeout` (0: none). Read by http.Agent. */
  timeout = 0
  /** Never connecting: the connection exists from the start, as a reused socket does. */
  readonly connecting = false
  /** Whether the client asked for https; libraries read it to tell a TLS socket. */
  readonly encrypted: boolean
  readonly remoteAddress: string | undefined
  readonly remotePort: number | undefined

  private constructor(peerAddress: { host?: string | undefined; port?: number | undefined; encrypted: boolean }) {
    super({ allowHalfOpen: true })
    this.encrypted = peerAddress.encrypted
    this.remoteAddress = peerAddress.host
    this.remotePort = peerAddress.port
  }

  /**
   * A connected pair: `client` for the http.Agent, `server` for the side that
   * answers, which reads the client's bytes in `onData` (called as the client
   * writes them) and learns in `onClose` that the connection is gone.
   */
  static pair(
    target: { host?: string | undefined; port?: number | undefined; encrypted: boolean },
    events: { onData(chunk: Buffer): void; onClose(): void },
  ): { client: MemorySocket; server: AnsweringEnd } {
    const client = new MemorySocket(target)
    const server = new AnsweringEnd(client, events, (bytes) => {
      client.#touch()
      client.push(bytes)
    })
    client.#answering = server
    return { client, server }
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#touch()
    const answering = this.#answering
    // What a net.Socket reports for a write to a connection the other side closed: the client's own error shape.
    if (answering.destroyed) return callback(Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' }))
    answering.received(chunk)
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#idle)
    this.#answering.closed()
    callback(error)
  }

  /** `net.Socket#setTimeout`: emits 'timeout' after `ms` without reads or writes; 0 turns it off. */
  setTimeout(ms: number, callback?: () => void): this {
    this.timeout = ms
    clearTimeout(this.#idle)
    this.#idle = undefined
    if (ms === 0) {
      if (callback) this.removeListener('timeout', callback)
      return this
    }
    if (callback) this.once('timeout', callback)
    // Like net's socket timers it must not hold the process open.
    this.#idle = setTimeout(() => this.emit('timeout'), ms).unref()
    return this
  }

  #touch(): void {
    this.#idle?.refresh()
  }

  // The rest of net.Socket's surface that http.Agent and clients call; nothing to tune in memory.
  setNoDelay(): this {
    return this
  }

  setKeepAlive(): this {
    return this
  }

  ref(): this {
    return this
  }

  unref(): this {
    return this
  }

  address(): Record<string, never> {
    return {}
  }
}

/**
 * The answering end of an in-memory connection. Not a stream: the client's
 * bytes reach `onData` as the client writes them, and what this end writes is
 * pushed to the client at once; a replay crosses no stream machinery but the
 * client's own socket (bench: "vcrjs vcrAgent (node:http)").
 */
export class AnsweringEnd {
  readonly #client: MemorySocket
  readonly #events: { onData(chunk: Buffer): void; onClose(): void }
  readonly #send: (bytes: Buffer | null) => void
  #ended = false
  #destroyed = false

  constructor(client: MemorySocket, events: { onData(chunk: Buffer): void; onClose(): void }, send: (bytes: Buffer | null) => void) {
    this.#client = client
    this.#events = events
    this.#send = send
  }

  /** The connection is gone: the client destroyed it (it aborted, timed out, or is done with it), or this end did. */
  get destroyed(): boolean {
    return this.#destroyed
  }

  /** Bytes for the client; dropped once the connection is gone or this end has ended. */
  write(bytes: Buffer): void {
    if (!this.#destroyed && !this.#ended) this.#send(bytes)
  }

  /** No more bytes for the client: it reads the end of the stream, as after a server's FIN. */
  end(): void {
    if (this.#destroyed || this.#ended) return
    this.#ended = true
    this.#send(null)
  }

  /** Cuts the connection, as a server that resets it: the client's socket is destroyed. */
  destroy(): void {
    this.#client.destroy()
  }

  /** @internal The client wrote `chunk`. */
  received(chunk: Buffer): void {
    this.#events.onData(chunk)
  }

  /** @internal The client's socket was destroyed. */
  closed(): void {
    if (this.#destroyed) return
    this.#destroyed = true
    this.#events.onClose()
  }
}
