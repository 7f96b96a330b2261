import { describe, expect, it } from 'vitest'
import { InvalidOptionError } from './errors.js'
import { MatcherRegistry, runMatcher } from './matchers.js'
import { Request, type RequestInit } from './request.js'

const registry = new MatcherRegistry()
const request = (init: Partial<RequestInit>) => new Request({ method: 'GET', url: 'http://h.test/p', ...init })

function check(name: string, a: Partial<RequestInit>, b: Partial<RequestInit>) {
  const [matcher] = registry.resolve([name])
  return runMatcher(matcher!, request(a), request(b))
}

describe('built-in matchers', () => {
  it.each([
    ['method', { method: 'GET' }, { method: 'POST' }, "'GET' != 'POST'"],
    ['uri', { url: 'http://h.test/a' }, { url: 'http://h.test/b' }, "'http://h.test/a' != 'http://h.test/b'"],
    ['url', { url: 'http://h.test/a' }, { url: 'http://h.test/b' }, "'http://h.test/a' != 'http://h.test/b'"],
    ['scheme', { url: 'http://h.test/' }, { url: 'https://h.test/' }, "'http' != 'https'"],
    ['host', { url: 'http://a.test/' }, { url: 'http://b.test/' }, "'a.test' != 'b.test'"],
    ['port', { url: 'http://h.test/' }, { url: 'http://h.test:81/' }, "'80' != '81'"],
    ['path', { url: 'http://h.test/a' }, { url: 'http://h.test/b' }, "'/a' != '/b'"],
    ['query', { url: 'http://h.test/?a=1' }, { url: 'http://h.test/?a=2' }, "'a=1' != 'a=2'"],
  ] as const)('%s fails with the reason', (name, a, b, reason) => {
    expect(check(name, a, b)).toEqual({ name, passed: false, reason })
    expect(check(name, a, a).passed).toBe(true)
  })

  it('query ignores parameter order but not repeated values', () => {
    expect(check('query', { url: 'http://h.test/?a=1&b=2' }, { url: 'http://h.test/?b=2&a=1' }).passed).toBe(true)
    expect(check('query', { url: 'http://h.test/?a=1&a=2' }, { url: 'http://h.test/?a=1' }).passed).toBe(false)
  })

  it('headers compares names case-insensitively and every value', () => {
    expect(check('headers', { headers: { 'X-A': '1' } }, { headers: { 'x-a': '1' } }).passed).toBe(true)
    expect(check('headers', { headers: { 'X-A': '1' } }, { headers: { 'x-a': '2' } }).reason).toContain('!=')
  })

  it('raw_body compares bytes, absent and empty alike', () => {
    expect(check('raw_body', { body: 'a' }, { body: 'a' }).passed).toBe(true)
    expect(check('raw_body', { body: 'a' }, { body: 'b' }).passed).toBe(false)
    expect(check('raw_body', { body: null }, { body: '' }).passed).toBe(true)
  })

  it('body compares JSON parsed, whatever the key order or spacing', () => {
    const json = { 'content-type': 'application/json' }
    expect(check('body', { headers: json, body: '{"a":1,"b":[1,2]}' }, { headers: json, body: '{ "b": [1, 2], "a": 1 }' }).passed).toBe(true)
    expect(check('body', { headers: json, body: '{"a":1}' }, { headers: json, body: '{"a":2}' }).passed).toBe(false)
  })

  it('body compares forms parsed: field order does not matter, value order does', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    expect(check('body', { headers: form, body: 'a=1&b=x+y' }, { headers: form, body: 'b=x%20y&a=1' }).passed).toBe(true)
    expect(check('body', { headers: form, body: 'a=1&a=2' }, { headers: form, body: 'a=2&a=1' }).passed).toBe(false)
  })

  it('body falls back to bytes for other content', () => {
    expect(check('body', { body: 'abc' }, { body: 'abc' }).passed).toBe(true)
    expect(check('body', { body: 'abc' }, { body: 'abd' }).passed).toBe(false)
  })
})

describe('MatcherRegistry', () => {
  it('takes a user matcher that returns false or throws its reason', () => {
    const own = new MatcherRegistry()
    own.register('same_header', (r1, r2) => r1.headers.get('x-id') === r2.headers.get('x-id'))
    own.register('loud', () => {
      throw new Error('ids differ')
    })
    const [sameHeader, loud] = own.resolve(['same_header', 'loud'])
    expect(runMatcher(sameHeader!, request({ headers: { 'x-id': '1' } }), request({ headers: { 'x-id': '2' } }))).toEqual({
      name: 'same_header',
      passed: false,
      reason: 'the matcher returned false',
    })
    expect(runMatcher(loud!, request({}), request({})).reason).toBe('ids differ')
  })

  it('fails at once on an unknown name, listing the known ones', () => {
    const error = (() => {
      try {
        registry.resolve(['method', 'bogus'])
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect((error as Error).message).toContain("Unknown matcher 'bogus'")
    expect((error as Error).message).toContain('method, uri, url, scheme, host, port, path, query, headers, raw_body, body')
  })
})
