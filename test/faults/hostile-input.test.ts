import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CassetteLoadError, handleRequest, type RecordMode, VCR } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { tempCassetteDir } from '../support/temp.js'

/** A vcrpy cassette of one GET whose response body is `body` (YAML source, already quoted as needed). */
function cassetteYaml(body: string, extra = ''): string {
  return `${extra}interactions:
- request:
    body: null
    headers: {}
    method: GET
    uri: http://fault.test/a
  response:
    body:
      string: ${body}
    headers: {}
    status:
      code: 200
      message: OK
version: 1
`
}

/** 643 bytes: nine levels of nine aliases, 9^9 copies of "lol" once expanded. */
function aliasBomb(): string {
  let text = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
  for (let i = 1; i < 9; i++) text += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]\n`
  return cassetteYaml("'ok'", text).replace('headers: {}', 'headers:\n      X: *a8')
}

/** About 1 KB: one 300-character anchor, in a list 16 times, in lists of 16 twice over: 4,096 copies. */
function hugeAnchors(): string {
  const list = (alias: string) => `[${Array(16).fill(alias).join(',')}]`
  const text = `big: &big '${'y'.repeat(300)}'\nb: &b ${list('*big')}\nc: &c ${list('*b')}\nd: ${list('*c')}\n`
  return cassetteYaml("'ok'", text)
}

async function insert(dir: string, recordMode: RecordMode) {
  return new VCR({ cassetteLibraryDir: dir }).insertCassette('c.yaml', { recordMode })
}

async function loadError(dir: string, recordMode: RecordMode): Promise<CassetteLoadError> {
  const error = await insert(dir, recordMode).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CassetteLoadError)
  return error as CassetteLoadError
}

async function recordOne(dir: string, recordMode: RecordMode): Promise<void> {
  const vcr = new VCR({ cassetteLibraryDir: dir })
  await vcr.useCassette('c.yaml', async (cassette) => {
    await handleRequest({ cassette, request: { method: 'GET', url: 'http://fault.test/new' }, sendReal: async () => ({ status: { code: 200 }, body: 'new' }) })
  }, { recordMode })
}

describe('a cassette that is not UTF-8', () => {
  // A body written as Latin-1 by hand: "café" with é as the single byte 0xe9.
  const bytes = Buffer.from(cassetteYaml("'caf\u0000'"), 'latin1')
  bytes[bytes.indexOf(0)] = 0xe9

  for (const mode of ['once', 'new_episodes', 'none'] as const) {
    it(`fails to load in ${mode} with CassetteLoadError naming the file, the byte and the fix, and is never rewritten`, async () => {
      const dir = await tempCassetteDir()
      await writeFile(join(dir, 'c.yaml'), bytes)
      const error = await loadError(dir, mode)
      const at = bytes.indexOf(0xe9)
      expect(error.message).toBe(
        `Cannot load cassette ${join(dir, 'c.yaml')}: it is not UTF-8 text: byte ${at} (line 9) is 0xe9, which does not start a UTF-8 character there. ` +
          'Cassettes are UTF-8; convert the file (e.g. `iconv -f latin1 -t utf-8`) or write binary bodies as !!binary. The file was left untouched; fix or delete it to record it anew, or re-record it with recordMode \'all\', which replaces it.',
      )
      expect(await readFile(join(dir, 'c.yaml'))).toEqual(bytes)
    })
  }

  it('ASCII (the Latin-1 fast path) and UTF-8 cassettes load as before', async () => {
    const dir = await tempCassetteDir()
    for (const body of ["'plain ascii'", "'Grüße aus Köln 🚀'"]) {
      await writeFile(join(dir, 'c.yaml'), cassetteYaml(body))
      const cassette = await insert(dir, 'none')
      expect(Buffer.from(cassette.responses[0]!.body).toString('utf8')).toBe(body.slice(1, -1))
      await cassette.eject()
    }
  })
})

describe('YAML aliases that expand far beyond the file', () => {
  for (const [what, text] of [
    ['an alias bomb (643 bytes, 9^9 expansion)', aliasBomb()],
    ['huge anchors (1 KB, a 300-character string 4,096 times)', hugeAnchors()],
  ] as const) {
    it(`${what}: CassetteLoadError, and new_episodes leaves the file as it was`, async () => {
      expect(text.length).toBeLessThan(1_100)
      const dir = await tempCassetteDir()
      await writeFile(join(dir, 'c.yaml'), text)
      const error = await loadError(dir, 'new_episodes')
      expect(error.message).toContain(`Cannot load cassette ${join(dir, 'c.yaml')}: its content cannot be deserialized (its YAML aliases (*name) expand it to more than`)
      expect(error.message).toContain('an alias bomb')
      expect(await readFile(join(dir, 'c.yaml'), 'utf8')).toBe(text)
    })
  }

  it('a few aliases, as PyYAML writes for a shared object, still load', async () => {
    const dir = await tempCassetteDir()
    const text = cassetteYaml("'ok'").replace('headers: {}', 'headers: &id001\n      X-Shared:\n      - one').replace('    headers: {}\n    status', '    headers: *id001\n    status')
    await writeFile(join(dir, 'c.yaml'), text)
    const cassette = await insert(dir, 'none')
    expect(cassette.requests[0]!.headers.get('x-shared')).toBe('one')
    expect(cassette.responses[0]!.headers.get('x-shared')).toBe('one')
  })
})

describe("record mode 'all' replaces a cassette that cannot be read (the user asked to re-record)", () => {
  const unreadable: [string, string | Buffer][] = [
    ['not UTF-8', Buffer.from([0x69, 0x6e, 0x74, 0xe9, 0x0a])],
    ['an alias bomb', aliasBomb()],
    ['not YAML', 'interactions: [\n'],
    ['not a cassette', 'just: a mapping\n'],
  ]
  for (const [what, content] of unreadable) {
    it(what, async () => {
      const dir = await tempCassetteDir()
      await writeFile(join(dir, 'c.yaml'), content)
      await loadError(dir, 'once')
      await recordOne(dir, 'all')
      const cassette = await insert(dir, 'none')
      expect(cassette.requests.map((request) => request.url)).toEqual(['http://fault.test/new'])
    })
  }
})
