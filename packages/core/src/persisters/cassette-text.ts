import { isAscii, isUtf8 } from 'node:buffer'

/** Why a cassette's bytes are not text; the loader adds the file name. */
export class NotUtf8Problem extends Error {}

/**
 * The file's text, read in one piece: reading with an encoding decodes chunk
 * by chunk into a rope the parser must flatten again. Most cassettes are
 * ASCII, which decodes as Latin-1 to the same text without UTF-8's checks:
 * on Node 20 that takes a 20 MB cassette from about 100 ms to about 1 ms.
 * Bytes that are not UTF-8 are refused rather than decoded to U+FFFD, which
 * a later save would write over the original bytes.
 */
export function cassetteText(bytes: Buffer): string {
  if (isAscii(bytes)) return bytes.toString('latin1')
  if (isUtf8(bytes)) return bytes.toString('utf8')
  const at = firstInvalidUtf8(bytes)
  const line = bytes.subarray(0, at).filter((byte) => byte === 0x0a).length + 1
  throw new NotUtf8Problem(
    `it is not UTF-8 text: byte ${at} (line ${line}) is 0x${bytes[at]!.toString(16).padStart(2, '0')}, which does not start a UTF-8 character there. ` +
      'Cassettes are UTF-8; convert the file (e.g. `iconv -f latin1 -t utf-8`) or write binary bodies as !!binary',
  )
}

/** The offset of the first byte that breaks UTF-8 (only called once `isUtf8` said no). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i]!
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0
    if (length === 0) return i
    // The byte that starts a sequence UTF-8 does not continue (a Latin-1 é, say): the one to point at.
    if (length > 1 && !isUtf8(bytes.subarray(i, i + length))) return i
    i += length
  }
  return bytes.length - 1
}
