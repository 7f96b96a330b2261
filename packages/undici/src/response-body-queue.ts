/**
 * The body of a real response as undici delivers it (callbacks), as the
 * async iterable the core reads. `destroy()` is how the core cancels it when
 * the client went away: it aborts the real request.
 */
export class ResponseBodyQueue implements AsyncIterable<Buffer> {
  readonly #chunks: Buffer[] = []
  #ended = false
  #failure: { error: unknown } | undefined
  #wake: (() => void) | undefined
  readonly #cancel: (reason: Error) => void

  constructor(cancel: (reason: Error) => void) {
    this.#cancel = cancel
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#notify()
  }

  end(): void {
    this.#ended = true
    this.#notify()
  }

  fail(error: unknown): void {
    this.#failure ??= { error }
    this.#notify()
  }

  destroy(): void {
    this.#cancel(new DOMException('The client stopped reading the response', 'AbortError'))
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      const chunk = this.#chunks.shift()
      if (chunk !== undefined) {
        yield chunk
        continue
      }
      if (this.#failure) throw this.#failure.error
      if (this.#ended) return
      await new Promise<void>((resolve) => (this.#wake = resolve))
    }
  }
}
