import { AxiosError, type AxiosHeaders, type InternalAxiosRequestConfig } from 'axios'
import { encodeMultipart, generateBoundary, isFormDataLike } from './multipart.js'

export interface CapturedBody {
  bytes: Buffer | null
  /** Read from a stream: sent chunked, without Content-Length, as axios sends a stream live. */
  streamed: boolean
}

/**
 * Reads the request data, after axios's `transformRequest`, into the bytes that
 * go on the wire, and sets the headers axios's transport would set for it
 * (multipart boundary, a Blob's type). A stream is consumed here; the transport
 * is then handed the bytes.
 */
export async function captureBody(config: InternalAxiosRequestConfig, headers: AxiosHeaders, axiosVersion: string): Promise<CapturedBody> {
  const data: unknown = config.data
  if (data === undefined || data === null) return { bytes: null, streamed: false }
  if (typeof data === 'string') return known(Buffer.from(data, 'utf8'))
  if (Buffer.isBuffer(data)) return known(data)
  if (data instanceof ArrayBuffer) return known(Buffer.from(data))
  if (ArrayBuffer.isView(data)) return known(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
  if (data instanceof URLSearchParams) {
    headers.setContentType('application/x-www-form-urlencoded;charset=utf-8', false)
    return known(Buffer.from(data.toString()))
  }
  if (isFormDataLike(data)) {
    const boundary = headers.getContentType(/boundary=([-_\w\d]{10,70})/i)?.[1] ?? generateBoundary(axiosVersion)
    headers.set('Content-Type', `multipart/form-data; boundary=${boundary}`)
    return known(await encodeMultipart(data, boundary))
  }
  if (data instanceof Blob) {
    if (data.size) headers.setContentType(data.type || 'application/octet-stream')
    return known(Buffer.from(await data.arrayBuffer()))
  }
  if (isNodeStream(data)) {
    const formHeaders = formDataPackageHeaders(data)
    if (formHeaders) {
      // The form-data package: axios sends its headers and a known length, so the wire has no chunking.
      applyFormDataHeaders(headers, formHeaders, config.formDataHeaderPolicy)
      return known(await readAll(data))
    }
    return { bytes: await readAll(data), streamed: true }
  }
  if (data instanceof ReadableStream) return { bytes: await readAll(data), streamed: true }
  throw new AxiosError(
    'Data after transformation must be a string, an ArrayBuffer, a Buffer, or a Stream',
    AxiosError.ERR_BAD_REQUEST,
    config,
  )
}

function known(bytes: Buffer): CapturedBody {
  return { bytes, streamed: false }
}

function isNodeStream(value: unknown): value is NodeJS.ReadableStream {
  return typeof value === 'object' && value !== null && typeof (value as { pipe?: unknown }).pipe === 'function'
}

function formDataPackageHeaders(stream: object): Record<string, string> | undefined {
  const getHeaders = (stream as { getHeaders?: unknown }).getHeaders
  return typeof getHeaders === 'function' ? ((getHeaders.call(stream) as Record<string, string> | undefined) ?? {}) : undefined
}

// axios's lib/core/setFormDataHeaders.js
function applyFormDataHeaders(headers: AxiosHeaders, formHeaders: Record<string, string>, policy: unknown): void {
  if (policy !== 'content-only') {
    headers.set(formHeaders)
    return
  }
  for (const [name, value] of Object.entries(formHeaders)) {
    if (['content-type', 'content-length'].includes(name.toLowerCase())) headers.set(name, value)
  }
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array))
  }
  return Buffer.concat(chunks)
}
