import type { ClientRequest } from 'node:http'
import type { Socket } from 'node:net'
import { type Readable, Writable } from 'node:stream'

/**
 * What the vcrjs hook gives got when the core sends a request to the network:
 * a stand-in for the `ClientRequest` got would have made. got takes it as its
 * request (it is writable and not ended), so got's own machinery runs on it
 * exactly as on a live request: its timers (`timeout.request`, `.response`,
 * `.socket`, `.send`, ...), its timings, its abort and its error handling.
 * The real request starts once got has set this one up and ended it; its
 * socket and socket timeout are got's to see, and a timeout or abort that
 * destroys this request destroys the real one. The response reaches got as
 * vcrjs's streamed response, so the core records what got reads.
 */
export class RecordingRequest extends Writable {
  /** The real request's socket, once it has one (got reads its address and timings). */
  socket: Socket | null = null
  /** Resolves when got ended this request (its body is written); rejects if got destroyed it first. */
  readonly taken: Promise<void>
  #take: () => void = () => {}
  #refuse: (error: Error) => void = () => {}
  #real: ClientRequest | undefined
  #response: Readable | undefined
  #socketTimeout: number | undefined

  constructor() {
    // Destroyed by got, as it destroys a live request, not when its body is written.
    super({ autoDestroy: false })
    this.taken = new Promise<void>((resolve, reject) => {
      this.#take = resolve
      this.#refuse = reject
    })
    this.taken.catch(() => {})
  }

  /** got writes the body here as it would into a live request; it was read before the real request went out, which carries it. */
  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    callback()
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#take()
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#refuse(error ?? new DOMException('got destroyed the request', 'AbortError'))
    // Destroyed without an error (the client stopped reading): the response first, so the core learns the client
    // left and keeps what it received, cut short. With one (a timeout), the real body fails first: nothing is kept.
    if (error === null) this.#response?.destroy()
    this.#real?.destroy(error ?? undefined)
    callback(error)
  }

  /** `ClientRequest#setTimeout`: the socket's idle timeout, which got's `timeout.socket` sets. */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback)
    this.#socketTimeout = ms
    this.#real?.setTimeout(ms)
    return this
  }

  /** The real request, made for this one: its socket and timeouts become this one's. */
  attach(real: ClientRequest): void {
    this.#real = real
    if (this.#socketTimeout !== undefined) real.setTimeout(this.#socketTimeout)
    real.on('timeout', () => this.emit('timeout'))
    real.once('socket', (socket: Socket) => {
      this.socket = socket
      this.emit('socket', socket)
    })
  }

  /** Hands got the response, as a live request's 'response' event does. */
  respond(response: Readable): void {
    this.#response = response
    if (this.destroyed) response.destroy()
    else this.emit('response', response)
  }
}
