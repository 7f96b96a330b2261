import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import { type StreamedResponse, toNodeHeaders } from '@vcrjs/core/adapter'

/**
 * The response vcrjs hands got, replayed or being recorded: an
 * `IncomingMessage`-like stream, which got accepts from a `beforeRequest` hook
 * (its documented way to answer from a cache) and from the request vcrjs
 * gives it while recording. The body is the raw bytes, chunk by chunk as the
 * core hands them over, so got decompresses it, follows its redirects and
 * applies its status errors exactly as for a response from the network, and
 * a body cut short fails as got's `ReadError`. got assigns `url`,
 * `statusMessage` and more on it, so the fields are plain and writable.
 */
export class ReplayedResponse extends Readable {
  statusCode: number
  statusMessage: string
  /** Node's form: lower-case names, `set-cookie` an array, other repeats joined as Node joins them. */
  headers: IncomingHttpHeaders
  /** Node's flat `[name, value, ...]` list, names as recorded. */
  rawHeaders: string[]
  url: string
  httpVersion = '1.1'
  httpVersionMajor = 1
  httpVersionMinor = 1
  trailers: Record<string, string> = {}
  rawTrailers: string[] = []
  /** As for an `IncomingMessage`: true once the whole body was received. */
  complete = false
  readonly #body: AsyncIterator<Uint8Array>

  constructor(response: StreamedResponse, url: string) {
    super()
    this.statusCode = response.status.code
    this.statusMessage = response.status.message
    this.headers = toNodeHeaders(response.headers)
    this.rawHeaders = response.headers.toRaw()
    this.url = url
    this.#body = response.body[Symbol.asyncIterator]()
  }

  override _read(): void {
    this.#body.next().then(
      (next) => {
        if (!next.done) return void this.push(next.value)
        this.complete = true
        this.push(null)
      },
      (error: Error & { code?: string }) => {
        // A connection cut mid-body: an IncomingMessage says 'aborted' before its error, and got reports that one.
        if (error.code === 'ECONNRESET') this.emit('aborted')
        this.destroy(error)
      },
    )
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // got stopped reading (an abort, a timeout, a redirect it does not read): the real response is cancelled.
    if (!this.complete) void this.#body.return?.()
    callback(error)
  }
}
