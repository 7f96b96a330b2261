import { randomBytes } from 'node:crypto'
import { link, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { processAlive } from './process-alive.js'

/** Who holds a lock: written into the lock file, so a waiter can tell a live writer from a dead one. */
interface LockOwner {
  pid: number
  host: string
  time: string
  nonce: string
}

export interface LockLimits {
  /** How long to wait for another writer before giving up. */
  waitMs: number
  /** A lock older than this is stale whoever holds it (a pid on another host cannot be checked; a pid can be reused). */
  staleMs: number
}

export const DEFAULT_LOCK_LIMITS: LockLimits = { waitMs: 30_000, staleMs: 5 * 60_000 }

/** Raised when the lock stays held by a live writer for longer than `waitMs`. */
export class LockBusy extends Error {
  constructor(lockPath: string, owner: LockOwner | undefined) {
    super(
      `another writer holds its lock ${lockPath}${owner ? ` (pid ${owner.pid} on host ${owner.host}, since ${owner.time})` : ''}; ` +
        'wait for it to finish, or delete the lock file if that process is gone',
    )
  }
}

/**
 * An exclusive lock on a cassette between processes and within one: a file
 * holding the owner's pid, host and time, created only if absent (a hard link
 * to a complete file, or O_EXCL where there are no hard links). A lock left by a
 * process that died (same host, pid gone) or older than `staleMs` is broken.
 * Resolves to the release function.
 */
export async function acquireLock(
  lockPath: string,
  scratchPath: () => string,
  limits: LockLimits = DEFAULT_LOCK_LIMITS,
): Promise<() => Promise<void>> {
  const me: LockOwner = { pid: process.pid, host: hostname(), time: '', nonce: randomBytes(8).toString('hex') }
  const deadline = Date.now() + limits.waitMs
  for (let attempt = 0; ; attempt++) {
    me.time = new Date().toISOString()
    if (await tryCreate(lockPath, scratchPath(), me)) return () => release(lockPath, me)
    const owner = await readOwner(lockPath)
    if (owner === 'gone') continue
    if (owner === undefined ? await isOld(lockPath, limits) : isStale(owner, limits)) {
      await breakStale(lockPath, scratchPath(), owner)
      continue
    }
    if (Date.now() >= deadline) throw new LockBusy(lockPath, owner)
    // Short waits first (a save takes milliseconds), with jitter so two waiters do not retry in step.
    await new Promise((resolve) => setTimeout(resolve, Math.min(5 * 2 ** Math.min(attempt, 5), 100) * (0.5 + Math.random())))
  }
}

/**
 * Writes the owner to a scratch file and links it to the lock's name: the
 * link fails if the lock exists, and a lock is never seen half-written.
 */
async function tryCreate(lockPath: string, scratch: string, owner: LockOwner): Promise<boolean> {
  try {
    await writeFile(scratch, JSON.stringify(owner), { flag: 'wx' })
    try {
      await link(scratch, lockPath)
    } catch (error) {
      if (!NO_HARD_LINKS.has((error as NodeJS.ErrnoException).code!)) throw error
      // A file system without hard links (FAT, some network and container mounts): O_EXCL alone.
      await writeFile(lockPath, JSON.stringify(owner), { flag: 'wx' })
    }
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    await rm(scratch, { force: true }).catch(() => undefined)
  }
}

const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'])

/** The lock's owner; `'gone'` if the lock disappeared meanwhile; `undefined` if it cannot be read (being written, or garbage). */
async function readOwner(lockPath: string): Promise<LockOwner | 'gone' | undefined> {
  let text: string
  try {
    text = await readFile(lockPath, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone'
    throw error
  }
  try {
    const owner = JSON.parse(text) as LockOwner
    return typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.time === 'string' ? owner : undefined
  } catch {
    return undefined
  }
}

function isStale(owner: LockOwner, limits: LockLimits): boolean {
  if (Date.now() - Date.parse(owner.time) > limits.staleMs) return true
  return owner.host === hostname() && !processAlive(owner.pid)
}

/** A lock file that is not ours to read (not written by vcrjs) is stale once it is old. */
async function isOld(lockPath: string, limits: LockLimits): Promise<boolean> {
  const info = await stat(lockPath).catch(() => undefined)
  return info !== undefined && Date.now() - info.mtimeMs > limits.staleMs
}

/**
 * Removes a stale lock without removing a fresh one that another waiter made
 * after breaking the same stale lock: the lock is moved aside first (atomic),
 * and if what was moved is not the stale owner's, it is put back.
 */
async function breakStale(lockPath: string, aside: string, stale: LockOwner | undefined): Promise<void> {
  try {
    await rename(lockPath, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  const moved = await readOwner(aside)
  if (moved !== 'gone' && moved !== undefined && moved.nonce !== stale?.nonce) {
    // A live lock: restore it unless someone already holds a newer one.
    await link(aside, lockPath).catch(() => undefined)
  }
  await rm(aside, { force: true })
}

async function release(lockPath: string, me: LockOwner): Promise<void> {
  // Remove only our own lock: after a long pause another writer may have broken it as stale.
  const owner = await readOwner(lockPath).catch(() => undefined)
  if (owner !== undefined && owner !== 'gone' && owner.nonce === me.nonce) await rm(lockPath, { force: true })
}
