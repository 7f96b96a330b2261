import { describe, expect, it } from 'vitest'
import { Request, redactUrl } from './request.js'

describe('Request', () => {
  it('derives every field from the URL, default ports filled in', () => {
    const request = new Request({ method: 'get', url: 'https://api.example.test/v1/users?b=2&a=1&a=0' })
    expect(request.method).toBe('GET')
    expect(request.protocol).toBe('https')
    expect(request.scheme).toBe('https')
    expect(request.host).toBe('api.example.test')
    expect(request.port).toBe(443)
    expect(request.path).toBe('/v1/users')
    expect(request.query).toEqual([
      ['b', '2'],
      ['a', '1'],
      ['a', '0'],
    ])
    expect(request.uri).toBe(request.url)
    expect(new Request({ method: 'GET', url: 'http://127.0.0.1/' }).port).toBe(80)
    expect(new Request({ method: 'GET', url: 'http://127.0.0.1:8080/' }).port).toBe(8080)
  })

  it.each([
    '?a=1&b=2',
    '?a&b=&=c&&d==e&',
    '?sp+ace=%20x&pct=%2F%zz&%C3%A9=%F0%9F%9A%80',
    '?é=東京&x=a b',
    '?a=1;b=2&c=*-._~!$\'()',
    '?',
  ])('reads the query %s as URLSearchParams reads it', (search) => {
    const url = `http://h.test/p${search}`
    expect(new Request({ method: 'GET', url }).query).toEqual([...new URL(url).searchParams])
  })

  it('keeps the body as bytes, null when absent', () => {
    expect(new Request({ method: 'GET', url: 'http://h/' }).body).toBeNull()
    expect(Buffer.from(new Request({ method: 'POST', url: 'http://h/', body: 'é' }).body!)).toEqual(Buffer.from('é'))
  })

  it('names itself without credentials', () => {
    const request = new Request({ method: 'GET', url: 'https://user:secret@h.test/path?x=1' })
    expect(String(request)).toBe('GET https://h.test/path?x=1')
    expect(redactUrl('http://h.test/')).toBe('http://h.test/')
  })

  it('names itself without the values of credential query parameters, the rest spelled as it was', () => {
    const request = new Request({ method: 'GET', url: 'https://h.test/p?q=a%20b&access_token=tok-1234&my_api_key=k-5678&page=2#top' })
    expect(String(request)).toBe('GET https://h.test/p?q=a%20b&access_token=<redacted>&my_api_key=<redacted>&page=2#top')
  })

  it('refuses URLs it cannot record, saying what it got', () => {
    expect(() => new Request({ method: 'GET', url: '/relative' })).toThrow(/absolute http\(s\) URL; got "\/relative"/)
    expect(() => new Request({ method: 'GET', url: 'ftp://h/file' })).toThrow(/http and https requests only; got ftp:/)
  })
})
