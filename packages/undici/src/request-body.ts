import { readRequestBody } from '@vcrjs/core/adapter'
import { FormData as UndiciFormData, Response as UndiciResponse } from 'undici'

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
 * caller passed, FormData and Blob included, whose content type undici would
 * add itself. Stops at the next chunk once `signal` aborts.
 */
export async function captureRequestBody(body: unknown, signal: AbortSignal): Promise<CapturedBody> {
  if (isFormData(body)) return serializeFormData(body)
  const bytes = await readRequestBody(body, signal)
  return body instanceof Blob && body.type ? { bytes, contentType: body.type } : { bytes }
}

// undici's Response serialises multipart exactly as undici.request would send
// it. The copy into undici's own FormData is needed because undici 8 rejects
// (and undici 7 stringifies) a FormData from another copy, such as Node's global one.
async function serializeFormData(form: FormData): Promise<CapturedBody> {
  const copy = new UndiciFormData()
  for (const [name, value] of form.entries()) copy.append(name, value)
  const response = new UndiciResponse(copy)
  const bytes = Buffer.from(await response.arrayBuffer())
  return { bytes: bytes.length === 0 ? null : bytes, contentType: response.headers.get('content-type') ?? '' }
}

function isFormData(value: unknown): value is FormData {
  return typeof value === 'object' && value !== null && (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'FormData'
}
