import { randomInt } from 'node:crypto'

/** A spec-compliant `FormData` (Node's global one, undici's, or a polyfill with the same shape). */
export interface FormDataLike {
  entries(): IterableIterator<[string, string | Blob]>
  readonly [Symbol.toStringTag]: string
}

export function isFormDataLike(value: unknown): value is FormDataLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { append?: unknown }).append === 'function' &&
    typeof (value as { entries?: unknown }).entries === 'function' &&
    (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'FormData'
  )
}

const BOUNDARY_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'
const CRLF = '\r\n'

/** A boundary in the form axios's http adapter generates. */
export function generateBoundary(axiosVersion: string): string {
  let random = ''
  for (let i = 0; i < 25; i++) random += BOUNDARY_ALPHABET[randomInt(BOUNDARY_ALPHABET.length)]
  return `axios-${axiosVersion}-boundary-${random}`
}

/**
 * Encodes a form as multipart/form-data bytes exactly as axios's http adapter
 * streams it (lib/helpers/formDataToStream.js), so the recorded body is the one sent.
 */
export async function encodeMultipart(form: FormDataLike, boundary: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  for (const [name, value] of form.entries()) {
    chunks.push(Buffer.from(`--${boundary}${CRLF}`))
    let head = `Content-Disposition: form-data; name="${escapeName(name)}"`
    if (typeof value === 'string') {
      chunks.push(Buffer.from(`${head}${CRLF}${CRLF}`), Buffer.from(value.replace(/\r?\n|\r\n?/g, CRLF)))
    } else {
      const filename = (value as Blob & { name?: string }).name
      if (filename) head += `; filename="${escapeName(filename)}"`
      head += `${CRLF}Content-Type: ${String(value.type || 'application/octet-stream').replace(/[\r\n]/g, '')}`
      chunks.push(Buffer.from(`${head}${CRLF}${CRLF}`), Buffer.from(await value.arrayBuffer()))
    }
    chunks.push(Buffer.from(CRLF))
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`))
  return Buffer.concat(chunks)
}

function escapeName(name: string): string {
  return String(name).replace(/[\r\n"]/g, (match) => ({ '\r': '%0D', '\n': '%0A', '"': '%22' })[match]!)
}
