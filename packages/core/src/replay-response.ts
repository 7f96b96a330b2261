import * as zlib from 'node:zlib'
import { HttpHeaders } from './headers.js'
import { Response } from './response.js'

/**
 * A stored response as a client can take it: its body is served exactly as
 * stored, and its head is made to agree with that body.
 *
 * - `Content-Encoding` over a body that is not encoded so: vcrpy 4.3.1+ with
 *   urllib3 2, its aiohttp stub and its old httpx stub store the body their
 *   client already decoded under the server's `Content-Encoding`. vcrpy hands
 *   its client the stored body as is; so does vcrjs, without that header
 *   (else every client fails with Z_DATA_ERROR).
 * - `Content-Length` is the stored body's length (not for HEAD, 204, 304,
 *   whose length describes a body never sent): a peer may keep the length of
 *   the compressed body it inflated (Debian's Ruby 3.1 Net::HTTP does).
 *
 * Both checks are cheap on the hot replay path: a header lookup and, for a
 * coding, a look at the first bytes; and their result is kept per stored
 * response, so a replay without secrets to reveal costs one WeakMap lookup.
 */
export function replayResponse(stored: Response, method: string, reveal?: (response: Response) => Response): Response {
  // Without secrets to reveal, what a GET (or any method but HEAD) gets is fixed per stored response: worked out once.
  if (reveal === undefined && method !== 'HEAD') {
    let served = servedForBody.get(stored)
    if (served === undefined) {
      served = agreeing(stored, method)
      servedForBody.set(stored, served)
    }
    return served
  }
  return agreeing(stored, method, reveal)
}

const servedForBody = new WeakMap<Response, Response>()

function agreeing(stored: Response, method: string, reveal?: (response: Response) => Response): Response {
  let response = stored
  if (stored.bodyLength > 0 && stored.headers.has('content-encoding') && !isEncodedAsDeclared(stored)) {
    response = new Response({ status: stored.status, headers: new HttpHeaders(stored.headers).delete('content-encoding'), bodyParts: stored.bodyParts })
  }
  // After the secrets are revealed, which may change the body's length.
  if (reveal !== undefined) response = reveal(response)
  const length = response.headers.get('content-length')
  if (length !== undefined && length !== String(response.bodyLength) && hasBody(response.status.code, method)) {
    const headers = new HttpHeaders(response.headers).set('Content-Length', String(response.bodyLength))
    response = new Response({ status: response.status, headers, bodyParts: response.bodyParts })
  }
  return response
}

function hasBody(status: number, method: string): boolean {
  return method !== 'HEAD' && status !== 204 && status !== 304
}

const verdicts = new WeakMap<Response, boolean>()

function isEncodedAsDeclared(stored: Response): boolean {
  let verdict = verdicts.get(stored)
  if (verdict === undefined) {
    verdict = bodyIsEncodedAs(outermostCoding(stored.headers), Buffer.from(stored.body.buffer, stored.body.byteOffset, stored.body.byteLength))
    verdicts.set(stored, verdict)
  }
  return verdict
}

/** The coding applied last (codings are listed in the order they were applied), lower case. */
function outermostCoding(headers: HttpHeaders): string {
  const codings = headers
    .getAll('content-encoding')
    .flatMap((value) => value.split(','))
    .map((value) => value.trim().toLowerCase())
    .filter((value) => value !== '')
  return codings.at(-1) ?? 'identity'
}

/**
 * Whether `body` can be what `coding` produced. gzip and zstd frames start
 * with a magic number, and a zlib stream with a header whose check bits make
 * it a multiple of 31: a byte test says it. Raw deflate (which servers also
 * send as `deflate`) and brotli have no signature, so for those the body is
 * decoded once (the verdict is cached per stored response, so a body is
 * decoded at most once however often it replays). zstd needs no decoder
 * for this (node:zlib has none before Node 22.15). A coding vcrjs does not
 * know is taken as declared: the client decides, as it would live.
 */
function bodyIsEncodedAs(coding: string, body: Buffer): boolean {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return body[0] === 0x1f && body[1] === 0x8b
    case 'zstd':
      // A zstd frame (28 B5 2F FD, little-endian 0xFD2FB528) or a skippable frame (0x184D2A50 to 0x184D2A5F).
      return (
        (body[0] === 0x28 && body[1] === 0xb5 && body[2] === 0x2f && body[3] === 0xfd) ||
        ((body[0]! & 0xf0) === 0x50 && body[1] === 0x2a && body[2] === 0x4d && body[3] === 0x18)
      )
    case 'deflate':
      return isZlibHeader(body) || decodes(() => zlib.inflateRawSync(body))
    case 'br':
      return decodes(() => zlib.brotliDecompressSync(body))
    default:
      return true
  }
}

function isZlibHeader(body: Buffer): boolean {
  return body.length >= 2 && (body[0]! & 0x0f) === 8 && (body[0]! >> 4) <= 7 && ((body[0]! << 8) | body[1]!) % 31 === 0
}

function decodes(decode: () => unknown): boolean {
  try {
    decode()
    return true
  } catch {
    return false
  }
}
