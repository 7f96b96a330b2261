import * as zlib from 'node:zlib'
import { HttpHeaders } from './headers.js'
import { Response, timingOf } from './response.js'

type Decoder = (body: Buffer) => Buffer

// zstd is in node:zlib from Node 22.15 / 23.8; on older Nodes such a body is left as received.
const zstd = (zlib as { zstdDecompressSync?: Decoder }).zstdDecompressSync

const DECODERS: Record<string, Decoder | undefined> = {
  gzip: zlib.gunzipSync,
  'x-gzip': zlib.gunzipSync,
  // Servers send both zlib-wrapped and raw deflate under this name; browsers and curl accept both.
  deflate: (body) => (body[0] !== undefined && (body[0] & 0x0f) === 8 ? zlib.inflateSync(body) : zlib.inflateRawSync(body)),
  br: zlib.brotliDecompressSync,
  zstd,
}

/**
 * `decodeCompressedResponse`: the body decoded, `Content-Encoding` removed and
 * `Content-Length` corrected, so the cassette is readable and a client replays
 * it as an uncompressed response. Unknown encodings are left as they are.
 */
export function decodeCompressedResponse(response: Response): Response {
  const encodings = response.headers
    .getAll('content-encoding')
    .flatMap((value) => value.split(','))
    .map((value) => value.trim().toLowerCase())
    .filter((value) => value !== '' && value !== 'identity')
  if (encodings.length === 0) return response
  let body: Buffer = Buffer.from(response.body)
  // Encodings are listed in the order they were applied.
  for (const encoding of [...encodings].reverse()) {
    const decode = DECODERS[encoding]
    if (!decode) return response
    try {
      body = decode(body)
    } catch {
      return response
    }
  }
  const headers = new HttpHeaders(response.headers).delete('content-encoding')
  if (headers.has('content-length')) headers.set('Content-Length', String(body.length))
  return new Response({ ...timingOf(response), status: response.status, headers, body })
}
