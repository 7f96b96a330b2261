import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import jsYaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { tempCassetteDir } from '../../../../test/support/temp.js'
import { CassetteLoadError, CassetteSaveError, CassetteSerializationError, VcrError } from '../errors.js'
import { filesystemPersister } from '../persisters/filesystem.js'
import { VCR } from '../vcr.js'
import { jsonSerializer } from './json.js'
import { rubyYamlSerializer } from './ruby-yaml.js'
import { yamlSerializer } from './yaml.js'

const PYTHON_TAG = 'interactions: []\n_x: !!python/object/apply:os.system ["touch pwned"]\nversion: 1\n'

/** The error `fn` throws, asserted to be a CassetteSerializationError. */
function serializationError(fn: () => unknown): CassetteSerializationError {
  let thrown: unknown
  try {
    fn()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(CassetteSerializationError)
  expect(thrown).toBeInstanceOf(VcrError)
  const error = thrown as CassetteSerializationError
  expect(error.code).toBe('VCR_CASSETTE_SERIALIZATION')
  expect(error.name).toBe('CassetteSerializationError')
  return error
}

describe('the built-in serializers raise CassetteSerializationError, never a bare Error', () => {
  it('for a refused Python tag, naming it and the fix', () => {
    const error = serializationError(() => yamlSerializer.deserialize(PYTHON_TAG))
    expect(error.message).toMatch(/^it holds the Python tag !!python\/object\/apply:os\.system, which would run Python code when loaded; .*Re-record the cassette, or replace that value by plain data$/)
    expect(serializationError(() => rubyYamlSerializer.deserialize(PYTHON_TAG)).message).toBe(error.message)
  })

  it('for text its parser refuses: the reason and position, not the lines the parser quotes; the parser error is the cause', () => {
    const yaml = serializationError(() => yamlSerializer.deserialize('interactions:\n- request: [unclosed\n  next: line\n'))
    expect(yaml.message).toMatch(/^not valid YAML: [^\n]*\(\d+:\d+\)$/)
    expect((yaml.cause as Error).name).toBe('YAMLException')
    const json = serializationError(() => jsonSerializer.deserialize('{"interactions": [}'))
    expect(json.message).toMatch(/^not valid JSON: /)
    expect(json.cause).toBeInstanceOf(SyntaxError)
  })

  it('for YAML aliases that expand far beyond the file, and for an alias inside its own anchor (a cycle, which overflowed the stack)', () => {
    const bomb = `a: &a ["${'x'.repeat(100)}","${'x'.repeat(100)}"]\n` + Array.from({ length: 20 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]\n`).join('')
    expect(serializationError(() => yamlSerializer.deserialize(bomb)).message).toMatch(/^its YAML aliases \(\*name\) expand it to more than [\d,]+ characters, far beyond its own size: .*write the repeated parts out$/)
    for (const cycle of ['interactions: &x [*x]\n', 'interactions: &x {a: *x}\n']) {
      expect(serializationError(() => yamlSerializer.deserialize(cycle)).message).toMatch(/^a YAML alias \(\*name\) stands inside the node its anchor \(&name\) names, .*write the repeated part out$/)
    }
  })

  it('for a value YAML cannot hold, naming its kind and where it stands', () => {
    expect(serializationError(() => yamlSerializer.serialize({ interactions: [], count: 1n })).message).toBe(
      'cannot write a bigint under the key count into a YAML cassette, which holds only text, numbers, booleans, null, valid dates, bytes (Uint8Array), lists and mappings; turn the value into one of those (a string, usually) before it is serialized',
    )
    expect(serializationError(() => yamlSerializer.serialize({ list: ['a', undefined] })).message).toMatch(/^cannot write a undefined in a list into a YAML cassette/)
    expect(serializationError(() => yamlSerializer.serialize({ at: new Date(Number.NaN) })).message).toMatch(/^cannot write an invalid Date under the key at /)
    const itself: Record<string, unknown> = { interactions: [] }
    itself.self = itself
    expect(serializationError(() => yamlSerializer.serialize(itself)).message).toMatch(/^cannot write the data as YAML \(.*\): it contains itself or is nested too deeply$/)
  })

  it('for a value JSON cannot hold', () => {
    const itself: Record<string, unknown> = { interactions: [] }
    itself.self = itself
    expect(serializationError(() => jsonSerializer.serialize(itself)).message).toMatch(/^cannot write the data as JSON \(Converting circular structure to JSON\); /)
    expect(serializationError(() => jsonSerializer.serialize({ count: 1n })).message).toMatch(/^cannot write the data as JSON \(.*BigInt\); /)
  })

  it('for data that is not a cassette, given to the Ruby VCR writer', () => {
    expect(serializationError(() => rubyYamlSerializer.serialize({ interactions: 'nope' })).message).toMatch(
      /^cannot write the data as a Ruby VCR cassette: interactions should be a list; pass vcrpy-shaped cassette data \(interactionsToData\)$/,
    )
  })
})

describe('a Date that another writer left in a kept key', () => {
  it('is written back as a YAML timestamp (it was written as {} and lost) and read back as the same instant', () => {
    const seenAt = new Date('2025-01-01T10:00:00Z')
    const text = yamlSerializer.serialize({ interactions: [], seen_at: seenAt })
    expect(text).toBe('interactions: []\nseen_at: 2025-01-01T10:00:00.000Z\n')
    expect(yamlSerializer.deserialize(text)).toEqual({ interactions: [], seen_at: seenAt })
  })
})

describe('what a user meets when a serializer fails', () => {
  it('loading: a CassetteLoadError naming the file, the tag and the fixes, record mode all among them; the file is left as it was', async () => {
    const dir = await tempCassetteDir()
    const path = join(dir, 'tagged.yaml')
    await writeFile(path, PYTHON_TAG)
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'once' })
    const error = (await vcr.useCassette('tagged.yaml', () => undefined).catch((e: unknown) => e)) as CassetteLoadError
    expect(error).toBeInstanceOf(CassetteLoadError)
    expect(error.code).toBe('VCR_CASSETTE_LOAD')
    expect(error.cassettePath).toBe(path)
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot load cassette ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: its content cannot be deserialized \\(it holds the Python tag !!python/object/apply:os\\.system, which would run Python code when loaded; .*\\)\\. The file was left untouched; fix or delete it to record it anew, or re-record it with recordMode 'all', which replaces it\\.$`,
      ),
    )
    expect(error.cause).toBeInstanceOf(CassetteSerializationError)
    expect(await readFile(path, 'utf8')).toBe(PYTHON_TAG)
  })

  it("loading: the parser's error, two causes down, is cleaned too: no part of a credential on the lines js-yaml quotes (cut short, past what a detector recognises)", async () => {
    const dir = await tempCassetteDir()
    const path = join(dir, 'broken.yaml')
    const token = 'AKIAZ3Q5R7T2V2X4B6D7'
    const text = `interactions:\n- t: ${'x'.repeat(20)} ${token}\n   uri: x\n`
    // What js-yaml itself says: the first 12 characters of the key, which no detector recognises as one.
    expect(() => jsYaml.load(text)).toThrow(`${token.slice(0, 12)} ...`)
    await writeFile(path, text)
    const error = (await filesystemPersister.loadCassette(path, yamlSerializer).catch((e: unknown) => e)) as CassetteLoadError
    expect(error).toBeInstanceOf(CassetteLoadError)
    expect(error.message).toContain(': its content cannot be deserialized (not valid YAML: bad indentation of a mapping entry (3:7))')
    const chain: unknown[] = []
    for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) chain.push(cause.message, cause.stack)
    expect(chain.join('\n')).not.toContain(token.slice(0, 8))
  })

  it("loading: a custom serializer's error and its own cause are both cleaned of credentials", async () => {
    const dir = await tempCassetteDir()
    const token = `ghp_${'a1B2c3D4e5'.repeat(3)}123456`
    await writeFile(join(dir, 'custom.bogo'), 'anything')
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'once' })
    vcr.registerSerializer('bogo', {
      serialize: () => '',
      deserialize: () => {
        throw new Error(`bogo cannot read it near ${token}`, { cause: new Error(`the tokenizer stopped at ${token}`) })
      },
    })
    const error = (await vcr.useCassette('custom.bogo', () => undefined, { serializer: 'bogo' }).catch((e: unknown) => e)) as CassetteLoadError
    expect(error).toBeInstanceOf(CassetteLoadError)
    const outer = error.cause as Error
    const inner = outer.cause as Error
    expect([error.message, outer.message, inner.message, inner.stack].join('\n')).not.toContain(token)
    expect(inner.message).toBe('the tokenizer stopped at <redacted GitHub token>')
  })

  it('saving: a CassetteSaveError naming the file, caused by the serializer; nothing is written', async () => {
    const dir = await tempCassetteDir()
    const path = join(dir, 'odd.yaml')
    const error = (await filesystemPersister.saveCassette(path, { interactions: [], count: 1n }, yamlSerializer).catch((e: unknown) => e)) as CassetteSaveError
    expect(error).toBeInstanceOf(CassetteSaveError)
    expect(error.message).toMatch(/^Cannot save cassette .*odd\.yaml: the serializer failed \(cannot write a bigint under the key count into a YAML cassette, /)
    expect(error.cause).toBeInstanceOf(CassetteSerializationError)
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
