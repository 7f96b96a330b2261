import { UnsupportedRequestError } from './errors.js'

/**
 * Reads a request body of any form a Node HTTP client hands over into bytes:
 * a string, bytes, a Blob, a Node or web stream, an (async) iterable of
 * chunks, or an old-style stream that only emits events (the `form-data`
 * package). Resolves to `null` for no body or an empty one, which is how the
 * cassette stores both. Stops at the next chunk once `signal` aborts.
 *
 * @throws UnsupportedRequestError for a body or chunk of another type, saying what is accepted
 */
export async function readRequestBody(body: unknown, signal?: AbortSignal): Promise<Buffer | null> {
  if (body === null || body === undefined) return null
  if (typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return orNull(chunkBytes(body))
  if (body instanceof Blob) return orNull(Buffer.from(await body.arrayBuffer()))
  if (isIterable(body)) {
    const chunks: Buffer[] = []
    for await (const chunk of body) {
      // Leaving the loop closes the stream, as a client does with the body of an aborted request.
      signal?.throwIfAborted()
      chunks.push(chunkBytes(chunk))
    }
    return orNull(Buffer.concat(chunks))
  }
  if (isEventStream(body)) return orNull(await collectEvents(body))
  throw new UnsupportedRequestError(
    `vcrjs cannot read a request body of type ${describe(body)}; pass a string, Buffer, Uint8Array, ArrayBuffer, Blob, ` +
      'a Readable or web ReadableStream, or an (async) iterable of chunks.',
  )
}

function chunkBytes(chunk: unknown): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8')
  if (chunk instanceof ArrayBuffer) return Buffer.from(chunk)
  if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  throw new UnsupportedRequestError(`vcrjs cannot read a request body chunk of type ${describe(chunk)}; a streamed body must yield strings or bytes.`)
}

interface EventStream {
  on(event: string, listener: (...args: unknown[]) => void): unknown
  resume?: () => unknown
}

function collectEvents(stream: EventStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk) => {
      try {
        chunks.push(chunkBytes(chunk))
      } catch (error) {
        reject(error)
      }
    })
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
    stream.resume?.()
  })
}

function orNull(bytes: Buffer): Buffer | null {
  return bytes.length === 0 ? null : bytes
}

function isIterable(value: unknown): value is AsyncIterable<unknown> | Iterable<unknown> {
  const candidate = value as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown }
  return typeof candidate[Symbol.asyncIterator] === 'function' || typeof candidate[Symbol.iterator] === 'function'
}

function isEventStream(value: unknown): value is EventStream {
  return typeof value === 'object' && value !== null && typeof (value as EventStream).on === 'function'
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value
  return value.constructor?.name ?? Object.prototype.toString.call(value)
}
