import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { portableFileName, testCassettePath } from './test-cassette-path.js'

describe('portableFileName', () => {
  it('keeps a title that is already a portable file name as it is', () => {
    expect(portableFileName('lists users, then one (by id)')).toBe('lists users, then one (by id)')
    expect(portableFileName('Grüße 東京')).toBe('Grüße 東京')
  })

  it("replaces what Windows, macOS or Linux refuse and appends a hash of the title, so 'a/b' and 'a_b' differ", () => {
    const odd = portableFileName('odd /:"<>?|*\\ title')
    expect(odd).toMatch(/^odd _________ title-[0-9a-f]{8}$/)
    expect(portableFileName('a/b')).toMatch(/^a_b-[0-9a-f]{8}$/)
    expect(portableFileName('a/b')).not.toBe(portableFileName('a_b'))
    expect(portableFileName('a/b')).not.toBe(portableFileName('a:b'))
    expect(portableFileName('tab\there')).toMatch(/^tab_here-[0-9a-f]{8}$/)
  })

  it('renames reserved, empty, dot and trailing-dot names', () => {
    expect(portableFileName('CON')).toMatch(/^_CON-[0-9a-f]{8}$/)
    expect(portableFileName('nul.txt')).toMatch(/^_nul\.txt-[0-9a-f]{8}$/)
    expect(portableFileName('')).toMatch(/^_-[0-9a-f]{8}$/)
    expect(portableFileName('..')).toMatch(/^__-[0-9a-f]{8}$/)
    expect(portableFileName('ends with a dot.')).toMatch(/^ends with a dot_-[0-9a-f]{8}$/)
    expect(portableFileName('ends with a space ')).toMatch(/^ends with a space_-[0-9a-f]{8}$/)
  })

  it('caps a long title (in UTF-8 bytes, never splitting a character) and keeps two long titles apart by the hash', () => {
    const a = portableFileName(`${'é'.repeat(150)}a`)
    const b = portableFileName(`${'é'.repeat(150)}b`)
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(160)
    expect(a).toMatch(/^é+-[0-9a-f]{8}$/)
    expect(a).not.toBe(b)
  })
})

describe('testCassettePath', () => {
  it('puts a test cassette in __cassettes__/<test file name>/<describe titles>/<title>.yaml beside the test file', () => {
    expect(testCassettePath('/app/test/users.test.ts', ['users', 'by id', 'fetches'], '.yaml')).toBe(
      join('/app/test/__cassettes__/users.test.ts/users/by id/fetches.yaml'),
    )
    expect(testCassettePath('/app/test/users.test.ts', ['top level'], '.json')).toBe(join('/app/test/__cassettes__/users.test.ts/top level.json'))
  })
})
