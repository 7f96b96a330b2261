import { STATUS_CODES } from 'node:http'
import { type BodyInput, toBytes } from './body.js'
import { type HeadersInput, HttpHeaders } from './headers.js'

/**
 * What an adapter's `sendReal` resolves to as soon as the response head
 * arrives: the status, the headers as received, and the body as it arrives
 * (a Node `Readable` such as an `IncomingMessage`, or any async iterable of
 * chunks). Whole bytes are accepted too, for a transport that only has those.
 */
export interface RealResponse {
  status: number | { code: number; message?: string | undefined }
  headers?: HeadersInput
  body?: BodyInput | AsyncIterable<Uint8Array | string>
}

/** Performs the real request for the adapter; called only when the core decides the request goes to the network. */
export type SendReal = () => Promise<RealResponse>

/**
 * The response an adapter hands its client: the head at once, the body chunk
 * by chunk as the core gets it (from the network while recording, from the
 * cassette on replay). Every request gets its own object; nothing in it is
 * kept by the core, so the client may change it freely.
 */
export interface StreamedResponse {
  readonly status: { readonly code: number; readonly message: string }
  readonly headers: HttpHeaders
  /**
   * The body's chunks in order. It rejects with the transport's own error
   * when the real body fails (a connection cut mid-body), so the adapter can
   * fail its client the way the client fails live. Leaving the loop early
   * (the client went away) cancels the real response.
   */
  readonly body: AsyncIterable<Uint8Array>
}

/**
 * A body iterator that can also hand over, without waiting, what has already
 * arrived. A body recorded from the network has its chunks (often all of
 * them, and the end) in hand by the time the client gets the head; handing
 * them over in that same turn, as the network's own parser does, spares the
 * client a turn of its promise machinery per chunk between its callbacks.
 */
export interface ReadyBodyIterator extends AsyncIterator<Uint8Array> {
  /**
   * The next chunk, or the end, if already known; `undefined` when it has not
   * come yet (then `next()` waits for it). Throws what `next()` would reject with.
   */
  nextReady(): IteratorResult<Uint8Array> | undefined
}

/**
 * How to read what a body has ready without waiting, for an adapter that
 * feeds a callback-driven client: `undefined` for a body that cannot say
 * (replayed bodies, which pace their chunks themselves), so only `next()` is used.
 */
export function readyReader(iterator: AsyncIterator<Uint8Array>): (() => IteratorResult<Uint8Array> | undefined) | undefined {
  const ready = (iterator as Partial<ReadyBodyIterator>).nextReady
  return typeof ready === 'function' ? ready.bind(iterator) : undefined
}

/** A chunk boundary of a body as it arrived: its size, and the time since the previous chunk (the first: since the head). */
export interface ResponseChunk {
  readonly size: number
  readonly delayMs: number
}

export type BodySource = BodyInput | AsyncIterable<Uint8Array | string>

export function isStreamSource(body: BodySource): body is AsyncIterable<Uint8Array | string> {
  return typeof body === 'object' && body !== null && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined })
const NO_BYTES = Buffer.alloc(0)

/**
 * A body already whole (a replay, a transport that buffers): one chunk, and
 * no generator, because replay is the hot path.
 */
export function wholeBody(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  return new WholeBody(bytes)
}

class WholeBody implements AsyncIterable<Uint8Array> {
  readonly bytes: Uint8Array

  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const bytes = this.bytes
    let sent = bytes.length === 0
    return {
      next: () => {
        if (sent) return Promise.resolve(DONE)
        sent = true
        return Promise.resolve({ done: false, value: bytes })
      },
      return: () => {
        sent = true
        return Promise.resolve(DONE)
      },
    }
  }
}

/**
 * The bytes of a response body the core already holds whole (a replay
 * without chunk timing, a real response that came whole), else `undefined`.
 * Reading them is the same as iterating the body, whose end they are: an
 * adapter may send them at once, without a promise per chunk on the replay path.
 */
export function wholeBodyBytes(body: AsyncIterable<Uint8Array>): Uint8Array | undefined {
  return body instanceof WholeBody ? body.bytes : undefined
}

