import { createHash } from 'node:crypto'
import { basename, dirname, join } from 'node:path'

/** The folder beside a test file that holds its cassettes, as `__snapshots__` holds its snapshots. */
export const CASSETTES_FOLDER = '__cassettes__'

// Leaves room in a 255-byte file name (ext4, APFS; NTFS counts UTF-16 units,
// fewer than bytes) for the extension and the persister's temporary name
// (`.<name>.<pid>.<random>.tmp`, about 30 more).
const MAX_SEGMENT_BYTES = 160
const HASH_LENGTH = 8
// Windows forbids these in names; '/' and '\' would make folders.
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f]/g
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i

/**
 * A name that is a valid file name on Linux, macOS and Windows. A title that
 * had to change (a forbidden character, a reserved or empty name, a trailing
 * dot or space, too long) gets a short hash of the original appended, so two
 * titles that differ only where they were rewritten never share a file.
 */
export function portableFileName(title: string): string {
  let name = title.replace(FORBIDDEN, '_').replace(/[. ]+$/, (tail) => '_'.repeat(tail.length))
  if (name === '' || name === '.' || name === '..' || WINDOWS_RESERVED.test(name)) name = `_${name}`
  const tooLong = Buffer.byteLength(name) > MAX_SEGMENT_BYTES
  if (name === title && !tooLong) return name
  if (tooLong) name = truncateBytes(name, MAX_SEGMENT_BYTES - HASH_LENGTH - 1)
  return `${name}-${createHash('sha256').update(title).digest('hex').slice(0, HASH_LENGTH)}`
}

/** The file extension vcrjs gives a generated cassette name for a serializer. */
export function cassetteExtension(serializer: string | undefined): string {
  return serializer === 'json' ? '.json' : '.yaml'
}

/**
 * Where a test's own cassette lives: `__cassettes__/<test file name>/<describe
 * titles>/<test title><extension>` beside the test file; each describe title
 * is a folder, so the same test title under two describes (or in two files)
 * never shares a cassette.
 */
export function testCassettePath(testFile: string, titles: readonly string[], extension: string): string {
  return join(testCassettesFolder(testFile), testCassetteName(titles, extension))
}

/** `__cassettes__/<test file name>` beside the test file: the folder of its cassettes and of its usage record. */
export function testCassettesFolder(testFile: string): string {
  return join(dirname(testFile), CASSETTES_FOLDER, portableFileName(basename(testFile)))
}

/** The path of a test's cassette below its file's folder: `<describe titles>/<test title><extension>`, '/' separated. */
export function testCassetteName(titles: readonly string[], extension: string): string {
  const segments = titles.length === 0 ? ['untitled'] : titles.map(portableFileName)
  segments[segments.length - 1] += extension
  return segments.join('/')
}

function truncateBytes(text: string, maxBytes: number): string {
  let bytes = 0
  let end = 0
  for (const character of text) {
    const size = Buffer.byteLength(character)
    if (bytes + size > maxBytes) break
    bytes += size
    end += character.length
  }
  return text.slice(0, end)
}
