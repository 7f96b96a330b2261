import { Duplex } from 'node:stream'

/**
 * One end of an in-memory connection: what one end writes, the other reads.
 * Destroying either end destroys both, so a client that aborts is seen by
 * the side that answers it; an error reaches only the end it was given to.
 */
export class MemorySocket extends Duplex {
  #peer: MemorySocket | undefined
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

  /** A connected pair: `client` for the http.Agent, `server` for the side that answers. */
  static pair(target: { host?: string | undefined; port?: number | undefined; encrypted: boolean }): { client: MemorySocket; server: MemorySocket } {
    const client = new MemorySocket(target)
    const server = new MemorySocket({ encrypted: target.encrypted })
    client.#peer = server
    server.#peer = client
    return { client, server }
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#touch()
    const peer = this.#peer
    // What a net.Socket reports for a write to a connection the other side closed: the client's own error shape.
    if (!peer || peer.destroyed) return callback(Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' }))
    peer.#touch()
    peer.push(chunk)
    callback()
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#peer && !this.#peer.destroyed) this.#peer.push(null)
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#idle)
    if (this.#peer && !this.#peer.destroyed) this.#peer.destroy()
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
