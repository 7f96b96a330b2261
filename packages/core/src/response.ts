import { type BodyInput, toBytes } from './body.js'
import { HttpHeaders, type HeadersInput } from './headers.js'
import { type ResponseChunk, statusOf } from './streamed-response.js'

export interface ResponseInit {
  status: number | { code: number; message?: string }
  headers?: HeadersInput
  body?: BodyInput
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
  readonly body: Uint8Array
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
    this.body = toBytes(init.body) ?? Buffer.alloc(0)
    this.chunks = init.chunks !== undefined && sizeOf(init.chunks) === this.body.length ? init.chunks : undefined
    this.headDelayMs = init.headDelayMs
    this.cutShort = init.cutShort ?? false
  }

  /** A copy whose headers may be changed without touching this one (the body bytes are shared). */
  clone(): Response {
    return new Response({
      status: this.status,
      headers: this.headers,
      body: this.body,
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
