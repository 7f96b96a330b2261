import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempCassetteDir } from '../../../../test/support/temp.js'
import { CassetteSaveError } from '../errors.js'
import type { Serializer } from '../serializers/serializer.js'
import { filesystemPersister } from './filesystem.js'

const PIECES = ['interactions:\n', '- body: "Grüße 🚀', ' 東京"\n', 'version: 1\n']

/** A serializer that only writes in pieces: `serialize` must not be called. */
function piecewise(pieces: () => Iterable<string>): Serializer {
  return {
    serialize: () => {
      throw new Error('serialize called: the persister should write the pieces')
    },
    serializePieces: pieces,
    deserialize: () => ({}),
  }
}

describe('filesystemPersister writes a serializer that has serializePieces piece by piece', () => {
  it('the file is the pieces in order, as UTF-8', async () => {
    const dir = await tempCassetteDir()
    const path = join(dir, 'pieces.yaml')

    await filesystemPersister.saveCassette(path, {}, piecewise(() => PIECES))

    expect(await readFile(path)).toEqual(Buffer.from(PIECES.join(''), 'utf8'))
    expect(await readdir(dir)).toEqual(['pieces.yaml'])
  })

  it('a serializer without it: its text is written', async () => {
    const dir = await tempCassetteDir()
    const path = join(dir, 'whole.yaml')

    await filesystemPersister.saveCassette(path, {}, { serialize: () => 'whole: text\n', deserialize: () => ({}) })

    expect(await readFile(path, 'utf8')).toBe('whole: text\n')
  })

  it('pieces that fail after some were written: CassetteSaveError for the serializer, the old file kept, no temporary file left', async () => {
    const dir = await tempCassetteDir()
    const path = join(dir, 'kept.yaml')
    await writeFile(path, 'old: content\n')
    const failing = piecewise(function* () {
      yield 'interactions:\n'
      throw new Error('cannot write the second piece')
    })

    const error = (await filesystemPersister.saveCassette(path, {}, failing).catch((e: unknown) => e)) as CassetteSaveError

    expect(error).toBeInstanceOf(CassetteSaveError)
    expect(error.message).toMatch(/^Cannot save cassette .*kept\.yaml: the serializer failed \(cannot write the second piece\)/)
    expect(await readFile(path, 'utf8')).toBe('old: content\n')
    expect(await readdir(dir)).toEqual(['kept.yaml'])
  })
})