/** A body held in several parts, with no chunk data: the parts one after the other. */
function partsBody(parts: readonly Uint8Array[]): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      let index = 0
      return {
        next: () => Promise.resolve(index < parts.length ? { done: false, value: parts[index++]! } : DONE),
        return: () => {
          index = parts.length
          return Promise.resolve(DONE)
        },
      }
    },
  }
}

/**
 * A recorded body replayed in the chunks it was recorded in, each after its
 * recorded delay divided by `speed`, or one event-loop turn apart when
 * `speed` is undefined ('instant'). `parts` is the body as the response holds
 * it: one buffer for a body loaded from a cassette, whose chunks are views
 * into it, or the chunks themselves for a body recorded in this run (#15: no
 * copy per chunk either way). Without chunk data (a cassette of vcrpy, Ruby
 * VCR or an older vcrjs) the body is one chunk. No generator, because replay
 * is the hot path.
 */
export function replayedBody(parts: readonly Uint8Array[], chunks: readonly ResponseChunk[] | undefined, speed: number | undefined): AsyncIterable<Uint8Array> {
  if (chunks === undefined || (chunks.length <= 1 && speed === undefined)) return parts.length === 1 ? wholeBody(parts[0]!) : partsBody(parts)
  return {
    [Symbol.asyncIterator]() {
      let index = 0
      let part = 0
      let offset = 0
      let stopped = false
      /** The next `size` bytes: the part itself when a chunk is a whole part (a body recorded in this run), else a view into the part they lie in. */
      const take = (size: number): Uint8Array => {
        if (size === 0) return NO_BYTES
        const current = parts[part]!
        if (offset === 0 && size === current.length) {
          part++
          return current
        }
        if (offset + size > current.length) return gathered(size)
        const value = current.subarray(offset, (offset += size))
        if (offset === current.length) {
          part++
          offset = 0
        }
        return value
      }
      // A chunk across parts (chunk data that does not line up with how the body is held) is the one copy made.
      const gathered = (size: number): Uint8Array => {
        const value = Buffer.allocUnsafe(size)
        for (let filled = 0; filled < size; ) {
          const piece = take(Math.min(size - filled, parts[part]!.length - offset))
          value.set(piece, filled)
          filled += piece.length
        }
        return value
      }
      return {
        next: () => {
          if (stopped || index >= chunks.length) return Promise.resolve(DONE)
          const value = take(chunks[index++]!.size)
          const wait = speed === undefined ? 0 : chunks[index - 1]!.delayMs / speed
          if (wait > 0) return replayWait(wait).then(() => (stopped ? DONE : { done: false, value }))
          if (index === 1) return Promise.resolve({ done: false, value })
          // One turn of the event loop between chunks, or a client that buffers (an IncomingMessage, a web stream) would read them as one.
          return new Promise((resolve) => setImmediate(() => resolve(stopped ? DONE : { done: false, value })))
        },
        return: () => {
          stopped = true
          return Promise.resolve(DONE)
        },
      }
    },
  }
}

/** A recorded wait on replay, on the global timers (so a test's fake timers drive it). */
export function replayWait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** The status as the client gets it: the code, and its reason phrase (the standard one when none came). */
export function statusOf(status: RealResponse['status']): { code: number; message: string } {
  const code = typeof status === 'number' ? status : status.code
  const message = typeof status === 'number' ? undefined : status.message
  return { code, message: message ?? STATUS_CODES[code] ?? '' }
}

/** A real response the cassette does not record (no cassette, an ignored host, a request a hook keeps out). */
export function passedThroughResponse(real: RealResponse): StreamedResponse {
  return { status: statusOf(real.status), headers: new HttpHeaders(real.headers), body: passedThroughBody(real.body) }
}

/** The body of a response the cassette does not record: chunks pass straight through, nothing is kept. */
export function passedThroughBody(source: BodySource): AsyncIterable<Uint8Array> {
  if (!isStreamSource(source)) return wholeBody(toBytes(source) ?? Buffer.alloc(0))
  return (async function* () {
    // Leaving this loop early (the client went away) destroys the source, as for-await does.
    for await (const chunk of source) yield asBytes(chunk)
  })()
}

export function asBytes(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8')
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
}
