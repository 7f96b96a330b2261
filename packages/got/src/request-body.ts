import { Buffer } from 'node:buffer'

/**
 * Reads the body got prepared (`options.body` after got serialised `json`,
 * `form` and `FormData`) into bytes, for matching, recording and sending.
 *
 * A stream or async iterable can be read once only: the hook reads it here,
 * and got, which then pipes it into its own request, finds it ended and sends
 * nothing more (a request answered by a hook has no socket to write to).
 */
export async function readRequestBody(body: unknown): Promise<Uint8Array | string | null> {
  if (body === undefined || body === null) return null
  if (typeof body === 'string') return body
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  if (isAsyncIterable(body) || isIterable(body)) return collect(body)
  // Old-style streams (e.g. the `form-data` package) are not async iterable.
  if (isEventStream(body)) return collectEvents(body)
  throw new TypeError(`vcrjs cannot read a got request body of type ${Object.prototype.toString.call(body)}`)
}

async function collect(chunks: AsyncIterable<unknown> | Iterable<unknown>): Promise<Uint8Array> {
  const parts: Buffer[] = []
  for await (const chunk of chunks) parts.push(toBuffer(chunk))
  return Buffer.concat(parts)
}

interface EventStream {
  on(event: string, listener: (...args: unknown[]) => void): unknown
  resume?: () => unknown
}

function collectEvents(stream: EventStream): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    stream.on('data', (chunk) => parts.push(toBuffer(chunk)))
    stream.on('end', () => resolve(Buffer.concat(parts)))
    stream.on('error', (error) => reject(error))
    stream.resume?.()
  })
}

function toBuffer(chunk: unknown): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8')
  if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  if (chunk instanceof ArrayBuffer) return Buffer.from(chunk)
  throw new TypeError(`vcrjs cannot read a got request body chunk of type ${Object.prototype.toString.call(chunk)}`)
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value
}

function isEventStream(value: unknown): value is EventStream {
  return typeof value === 'object' && value !== null && typeof (value as EventStream).on === 'function'
}
