import { createHash } from 'node:crypto'

/** Linux's NAME_MAX (and macOS's): the longest file name, in bytes. */
const NAME_MAX = 255
/** Room for the longest suffix a sidecar name adds after the stem: `.<pid up to 2^22>.<8 hex>.tmp`, `.lock`. */
const LONGEST_SUFFIX = 32

/**
 * The stem of the names of a cassette's temporary and lock files, which live
 * beside it and start with a dot. A cassette whose name leaves no room for
 * the suffixes (236-255 bytes) gets a shortened stem ending in a hash of the
 * full name, so it can still be saved and two long names never share a stem.
 */
export function sidecarStem(cassetteName: string): string {
  const room = NAME_MAX - 1 - LONGEST_SUFFIX
  if (Buffer.byteLength(cassetteName) <= room) return cassetteName
  const hash = createHash('sha256').update(cassetteName).digest('hex').slice(0, 16)
  let prefix = cassetteName
  while (Buffer.byteLength(prefix) > room - hash.length - 1) prefix = prefix.slice(0, -1)
  // A cut through a surrogate pair would leave half a character.
  if (/[\ud800-\udbff]$/.test(prefix)) prefix = prefix.slice(0, -1)
  return `${prefix}~${hash}`
}

export function lockName(stem: string): string {
  return `.${stem}.lock`
}

export function temporaryName(stem: string, pid: number, random: string): string {
  return `.${stem}.${pid}.${random}.tmp`
}

/** Matches the temporary files of `stem`, capturing the writer's pid. */
export function temporaryPattern(stem: string): RegExp {
  return new RegExp(`^\\.${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`)
}
