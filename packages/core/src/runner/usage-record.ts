import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { CassetteUsage } from '../context.js'

/** The file, in a test file's cassette folder, that `vcrjs prune` reads. */
export const USAGE_FILE = '.vcrjs-usage.json'

/** The usage record of one test file's last run; see `writeUsageRecord`. */
export interface UsageRecord {
  readonly version: 1
  /** The test file, relative to the folder holding the record. */
  readonly testFile: string
  readonly writtenAt: string
  readonly cassettes: readonly {
    /** Relative to the folder holding the record, '/' separated. */
    readonly path: string
    readonly interactions: number
    /** Indices of the interactions played (or recorded) in this run. */
    readonly played: readonly number[]
  }[]
}

/**
 * Writes `.vcrjs-usage.json` into `folder` (the test file's
 * `__cassettes__/<test file name>/`): every cassette ejected while the test
 * file ran, so `vcrjs prune` can list those no test used. Written to a
 * temporary file and renamed, so a reader never sees half of it. A test file
 * that used no cassette and has no cassette folder leaves no record.
 */
export async function writeUsageRecord(folder: string, testFile: string, usages: Iterable<CassetteUsage>): Promise<void> {
  const cassettes = [...usages].map((usage) => ({
    path: portable(relative(folder, usage.path)),
    interactions: usage.interactions,
    played: [...usage.played],
  }))
  if (cassettes.length === 0 && !existsSync(folder)) return
  const record: UsageRecord = { version: 1, testFile: portable(relative(folder, testFile)), writtenAt: new Date().toISOString(), cassettes }
  await mkdir(folder, { recursive: true })
  const target = join(folder, USAGE_FILE)
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, 'utf8')
    await rename(temporary, target)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}

function portable(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/')
}
