import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CassetteSaveError } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { tempCassetteDir } from '../../../test/support/temp.js'
import { readCassetteFile, writeCassetteText } from './cassette-file.js'

const CASSETTE = 'interactions:\n- request:\n    body: null\n    headers: {}\n    method: GET\n    uri: http://127.0.0.1:9/a\n  response:\n    body:\n      string: a\n    headers: {}\n    status:\n      code: 200\n      message: OK\nversion: 1\n'

describe('writeCassetteText', () => {
  it('rewrites a file it read, and refuses (writing nothing) when another writer changed it since', async () => {
    const path = join(await tempCassetteDir(), 'a.yaml')
    await writeFile(path, CASSETTE)
    await writeCassetteText(path, 'rewritten\n', await readCassetteFile(path))
    expect(await readFile(path, 'utf8')).toBe('rewritten\n')

    await writeFile(path, CASSETTE)
    const read = await readCassetteFile(path)
    await writeFile(path, CASSETTE.replace('string: a', 'string: saved by a test run'))
    const error = (await writeCassetteText(path, 'rewritten\n', read).catch((e: unknown) => e)) as CassetteSaveError
    expect(error).toBeInstanceOf(CassetteSaveError)
    expect(error.code).toBe('VCR_CASSETTE_SAVE')
    expect(error.message).toBe(
      `Cannot save cassette ${path}: it changed since vcrjs read it (another process, a test run perhaps, wrote it), so nothing was written; run the command again. The previous file, if any, is intact.`,
    )
    expect(await readFile(path, 'utf8')).toContain('saved by a test run')
  })
})
