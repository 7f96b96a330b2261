import { asBytes, type ReadyBodyIterator, type ResponseChunk } from './streamed-response.js'

/** A body read to its end, as the cassette stores it. */
export interface CapturedBody {
  /** The body as the chunks it arrived in: the very objects the client was handed. */
  readonly parts: readonly Buffer[]
  /** Where the chunks fell, and when, relative to the head. */
  readonly chunks: readonly ResponseChunk[]
  /** The client stopped reading before the body ended; `parts` are what it had received. */
  readonly cutShort?: boolean
}

/**
 * Reads a real response body as the server sends it, storing it for the
 * cassette, while one client reads the same bytes as they come. The source is
 * read at the network's pace, not the client's, so a client that never reads
 * its body still lets the interaction complete (and the cassette save it);
 * the chunks a slow client has not read yet are stored anyway.
 *
 * The body is held once (#15: a 100 MB download must not cost 200 MB): the
 * network's chunks are kept as they are, never copied, the client is handed
 * those same chunk objects, and the body is stored as that list of chunks
 * (`Response` concatenates it only if something asks for the bytes in one
 * piece, at save at the latest). Nothing is allocated ahead of the bytes, so
 * a Content-Length that lies costs nothing. A client must not write into the
 * chunks it reads (none does; replay hands out views of the stored bytes the
 * same way), and a `beforeRecordResponse` hook gets a copy of its own
 * (interaction-pipeline.ts).
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
  /** The chunks received so far, as the network handed them over, and their total size. */
  readonly #parts: Buffer[] = []
  #received = 0
  /** One entry per chunk in `#parts`: its size, and the time since the one before. */
  readonly #timing: ResponseChunk[] = []
  #state: 'reading' | 'ended' | 'failed' | 'cancelled' = 'reading'
  #failure: { error: unknown } | undefined
  #wake: (() => void) | undefined
  /** How many chunks the client has been handed. */
  #delivered = 0
  /** Settles when the real body is over: stored (or refused by `onComplete`), failed or cancelled. Never rejects. */
  readonly settled: Promise<void>

  /** @param expectedLength the declared Content-Length of a response that has a body */
  constructor(source: AsyncIterable<Uint8Array | string>, expectedLength: number | undefined, onComplete: (body: CapturedBody) => void) {
    this.#source = source
    this.#onComplete = onComplete
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
        this.#parts.push(bytes)
        this.#received += bytes.length
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

  #complete(): void {
    this.#state = 'ended'
    try {
      this.#onComplete({ parts: this.#parts, chunks: this.#timing })
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
        this.#onComplete({ parts: this.#parts.slice(0, this.#delivered), chunks: this.#timing.slice(0, this.#delivered), cutShort: true })
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
  [Symbol.asyncIterator](): ReadyBodyIterator {
    // What the client may have now: the next chunk received, the error or end after the last one, or `undefined` to wait.
    const ready = (): IteratorResult<Uint8Array> | undefined => {
      if (this.#delivered < this.#parts.length) return { done: false, value: this.#parts[this.#delivered++]! }
      if (this.#failure) throw this.#failure.error
      if (this.#state === 'ended' || this.#state === 'cancelled') return { done: true, value: undefined }
      return undefined
    }
    const read = async (): Promise<IteratorResult<Uint8Array>> => {
      for (;;) {
        const next = ready()
        if (next !== undefined) return next
        await new Promise<void>((resolve) => (this.#wake = resolve))
      }
    }
    return {
      next: read,
      nextReady: ready,
      return: async () => {
        this.#cancel()
        return { done: true, value: undefined }
      },
    }
  }
}
