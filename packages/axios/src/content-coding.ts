import { Transform, type TransformCallback } from 'node:stream'
import zlib from 'node:zlib'

// zstd is in node:zlib from Node 22.15 / 23.8 on, and not in @types/node 20.
interface ZstdZlib {
  createZstdDecompress?: (options: object) => Transform
  zstdCompressSync?: (body: Buffer) => Buffer
  zstdDecompressSync?: (body: Buffer, options: object) => Buffer
}
const zstd = zlib as unknown as ZstdZlib
const zstdConstants = zlib.constants as unknown as Record<string, number>

const zlibOptions = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }
const brotliOptions = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }

/**
 * The decoding streams axios's http adapter puts after the socket for a
 * `Content-Encoding` value (lib/adapters/http.js), or `undefined` when it
 * leaves the body and the header alone.
 */
export function httpAdapterDecoders(contentEncoding: string): Transform[] | undefined {
  switch (contentEncoding.toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
    case 'compress':
    case 'x-compress':
      return [zlib.createUnzip(zlibOptions)]
    case 'deflate':
      return [new ZlibHeaderTransform(), zlib.createUnzip(zlibOptions)]
    case 'br':
      return [zlib.createBrotliDecompress(brotliOptions)]
    case 'zstd':
      return zstd.createZstdDecompress
        ? [zstd.createZstdDecompress({ flush: zstdConstants.ZSTD_e_flush, finishFlush: zstdConstants.ZSTD_e_flush })]
        : undefined
    default:
      return undefined
  }
}

/** Adds a zlib header to raw deflate data, as axios's ZlibHeaderTransformStream does. */
class ZlibHeaderTransform extends Transform {
  #seen = false

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.#seen && chunk.length !== 0) {
      this.#seen = true
      if (chunk[0] !== 0x78) this.push(Buffer.from([0x78, 0x9c]))
    }
    callback(null, chunk)
  }
}

/**
 * The codings Node's fetch (undici) decodes, in the order they were applied,
 * or `undefined` when it leaves the body as received: an unknown coding
 * anywhere in the list stops all decoding.
 */
export function fetchDecodedCodings(contentEncoding: string | null | undefined): string[] | undefined {
  if (!contentEncoding) return undefined
  const codings = contentEncoding.toLowerCase().split(',').map((coding) => coding.trim())
  if (codings.length > 5) return undefined
  const known = codings.every((coding) => ['gzip', 'x-gzip', 'deflate', 'br'].includes(coding) || (coding === 'zstd' && zstd.zstdDecompressSync))
  return known ? codings : undefined
}

/** Decodes a body as Node's fetch does for its `Content-Encoding`. */
export function fetchDecode(body: Buffer, codings: readonly string[]): Buffer {
  let decoded = body
  for (const coding of [...codings].reverse()) {
    if (decoded.length === 0) return decoded
    if (coding === 'gzip' || coding === 'x-gzip') decoded = zlib.gunzipSync(decoded, zlibOptions)
    else if (coding === 'deflate') decoded = (decoded[0]! & 0x0f) === 0x08 ? zlib.inflateSync(decoded, zlibOptions) : zlib.inflateRawSync(decoded, zlibOptions)
    else if (coding === 'br') decoded = zlib.brotliDecompressSync(decoded, brotliOptions)
    else decoded = zstd.zstdDecompressSync!(decoded, {})
  }
  return decoded
}

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd])

/**
 * Encodes a body that Node's fetch has already decoded back into its
 * `Content-Encoding`, so a cassette recorded through axios's fetch adapter
 * stores a compressed body with its header like every other client. Node's
 * fetch offers no way to read the bytes as received; these are a faithful
 * encoding of the same content, not necessarily the server's exact bytes.
 * Returns `undefined` when fetch did not decode the body.
 */
export function reencodeFetchDecoded(body: Buffer, contentEncoding: string | null | undefined): Buffer | undefined {
  const codings = fetchDecodedCodings(contentEncoding)
  if (!codings || body.length === 0) return undefined
  // A runtime whose zlib has zstd may still ship a fetch that does not decode it.
  if (codings.at(-1) === 'zstd' && body.subarray(0, 4).equals(ZSTD_MAGIC)) return undefined
  let encoded = body
  for (const coding of codings) {
    if (coding === 'gzip' || coding === 'x-gzip') encoded = zlib.gzipSync(encoded)
    else if (coding === 'deflate') encoded = zlib.deflateSync(encoded)
    else if (coding === 'br') encoded = zlib.brotliCompressSync(encoded)
    else encoded = zstd.zstdCompressSync!(encoded)
  }
  return encoded
}
