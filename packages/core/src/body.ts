import { isUtf8 } from 'node:buffer'

/** Bodies as the adapters may hand them over; stored as bytes. */
export type BodyInput = string | Uint8Array | ArrayBuffer | null | undefined

export function toBytes(body: BodyInput): Buffer | null {
  if (body === null || body === undefined) return null
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof ArrayBuffer) return Buffer.from(body)
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
}

/** The body as text when it is valid UTF-8, which is how vcrpy decides between a string and `!!binary`. */
export function utf8OrNull(body: Uint8Array): string | null {
  return isUtf8(body) ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') : null
}
