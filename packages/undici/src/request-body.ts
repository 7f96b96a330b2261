import { FormData as UndiciFormData, Response as UndiciResponse } from 'undici'
import { UnsupportedRequestError } from '@vcrjs/core'

/** A request body read to the end, ready for the cassette and for a resend. */
export interface CapturedBody {
  /** Every byte of the body, or `null` for no (or an empty) body, as undici itself treats it. */
  bytes: Buffer | null
  /** The content type the body implies (FormData's boundary, a Blob's type), which undici would otherwise add itself. */
  contentType?: string
}

/**
 * Reads a dispatch body of any kind undici accepts into bytes. fetch hands
 * the dispatcher an async iterable of its serialised body (strings,
 * URLSearchParams and FormData included); `undici.request` hands over what the
 * caller passed. Stops at the next chunk once `signal` aborts.
 */
export async function captureRequestBody(body: unknown, signal: AbortSignal): Promise<CapturedBody> {
  if (body === null || body === undefined) return { bytes: null }
  if (typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return { bytes: orNull(chunkBytes(body)) }
  if (body instanceof Blob) return withType(Buffer.from(await body.arrayBuffer()), body.type)
  if (isFormData(body)) return serializeFormData(body)
  if (isIterable(body)) {
    const chunks: Buffer[] = []
    for await (const chunk of body) {
      // Leaving the loop closes the stream, as undici does with the body of an aborted request.
      signal.throwIfAborted()
      chunks.push(chunkBytes(chunk))
    }
    return { bytes: orNull(Buffer.concat(chunks)) }
  }
  throw new UnsupportedRequestError(
    `vcrjs cannot read a request body of type ${describe(body)}; ` +
      'pass a string, Buffer, Uint8Array, ArrayBuffer, Blob, FormData, a Readable or web ReadableStream, or an (async) iterable of chunks.',
  )
}

function chunkBytes(chunk: unknown): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8')
  if (chunk instanceof ArrayBuffer) return Buffer.from(chunk)
  if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  throw new UnsupportedRequestError(`vcrjs cannot read a request body chunk of type ${describe(chunk)}; a streamed body must yield strings or bytes.`)
}

// undici's Response serialises multipart exactly as undici.request would send
// it. The copy into undici's own FormData is needed because undici 8 rejects
// (and undici 7 stringifies) a FormData from another copy, such as Node's global one.
async function serializeFormData(form: FormData): Promise<CapturedBody> {
  const copy = new UndiciFormData()
  for (const [name, value] of form.entries()) copy.append(name, value)
  const response = new UndiciResponse(copy)
  return withType(Buffer.from(await response.arrayBuffer()), response.headers.get('content-type') ?? '')
}

function withType(bytes: Buffer, contentType: string): CapturedBody {
  return contentType ? { bytes: orNull(bytes), contentType } : { bytes: orNull(bytes) }
}

function orNull(bytes: Buffer): Buffer | null {
  return bytes.length === 0 ? null : bytes
}

function isFormData(value: unknown): value is FormData {
  return typeof value === 'object' && value !== null && (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'FormData'
}

function isIterable(value: unknown): value is AsyncIterable<unknown> | Iterable<unknown> {
  const candidate = value as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown }
  return typeof candidate[Symbol.asyncIterator] === 'function' || typeof candidate[Symbol.iterator] === 'function'
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value
  return value.constructor?.name ?? 'object'
}
