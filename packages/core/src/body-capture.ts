import { asBytes, type ResponseChunk } from './streamed-response.js'

/** A body read to its end, as the cassette stores it. */
export interface CapturedBody {
  readonly bytes: Buffer
  /** Where the chunks fell, and when, relative to the head. */
  readonly chunks: readonly ResponseChunk[]
}

/**
 * Reads a real response body as the server sends it, keeping every chunk for
 * the cassette, while one client reads the same chunks (no copies) as they
 * come. The source is read at the network's pace, not the client's, so a
 * client that never reads its body still lets the interaction complete (and
 * the cassette save it); the chunks a slow client has not read yet are the
 * ones kept anyway.
 *
 * `onComplete` runs once the body ended whole; the client's last read waits
 * for it, so a client that has read its body knows the interaction is in the
 * cassette, and an error `onComplete` throws (a `beforeRecordResponse` hook)
 * fails that read. A body that fails or is cancelled never reaches `onComplete`.
 */
export class BodyCapture implements AsyncIterable<Uint8Array> {
  readonly #source: AsyncIterable<Uint8Array | string>
  readonly #chunks: Buffer[] = []
  readonly #timing: ResponseChunk[] = []
  #state: 'reading' | 'ended' | 'failed' | 'cancelled' = 'reading'
  #failure: unknown
  #wake: (() => void) | undefined
  /** Settles when the body is over: stored (or refused by `onComplete`), failed or cancelled. Never rejects. */
  readonly settled: Promise<void>
  readonly #completion: Promise<void>

  constructor(source: AsyncIterable<Uint8Array | string>, onComplete: (body: CapturedBody) => void) {
    this.#source = source
    this.#completion = this.#pump().then(() => {
      if (this.#state === 'ended') onComplete({ bytes: Buffer.concat(this.#chunks), chunks: this.#timing })
    })
    this.settled = this.#completion.then(
      () => undefined,
      () => undefined,
    )
  }

  async #pump(): Promise<void> {
    let last = performance.now()
    try {
      for await (const chunk of this.#source) {
        if (this.#state !== 'reading') return
        const bytes = asBytes(chunk)
        if (bytes.length === 0) continue
        const now = performance.now()
        this.#chunks.push(bytes)
        this.#timing.push({ size: bytes.length, delayMs: now - last })
        last = now
        this.#notify()
      }
      if (this.#state === 'reading') this.#state = 'ended'
    } catch (error) {
      if (this.#state === 'reading') {
        this.#state = 'failed'
        this.#failure = error
      }
    } finally {
      this.#notify()
    }
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  /** Stops reading the real body (the client went away): nothing is stored. */
  #cancel(): void {
    if (this.#state !== 'reading') return
    this.#state = 'cancelled'
    // A Node stream is destroyed and a web stream cancelled, which ends the pending read.
    const source = this.#source as { destroy?: () => void; cancel?: () => Promise<void> }
    if (typeof source.destroy === 'function') source.destroy()
    else if (typeof source.cancel === 'function') source.cancel().catch(() => {})
    this.#notify()
  }

  /** The one reader: the client's adapter. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    let next = 0
    const read = async (): Promise<IteratorResult<Uint8Array>> => {
      for (;;) {
        if (next < this.#chunks.length) return { done: false, value: this.#chunks[next++]! }
        if (this.#state === 'failed') throw this.#failure
        if (this.#state === 'ended') {
          await this.#completion
          return { done: true, value: undefined }
        }
        if (this.#state === 'cancelled') return { done: true, value: undefined }
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
