import { randomBytes } from 'node:crypto'
import { type FileHandle, mkdir, open, readdir, readlink, realpath, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { CassetteLoadError, CassetteNotFoundError, CassetteSaveError } from '../errors.js'
import type { CassetteData, Serializer } from '../serializers/serializer.js'
import { cassetteText } from './cassette-text.js'
import { fsProblem } from './fs-problem.js'
import { acquireLock, DEFAULT_LOCK_LIMITS, type LockLimits } from './lock.js'
import { type Persister, type SaveOptions, STORED_VERSION, type StoredCassette } from './persister.js'
import { processAlive } from './process-alive.js'
import { lockName, sidecarStem, temporaryName, temporaryPattern } from './sidecar-names.js'

/**
 * Cassettes as files. A save locks the cassette against other writers (other
 * processes, other scopes of this one), merges what is stored now, writes a
 * temporary file beside it, flushes it to disk and renames it over the
 * cassette: a reader, a crash or a power loss sees the old file or the new
 * one, never half of each.
 */
export const filesystemPersister: Persister = {
  loadCassette: (path, serializer) => loadFile(path, serializer),
  saveCassette: (path, data, serializer, options) => saveFile(path, data, serializer, options, DEFAULT_LOCK_LIMITS),
}

/** A file's identity and version: equal stamps mean nobody replaced or wrote it in between. */
type Stamp = string

async function loadFile(path: string, serializer: Serializer): Promise<unknown> {
  let bytes: Buffer
  let stamp: Stamp
  try {
    const handle = await open(path, 'r')
    try {
      stamp = stampOf(await handle.stat({ bigint: true }))
      bytes = await handle.readFile()
    } finally {
      await handle.close()
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CassetteNotFoundError(path, { cause: error })
    throw new CassetteLoadError(path, `the file cannot be read: ${fsProblem(error)}`, { cause: error })
  }
  const data = deserialize(path, bytes, serializer)
  // The cassette keeps this string, not the data, to tell at save time whether the file changed.
  if (typeof data === 'object' && data !== null && Object.isExtensible(data)) Object.defineProperty(data, STORED_VERSION, { value: stamp })
  return data
}

function deserialize(path: string, bytes: Buffer, serializer: Serializer): unknown {
  let text: string
  try {
    text = cassetteText(bytes)
  } catch (error) {
    throw new CassetteLoadError(path, (error as Error).message, { cause: error })
  }
  try {
    return serializer.deserialize(text)
  } catch (error) {
    throw new CassetteLoadError(path, `its content cannot be deserialized (${firstLine(error)})`, { cause: error })
  }
}

/** @internal `limits` is a parameter for the tests of a busy lock. */
export async function saveFile(path: string, data: CassetteData, serializer: Serializer, options: SaveOptions | undefined, limits: LockLimits): Promise<void> {
  const failed = (error: unknown): never => {
    if (error instanceof CassetteSaveError) throw error
    throw new CassetteSaveError(path, fsProblem(error), { cause: error })
  }
  // A symbolic link stays one: the file it points to is what gets replaced.
  const target = await linkTarget(path).catch(failed)
  const folder = dirname(target)
  const stem = sidecarStem(basename(target))
  const scratch = () => join(folder, temporaryName(stem, process.pid, randomBytes(4).toString('hex')))
  await mkdir(folder, { recursive: true }).catch(failed)
  let release: () => Promise<void>
  try {
    release = await acquireLock(join(folder, lockName(stem)), scratch, limits)
  } catch (error) {
    if (error instanceof Error && !('code' in error)) throw new CassetteSaveError(path, error.message, { cause: error })
    return failed(error)
  }
  try {
    await sweepTemporaries(folder, stem, limits.staleMs)
    const final = options?.merge ? options.merge(await storedNow(target, serializer, options.loadedVersion)) : data
    const serializerFailed = (error: unknown) => new CassetteSaveError(path, `the serializer failed (${firstLine(error)})`, { cause: error })
    let pieces: Iterator<string>
    try {
      pieces = serializer.serializePieces ? serializer.serializePieces(final)[Symbol.iterator]() : [serializer.serialize(final)][Symbol.iterator]()
    } catch (error) {
      throw serializerFailed(error)
    }
    // The first piece before the temporary file exists: most serializers fail there, if at all.
    let first: IteratorResult<string>
    try {
      first = pieces.next()
    } catch (error) {
      throw serializerFailed(error)
    }
    await writeAtomically(target, first, pieces, serializerFailed, scratch())
  } catch (error) {
    failed(error)
  } finally {
    // A lock that cannot be removed (the folder turned read-only) must not hide why the save failed.
    await release().catch(() => undefined)
  }
}

/** Where a save writes: `path`, or the file a symbolic link at `path` points to (also when that file does not exist yet). */
async function linkTarget(path: string): Promise<string> {
  try {
    return await realpath(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  try {
    return resolve(dirname(path), await readlink(path))
  } catch {
    return path
  }
}

async function storedNow(target: string, serializer: Serializer, loadedVersion: unknown): Promise<StoredCassette> {
  let handle: FileHandle
  try {
    handle = await open(target, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' }
    return { state: 'unreadable', error: new CassetteLoadError(target, fsProblem(error), { cause: error }) }
  }
  try {
    if (typeof loadedVersion === 'string' && loadedVersion === stampOf(await handle.stat({ bigint: true }))) return { state: 'unchanged' }
    const bytes = await handle.readFile()
    try {
      return { state: 'present', data: deserialize(target, bytes, serializer) }
    } catch (error) {
      return { state: 'unreadable', error }
    }
  } finally {
    await handle.close()
  }
}

/**
 * Writes the serializer's pieces to `temporary`, flushes it, gives it the mode (and, as root,
 * the owner) of the file it replaces, renames it over `target` and flushes the folder, so that after a
 * crash or a power loss the cassette is the old file or the new one. The
 * temporary file is removed whatever fails.
 */
async function writeAtomically(
  target: string,
  first: IteratorResult<string>,
  pieces: Iterator<string>,
  serializerFailed: (error: unknown) => Error,
  temporary: string,
): Promise<void> {
  try {
    const previous = await stat(target).catch(() => undefined)
    const handle = await open(temporary, 'wx', previous ? previous.mode & 0o7777 : 0o666)
    try {
      for (let piece = first; !piece.done; ) {
        await writeAll(handle, Buffer.from(piece.value, 'utf8'))
        try {
          piece = pieces.next()
        } catch (error) {
          throw serializerFailed(error)
        }
      }
      if (previous) {
        // Root (a container, CI) re-recording a user's cassette must not hand it to root.
        if (process.getuid?.() === 0 && (previous.uid !== 0 || previous.gid !== 0)) await handle.chown(previous.uid, previous.gid)
        // The umask applied to open's mode; the previous file's mode is what the user chose (after chown, which may clear setuid bits).
        await handle.chmod(previous.mode & 0o7777)
      }
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, target)
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined)
    throw error
  }
  await syncFolder(dirname(target))
}

/** Appends `bytes` at the file's position; a write may take fewer bytes than asked. */
async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null)
    offset += bytesWritten
  }
}

/** Makes the rename durable; some platforms and file systems cannot open or flush a folder, which only loses that guarantee. */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined
  try {
    handle = await open(folder, 'r')
    await handle.sync()
  } catch {
    // EISDIR, EINVAL, EPERM: not supported here.
  } finally {
    await handle?.close().catch(() => undefined)
  }
}

/**
 * Removes the temporary files of this cassette that a killed process left
 * (its pid is gone, or the file is older than a lock can be): called with the
 * lock held, so no live writer of this cassette is writing one.
 */
async function sweepTemporaries(folder: string, stem: string, staleMs: number): Promise<void> {
  const pattern = temporaryPattern(stem)
  const names = await readdir(folder).catch(() => [] as string[])
  for (const name of names) {
    const match = pattern.exec(name)
    if (!match) continue
    const pid = Number(match[1])
    const path = join(folder, name)
    if (pid === process.pid) continue
    const old = await stat(path).then((info) => Date.now() - info.mtimeMs > staleMs, () => false)
    if (old || !processAlive(pid)) await rm(path, { force: true }).catch(() => undefined)
  }
}

function stampOf(info: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }): Stamp {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!
}
