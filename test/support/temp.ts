import { mkdtempSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, onTestFinished } from 'vitest'

/** A fresh folder for the cassettes one test writes, removed when the test ends. */
export async function tempCassetteDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vcrjs-test-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** A fresh folder for the cassettes the tests of one file share; call it at the file's top level. Removed after them. */
export function suiteTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vcrjs-suite-'))
  afterAll(() => rm(dir, { recursive: true, force: true }))
  return dir
}
