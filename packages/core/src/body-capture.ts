import { constants } from 'node:buffer'
import { asBytes, type ResponseChunk } from './streamed-response.js'

const MAX_LENGTH = constants.MAX_LENGTH

/** A body read to its end, as the cassette stores it. */
export interface CapturedBody {
  readonly bytes: Buffer
  /** Where the chunks fell, and when, relative to the head. */
  readonly chunks: readonly ResponseChunk[]
  /** The client stopped reading before the body ended; `bytes` is what it had received. */
  readonly cutShort?: boolean
}

/**
 * Reads a real response body as the server sends it, storing it for the
 * cassette, while one client reads the same bytes as they come. The source is
 * read at the network's pace, not the client's, so a client that never reads
 * its body still lets the interaction complete (and the cassette save it);
 * the chunks a slow client has not read yet are stored anyway.
 *
 * The body is held once (#15: a 100 MB download must not cost 200 MB). Each
 * chunk is copied as it arrives into one buffer, which becomes the stored
 * body as is, and the client is handed views of that buffer, not the
 * network's chunk: so at the end there is no concatenation, and what the
 * client reads is the stored copy. One contiguous buffer, rather than the
 * chunk list kept as the body, because everything downstream takes a body as
 * bytes (`Response.body`, filters, hooks, serializers, replay's views). With a
 * declared Content-Length the buffer is allocated at that size once; without
 * one it doubles as needed (amortized one extra copy in all, each old buffer
 * freed once the client has read past the views into it), and a buffer left
 * less than half full is trimmed to the body when it ends. A client must not
 * write into the chunks it reads (none does; replay hands out views of the
 * stored bytes the same way).
 *
 * `onComplete` runs once the body is whole, before the client is handed its
 * last chunk when the length was declared (a client that counts
 * Content-Length bytes is done at that chunk), else before the client learns
 * the body ended. So a client that has its whole body knows the interaction
 * is in the cassette, and an error `onComplete` throws (a
 * `beforeRecordResponse` hook) fails the client's read. A body that fails
 * never reaches `onComplete`; one the client stops reading (an endless stream
 * it aborts) reaches it with the chunks the client had received, marked
 * `cutShort`, so replay gives the same test the same events (#15).
 */
export class BodyCapture implements AsyncIterable<Uint8Array> {
  readonly #source: AsyncIterable<Uint8Array | string>
  readonly #onComplete: (body: CapturedBody) => void
  /** The body received so far is `#stored[0, #received)`; the rest is room for what comes. */
  #stored: Buffer
  #received = 0
  /** One entry per chunk received; the client is handed the same chunks, as views of `#stored`. */
  readonly #timing: ResponseChunk[] = []
  #state: 'reading' | 'ended' | 'failed' | 'cancelled' = 'reading'
  #failure: { error: unknown } | undefined
  #wake: (() => void) | undefined
  /** How many chunks the client has been handed, and how many bytes they hold. */
  #delivered = 0
  #deliveredBytes = 0
  /** Settles when the real body is over: stored (or refused by `onComplete`), failed or cancelled. Never rejects. */
  readonly settled: Promise<void>

  /** @param expectedLength the declared Content-Length of a response that has a body */
  constructor(source: AsyncIterable<Uint8Array | string>, expectedLength: number | undefined, onComplete: (body: CapturedBody) => void) {
    this.#source = source
    this.#onComplete = onComplete
    this.#stored = initialBuffer(expectedLength)
    this.settled = this.#pump(expectedLength)
  }

