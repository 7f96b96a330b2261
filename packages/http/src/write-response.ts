import { validateHeaderName, validateHeaderValue } from 'node:http'
import { type StreamedResponse, wholeBodyBytes } from '@vcrjs/core/adapter'

/** Where the response's bytes go: the answering end of the in-memory connection. */
export interface ResponseSink {
  readonly destroyed: boolean
  write(bytes: Buffer): unknown
}

/** How the client finds the end of the body, from the response's own headers, as a live client does. */
type Framing = 'none' | 'length' | 'chunked' | 'close'

const LAST_CHUNK = Buffer.from('0\r\n\r\n')
const CRLF = Buffer.from('\r\n')
/** Stands for "not settled yet" in `settledNow`. */
const NOT_YET = Symbol('not yet')
const NOT_YET_PROMISE = Promise.resolve(NOT_YET)

/**
 * Writes the core's response to the client as HTTP/1.1 with exactly its
 * status and headers, nothing added (no Date, no Connection), and frames the
 * body as those headers say: chunked when they say chunked, as is with a
 * Content-Length, and until the connection closes when they say neither, as
 * a live server without either would. No body for HEAD, 1xx, 204 and 304.
 *
 * Whatever is ready is sent as one write, so a replayed response reaches the
 * client's parser in one piece; a body still to come (recording, a streamed
 * replay) gets the head at once, as from a server that flushes (an SSE
 * stream's first event may be far off), and each chunk as it arrives. A
 * bodiless response goes when the core is done with it: its client is done
 * at the head, and by then the interaction is stored.
 *
 * Resolves to whether the connection must close after it (a body that ends
 * with the connection); rejects with the body's error (the real connection
 * was cut), after writing what came before it.
 */
export async function writeResponse(sink: ResponseSink, method: string, response: StreamedResponse): Promise<boolean> {
  const framing = framingOf(method, response)
  const head = headOf(response)
  const headOnly = framing === 'none' || (framing === 'length' && response.headers.get('content-length')?.trim() === '0')
  const whole = wholeBodyBytes(response.body)
  if (whole !== undefined) return writeWhole(sink, headOnly ? 'none' : framing, head, whole)
  const body = response.body[Symbol.asyncIterator]()
  if (headOnly) {
    // Read to the end so the core stores the interaction before the client gets its answer.
    for (let next = await body.next(); !next.done; next = await body.next()) {
      if (sink.destroyed) return stop(body)
    }
    if (!sink.destroyed) sink.write(head)
    return false
  }
  let out: Buffer[] = [head]
  for (;;) {
    const pending = body.next()
    let next: IteratorResult<Uint8Array> | typeof NOT_YET
    try {
      next = await settledNow(pending)
      if (next === NOT_YET) {
        flush(sink, out)
        out = []
        next = await pending
      }
    } catch (error) {
      // What came before the failure goes first, as from a server whose connection was cut mid-body.
      flush(sink, out)
      throw error
    }
    if (sink.destroyed) return stop(body)
    if (next.done) break
    if (next.value.length === 0) continue
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength)
    if (framing === 'chunked') out.push(Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, CRLF)
    else out.push(chunk)
  }
  if (framing === 'chunked') out.push(LAST_CHUNK)
  flush(sink, out)
  return framing === 'close'
}

/**
 * A body the core holds whole (every replay without chunk timing): what the
 * loop above would send, as one write, without a promise per chunk.
 * `framing` is 'none' for a head-only answer.
 */
function writeWhole(sink: ResponseSink, framing: Framing, head: Buffer, bytes: Uint8Array): boolean {
  if (sink.destroyed) return true
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (framing === 'none' || body.length === 0) {
    sink.write(framing === 'chunked' ? Buffer.concat([head, LAST_CHUNK]) : head)
  } else if (framing === 'chunked') {
    sink.write(Buffer.concat([head, Buffer.from(`${body.length.toString(16)}\r\n`, 'latin1'), body, CRLF, LAST_CHUNK]))
  } else {
    sink.write(Buffer.concat([head, body], head.length + body.length))
  }
  return framing === 'close'
}

/** Sends what is ready as one write, so the client's parser reads it in one go. */
function flush(sink: ResponseSink, out: Buffer[]): void {
  if (out.length > 0 && !sink.destroyed) sink.write(out.length === 1 ? out[0]! : Buffer.concat(out))
}

/** The client went away: leaving the body cancels the real response. */
function stop(body: AsyncIterator<Uint8Array>): boolean {
  void body.return?.()
  return true
}

/**
 * The promise's result if it is already settled, else `NOT_YET`: a replayed
 * body's chunks are, and then the head and body go out together.
 * `Promise.race` settles with the first reaction to run, and an already
 * settled promise's reaction is queued before that of `NOT_YET_PROMISE`.
 */
function settledNow<T>(promise: Promise<T>): Promise<T | typeof NOT_YET> {
  return Promise.race([promise, NOT_YET_PROMISE])
}

function framingOf(method: string, { status, headers }: StreamedResponse): Framing {
  if (method === 'HEAD' || status.code < 200 || status.code === 204 || status.code === 304) return 'none'
  let length = false
  let chunked = false
  for (const [name, value] of headers) {
    const key = name.toLowerCase()
    if (key === 'transfer-encoding') chunked = /(?:^|,)[ \t]*chunked[ \t]*$/i.test(value)
    else if (key === 'content-length') length = true
  }
  return chunked ? 'chunked' : length ? 'length' : 'close'
}

/** The status line and headers, checked as Node's ServerResponse checks them, so a cassette cannot split the response. */
function headOf({ status, headers }: StreamedResponse): Buffer {
  validateHeaderValue('status message', status.message)
  let head = `HTTP/1.1 ${status.code} ${status.message}\r\n`
  for (const [name, value] of headers) {
    validateHeaderName(name)
    validateHeaderValue(name, value)
    head += `${name}: ${value}\r\n`
  }
  return Buffer.from(`${head}\r\n`, 'latin1')
}
