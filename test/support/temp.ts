import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'

/** A fresh folder for the cassettes one test writes, removed when the test ends. */
export async function tempCassetteDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vcrjs-test-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}