  async #pump(expectedLength: number | undefined): Promise<void> {
    let last = performance.now()
    try {
      for await (const chunk of this.#source) {
        // Past a declared length, or once cancelled, the rest is drained, not kept (breaking would destroy a keep-alive socket).
        if (this.#state !== 'reading') continue
        const bytes = asBytes(chunk)
        if (bytes.length === 0) continue
        const now = performance.now()
        this.#append(bytes)
        this.#timing.push({ size: bytes.length, delayMs: now - last })
        last = now
        if (this.#received === expectedLength) this.#complete()
        this.#notify()
      }
      if (this.#state === 'reading') this.#complete()
    } catch (error) {
      if (this.#state === 'reading') {
        this.#state = 'failed'
        this.#failure = { error }
      }
    } finally {
      this.#notify()
    }
  }

  #append(bytes: Buffer): void {
    const end = this.#received + bytes.length
    if (end > this.#stored.length) {
      // Doubling keeps the total copying linear in the body's size; a body past the largest Buffer fails the read with Node's RangeError.
      const grown = Buffer.allocUnsafeSlow(Math.max(end, Math.min(this.#stored.length * 2, MAX_LENGTH)))
      this.#stored.copy(grown, 0, 0, this.#received)
      this.#stored = grown
    }
    bytes.copy(this.#stored, this.#received)
    this.#received = end
  }

  /** The first `length` bytes as the body to store: a view, unless the buffer is mostly empty room (a short or cut body). */
  #storedBody(length: number): Buffer {
    if (length * 2 < this.#stored.length) {
      const trimmed = Buffer.allocUnsafeSlow(length)
      this.#stored.copy(trimmed, 0, 0, length)
      // Chunks not yet handed to the client come from the trimmed copy too, so the room is freed.
      this.#stored = trimmed
    }
    return this.#stored.subarray(0, length)
  }

  #complete(): void {
    this.#state = 'ended'
    try {
      this.#onComplete({ bytes: this.#storedBody(this.#received), chunks: this.#timing })
    } catch (error) {
      this.#failure = { error }
    }
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  /** Stops reading the real body (the client went away); what the client had received is stored, marked cut short. */
  #cancel(): void {
    if (this.#state !== 'reading') return
    this.#state = 'cancelled'
    if (this.#delivered > 0) {
      try {
        this.#onComplete({ bytes: this.#storedBody(this.#deliveredBytes), chunks: this.#timing.slice(0, this.#delivered), cutShort: true })
      } catch {
        // A hook refusing a cut body has no reader left to tell.
      }
    }
    // A Node stream is destroyed and a web stream cancelled, which ends the pending read.
    const source = this.#source as { destroy?: () => void; cancel?: () => Promise<void> }
    if (typeof source.destroy === 'function') source.destroy()
    else if (typeof source.cancel === 'function') source.cancel().catch(() => {})
    this.#notify()
  }

  /** The one reader: the client's adapter. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const read = async (): Promise<IteratorResult<Uint8Array>> => {
      for (;;) {
        if (this.#delivered < this.#timing.length) {
          const start = this.#deliveredBytes
          this.#deliveredBytes += this.#timing[this.#delivered++]!.size
          return { done: false, value: this.#stored.subarray(start, this.#deliveredBytes) }
        }
        if (this.#failure) throw this.#failure.error
        if (this.#state === 'ended' || this.#state === 'cancelled') return { done: true, value: undefined }
        await new Promise<void>((resolve) => (this.#wake = resolve))
      }
    }
    return {
      next: read,
      return: async () => {
        this.#cancel()
        return { done: true, value: undefined }
      },
    }
  }
}

/**
 * The buffer a body starts in: its declared length, or nothing yet. A length
 * no Buffer can hold (or memory cannot back) is left to grow into as the bytes
 * come, so a wrong header cannot fail the request by itself.
 */
function initialBuffer(expectedLength: number | undefined): Buffer {
  if (expectedLength === undefined || expectedLength === 0) return EMPTY
  try {
    // Slow (unpooled): the stored body gets an ArrayBuffer of its own, not a slice of Node's shared pool.
    return Buffer.allocUnsafeSlow(expectedLength)
  } catch {
    return EMPTY
  }
}

const EMPTY = Buffer.alloc(0)
