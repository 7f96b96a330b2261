import { describe, expect, it } from 'vitest'
import { HttpHeaders } from './headers.js'

describe('HttpHeaders', () => {
  it('matches names case-insensitively and keeps every value in order', () => {
    const headers = new HttpHeaders([
      ['Set-Cookie', 'a=1'],
      ['Content-Type', 'text/plain'],
      ['set-cookie', 'b=2'],
    ])
    expect(headers.get('content-type')).toBe('text/plain')
    expect(headers.getAll('SET-COOKIE')).toEqual(['a=1', 'b=2'])
    expect(headers.has('Content-type')).toBe(true)
    expect(headers.size).toBe(3)
  })

  it('groups values under the first spelling of a name, in first-seen order, for the cassette', () => {
    const headers = HttpHeaders.fromRaw(['Set-Cookie', 'a=1', 'Date', 'today', 'set-cookie', 'b=2'])
    expect(headers.toMultiMap()).toEqual({ 'Set-Cookie': ['a=1', 'b=2'], Date: ['today'] })
    expect(Object.keys(headers.toMultiMap())).toEqual(['Set-Cookie', 'Date'])
  })

  it('set replaces every value, keeping the first one\'s position and spelling; a new name is appended as given', () => {
    const headers = new HttpHeaders([['content-length', '9'], ['Date', 'today'], ['CONTENT-LENGTH', '10']])
    headers.set('Content-Length', '219').set('X-New', '1')
    expect(headers.entries()).toEqual([
      ['content-length', '219'],
      ['Date', 'today'],
      ['X-New', '1'],
    ])
  })

  it('reads records with list values, skipping undefined', () => {
    const headers = new HttpHeaders({ Accept: ['a', 'b'], 'X-One': 1, Skip: undefined })
    expect(headers.entries()).toEqual([
      ['Accept', 'a'],
      ['Accept', 'b'],
      ['X-One', '1'],
    ])
  })

  it('set replaces every value in place; delete removes every spelling', () => {
    const headers = new HttpHeaders([
      ['A', '1'],
      ['B', '2'],
      ['a', '3'],
    ])
    headers.set('a', 'x')
    expect(headers.entries()).toEqual([
      ['A', 'x'],
      ['B', '2'],
    ])
    headers.delete('b')
    expect(headers.toRaw()).toEqual(['A', 'x'])
  })

  it('decodes raw header bytes as latin1, as HTTP does', () => {
    const headers = HttpHeaders.fromRaw([Buffer.from('X-Name'), Buffer.from([0x63, 0x61, 0x66, 0xe9])])
    expect(headers.get('x-name')).toBe('café')
  })

  it('treats __proto__, constructor and toString as ordinary names in both multimaps', () => {
    const headers = new HttpHeaders([
      ['__proto__', 'p'],
      ['Constructor', 'c1'],
      ['constructor', 'c2'],
      ['toString', 't'],
    ])
    expect(Object.entries(headers.toMultiMap())).toEqual([
      ['__proto__', ['p']],
      ['Constructor', ['c1', 'c2']],
      ['toString', ['t']],
    ])
    expect(Object.entries(headers.toLowerCaseMultiMap())).toEqual([
      ['__proto__', ['p']],
      ['constructor', ['c1', 'c2']],
      ['tostring', ['t']],
    ])
  })
})
