import { type BodyInput, toBytes } from './body.js'
import { HttpHeaders, type HeadersInput } from './headers.js'
import { type ResponseChunk, statusOf } from './streamed-response.js'

export interface ResponseInit {
  status: number | { code: number; message?: string }
  headers?: HeadersInput
  body?: BodyInput
  /**
   * The body as the chunks it was received in, held as they are rather than
   * concatenated (in place of `body`): a recorded body is kept so until
   * something needs its bytes in one piece (#15: recording a 100 MB download
   * holds it once). The chunks must not be written into afterwards.
   */
  bodyParts?: readonly Uint8Array[] | undefined
  /** Where the body's chunks fell as it was received, and when; see `Response.chunks`. */
  chunks?: readonly ResponseChunk[] | undefined
  /** Milliseconds from sending the request to the response head, while recording. */
  headDelayMs?: number | undefined
  /** The client stopped reading before the body ended: `body` is what it had received. */
  cutShort?: boolean | undefined
}

/**
 * The core's neutral response: the body is the bytes exactly as received on
 * the wire, still compressed if the server compressed it.
 */
export class Response {
  readonly status: { readonly code: number; readonly message: string }
  readonly headers: HttpHeaders
  /**
   * The body in one piece. A body held as the chunks it was recorded in is
   * concatenated on first access (and then held so, the chunks dropped): it
   * is an own enumerable property either way, so `{ ...response }` carries it.
   */
  declare readonly body: Uint8Array
  /** The chunks of a body not yet concatenated, and their total size. */
  #parts: readonly Uint8Array[] | undefined
  #partsLength = 0
  /**
   * The chunks the body arrived in while recording, each with the time since
   * the one before (the first: since the head); saved under `response.stream`.
   * Absent for a body not received in this run, and dropped when a filter or
   * hook changed the body's length, since the boundaries no longer describe it.
   */
  readonly chunks: readonly ResponseChunk[] | undefined
  /** Milliseconds from sending the request to the response head, while recording (replayed with `replayTiming`). */
  readonly headDelayMs: number | undefined
  /**
   * The client stopped reading before the real body ended (an endless stream it
   * aborted): `body` holds what it had received, and replay ends the body there.
   */
  readonly cutShort: boolean

  constructor(init: ResponseInit) {
    this.status = statusOf(init.status)
    this.headers = new HttpHeaders(init.headers)
    const parts = init.bodyParts
    if (parts !== undefined && parts.length > 1) {
      this.#parts = parts
      for (const part of parts) this.#partsLength += part.byteLength
      Object.defineProperty(this, 'body', { configurable: true, enumerable: true, get: () => this.#concatenated() })
    } else {
      this.body = (parts === undefined ? toBytes(init.body) : toBytes(parts[0])) ?? Buffer.alloc(0)
    }
    this.chunks = init.chunks !== undefined && sizeOf(init.chunks) === this.bodyLength ? init.chunks : undefined
    this.headDelayMs = init.headDelayMs
    this.cutShort = init.cutShort ?? false
  }

  /** The body's size in bytes, without concatenating a body held in chunks. */
  get bodyLength(): number {
    return this.#parts !== undefined ? this.#partsLength : this.body.length
  }

  /**
   * The body without concatenating it: the chunks it is held in, or the body
   * as its one part. Pass them as `bodyParts` to build a response with the
   * same body, still unconcatenated.
   */
  get bodyParts(): readonly Uint8Array[] {
    return this.#parts ?? [this.body]
  }

  #concatenated(): Uint8Array {
    // A new buffer: what a hook writes into it never reaches the chunks a client read.
    const body = Buffer.concat(this.#parts!, this.#partsLength)
    Object.defineProperty(this, 'body', { configurable: true, enumerable: true, writable: true, value: body })
    this.#parts = undefined
    return body
  }

  /** A copy whose headers may be changed without touching this one (the body bytes are shared). */
  clone(): Response {
    return new Response({
      status: this.status,
      headers: this.headers,
      bodyParts: this.bodyParts,
      chunks: this.chunks,
      headDelayMs: this.headDelayMs,
      cutShort: this.cutShort,
    })
  }

  /** `input` itself when it is a Response of this copy of @vcrjs/core, else one built from its fields. */
  static from(input: Response | ResponseInit): Response {
    return input instanceof Response ? input : new Response(input)
  }
}

function sizeOf(chunks: readonly ResponseChunk[]): number {
  let size = 0
  for (const chunk of chunks) size += chunk.size
  return size
}

/** How a response's body arrived, to carry into a rewritten copy (chunks are dropped there if the body's length changed). */
export function timingOf(response: Response): Pick<ResponseInit, 'chunks' | 'headDelayMs' | 'cutShort'> {
  return { chunks: response.chunks, headDelayMs: response.headDelayMs, cutShort: response.cutShort }
}
