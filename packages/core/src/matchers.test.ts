import { describe, expect, it, vi } from 'vitest'
import { InvalidOptionError } from './errors.js'
import { BUILT_IN_MATCHERS, BUILT_INS, matches, MatcherRegistry, runMatcher } from './matchers.js'
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

  it("query's reason lists the pairs sorted and encoded as a query string, so values holding & = + stay apart", () => {
    expect(check('query', { url: 'http://h.test/?b=x%20y&a=%3D%26' }, { url: 'http://h.test/?a=%3D%26&b=x%2Bz' }).reason).toBe("'a=%3D%26&b=x+y' != 'a=%3D%26&b=x%2Bz'")
    expect(check('query', { url: 'http://h.test/?%C3%A9=%00~' }, { url: 'http://h.test/?%C3%A9=%00~' }).passed).toBe(true)
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

  // vcrpy tests/unit/test_matchers.py test_body_matcher_does_match / test_body_match_does_not_match.
  const XMLRPC_1 =
    "<?xml version='1.0'?><methodCall><methodName>test</methodName><params><param><value><array><data><value><struct>" +
    '<member><name>a</name><value><string>1</string></value></member><member><name>b</name><value><string>2</string></value></member>' +
    '</struct></value></data></array></value></param></params></methodCall>'
  const XMLRPC_2 =
    "<?xml version='1.0'?><methodCall><methodName>test</methodName><params><param><value><array><data><value><struct>" +
    '<member><name>b</name><value><string>2</string></value></member><member><name>a</name><value><string>1</string></value></member>' +
    '</struct></value></data></array></value></param></params></methodCall>'

  it('body compares XML-RPC calls parsed when both are XML-RPC (text/xml from an xmlrpc User-Agent), as Python reads them', () => {
    const xmlrpc = (agent: string) => ({ 'Content-Type': 'text/xml', 'User-Agent': agent })
    expect(check('body', { headers: xmlrpc('xmlrpclib'), body: XMLRPC_1 }, { headers: xmlrpc('somexmlrpc'), body: XMLRPC_2 }).passed).toBe(true)
    // Without the User-Agent it is plain XML: bytes.
    expect(check('body', { headers: { 'Content-Type': 'text/xml' }, body: XMLRPC_1 }, { headers: { 'content-type': 'text/xml' }, body: XMLRPC_2 }).passed).toBe(false)
    const spaced = '<?xml version="1.0"?>\n<methodCall>\n <methodName>test</methodName>\n <params>\n  <param><value><array><data>\n   <value><struct>\n' +
      '    <member><name>b</name><value>2</value></member>\n    <member><name>a</name><value><string>1</string></value></member>\n' +
      '   </struct></value>\n  </data></array></value></param>\n </params>\n</methodCall>\n'
    expect(check('body', { headers: xmlrpc('xmlrpclib'), body: XMLRPC_1 }, { headers: xmlrpc('xmlrpclib'), body: spaced }).passed).toBe(true)
    const other = XMLRPC_2.replace('<string>2</string>', '<int>2</int>')
    expect(check('body', { headers: xmlrpc('xmlrpclib'), body: XMLRPC_1 }, { headers: xmlrpc('xmlrpclib'), body: other }).passed).toBe(false)
  })

  it('body compares bytes when the two requests parse differently (Content-Types differ or one has none), as vcrpy does', () => {
    const json = { 'Content-Type': 'application/json' }
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' }
    // axios sends a string body as form-urlencoded; the cassette recorded it as JSON, or holds no headers (Ruby VCR).
    expect(check('body', { headers: form, body: '{"a":1}' }, { headers: json, body: '{"a":1}' }).passed).toBe(true)
    expect(check('body', { headers: form, body: '{"a":1}' }, { body: '{"a":1}' }).passed).toBe(true)
    expect(check('body', { headers: form, body: '{"a":1}' }, { headers: json, body: '{ "a": 1 }' }).passed).toBe(false)
    // No Content-Type on either side: bytes, so JSON key order matters.
    expect(check('body', { body: '{"a": 1, "b": 2}' }, { body: '{"b": 2, "a": 1}' }).passed).toBe(false)
  })

  it('body de-chunks a request sent with Transfer-Encoding: chunked, which older vcrpy stored chunk-encoded', () => {
    const chunked = { 'Transfer-Encoding': 'chunked' }
    expect(check('body', { headers: chunked, body: '123456789_123456' }, { headers: chunked, body: '10\r\n123456789_123456\r\n0\r\n\r\n' }).passed).toBe(true)
    expect(check('body', { headers: chunked, body: '5\r\nabc' }, { headers: chunked, body: '5\r\nabc' }).passed).toBe(false)
  })

  it('body falls back to bytes for other content', () => {
    expect(check('body', { body: 'abc' }, { body: 'abc' }).passed).toBe(true)
    expect(check('body', { body: 'abc' }, { body: 'abd' }).passed).toBe(false)
  })
})

describe('the query key', () => {
  it.each([
    ['?b=2&a=1&a=0', 'a=0&a=1&b=2'],
    ['?z&y=', 'y=&z='],
    ['?word=a.b-c_d*e', 'word=a.b-c_d*e'],
    ['?s=a+b&t=%2F&u=~!', 's=a+b&t=%2F&u=%7E%21'],
    ['?é=東京', '%C3%A9=%E6%9D%B1%E4%BA%AC'],
  ])('of %s is its sorted pairs as URLSearchParams writes them: %s', (search, key) => {
    const recorded = request({ url: `http://h.test/p${search}` })
    expect(BUILT_INS.query.key(recorded)).toBe(key)
    expect(BUILT_INS.query.key(recorded)).toBe(new URLSearchParams(recorded.query.map(([name, value]): [string, string] => [name, value]).sort()).toString())
  })
})

describe('index keys of the built-in matchers', () => {
  const json = { 'content-type': 'application/json' }
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  const multipart = (boundary: string) => ({
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: `--${boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--${boundary}--\r\n`,
  })
  const long = 'x'.repeat(5000)
  // [matcher, a, b, whether the matcher accepts the pair]
  const pairs: [string, Partial<RequestInit>, Partial<RequestInit>, boolean][] = [
    ['method', { method: 'GET' }, { method: 'get' }, true],
    ['method', { method: 'GET' }, { method: 'POST' }, false],
    ['query', { url: 'http://h.test/?a=1&b=2' }, { url: 'http://h.test/?b=2&a=1' }, true],
    ['query', { url: 'http://h.test/?a=1&a=1' }, { url: 'http://h.test/?a=1' }, false],
    ['query', { url: 'http://h.test/?a=%26b%3D' }, { url: 'http://h.test/?a=&b=' }, false],
    ['query', { url: 'http://h.test/?a=%2B' }, { url: 'http://h.test/?a=+' }, false],
    ['query', { url: 'http://h.test/?a=+' }, { url: 'http://h.test/?a=%20' }, true],
    ['headers', { headers: [['X-A', '1'], ['B', '2']] }, { headers: [['b', '2'], ['x-a', '1']] }, true],
    ['headers', { headers: [['X-A', '1'], ['x-a', '2']] }, { headers: [['x-a', '2'], ['X-A', '1']] }, false],
    ['headers', { headers: { 'X-A': long } }, { headers: { 'x-a': long } }, true],
    ['headers', { headers: { 'X-A': long } }, { headers: { 'x-a': `${long}y` } }, false],
    ['headers', { headers: { a: '1' } }, { headers: { a: '1', b: '' } }, false],
    ['raw_body', { body: null }, { body: '' }, true],
    ['raw_body', { body: long }, { body: long }, true],
    ['raw_body', { body: long }, { body: `${long}!` }, false],
    ['raw_body', { body: 'a\u0000b' }, { body: 'a\u0000c' }, false],
    ['body', { headers: json, body: '{"a":1,"b":[1,{"c":2,"d":3}]}' }, { headers: json, body: '{ "b": [1, {"d": 3, "c": 2}], "a": 1 }' }, true],
    ['body', { headers: json, body: `{"a":1,"long":"${long}"}` }, { headers: json, body: `{"long":"${long}","a":1}` }, true],
    ['body', { headers: json, body: '{"a":[1,2]}' }, { headers: json, body: '{"a":[2,1]}' }, false],
    ['body', { headers: json, body: '{"a":0}' }, { headers: json, body: '{"a":-0}' }, false],
    ['body', { headers: json, body: '{"a":1.0}' }, { headers: json, body: '{"a":1}' }, true],
    ['body', { headers: json, body: '{"a":"1"}' }, { headers: json, body: '{"a":1}' }, false],
    ['body', { headers: json, body: '[1]' }, { headers: json, body: '{"0":1}' }, false],
    // vcrpy: the two parse differently (one has no Content-Type, as in a Ruby cassette), so the bytes compare.
    ['body', { headers: json, body: '{"a":1}' }, { body: '{"a":1}' }, true],
    ['body', { headers: json, body: '{"a":1}' }, { body: '{ "a": 1 }' }, false],
    ['body', { headers: form, body: '{"a":1}' }, { headers: json, body: '{"a":1}' }, true],
    ['body', { headers: json, body: 'not json' }, { body: 'not json' }, true],
    ['body', { headers: form, body: 'a=1&b=x+y' }, { headers: form, body: 'b=x%20y&a=1' }, true],
    ['body', { headers: form, body: 'a=1&a=2' }, { headers: form, body: 'a=2&a=1' }, false],
    ['body', { headers: form, body: '__proto__=1' }, { headers: form, body: '__proto__=1' }, true],
    ['body', multipart('----abc123'), multipart('----xyz789'), true],
    ['body', { body: long }, { body: long }, true],
    ['body', { body: 'abc' }, { body: 'abd' }, false],
  ]

  it.each(pairs)('%s: %j and %j have the same key exactly when the matcher accepts them (body: whenever) (%s)', (name, a, b, accepted) => {
    const [matcher] = registry.resolve([name])
    expect(matches(matcher!, request(a), request(b))).toBe(accepted)
    const keys = [matcher!.key!(request(a)), matcher!.key!(request(b))]
    // body's key only narrows the candidates (no exact key captures vcrpy's rule): equal whenever the bodies match.
    if (name === 'body') {
      if (accepted) expect(keys[0]).toBe(keys[1])
    } else {
      expect(keys[0] === keys[1]).toBe(accepted)
    }
  })

  it("body's key keeps JSON bodies apart, whatever their Content-Type, so one endpoint's requests are not scanned", () => {
    const [body] = registry.resolve(['body'])
    const key = (init: Partial<RequestInit>) => body!.key!(request(init))
    expect(key({ headers: json, body: '{"q":1}' })).not.toBe(key({ headers: json, body: '{"q":2}' }))
    expect(key({ headers: json, body: '{"q":1}' })).toBe(key({ headers: form, body: '{ "q": 1 }' }))
  })

  it('every built-in has a key that decides alone (but body, whose key narrows), and long canonical forms are digested into short keys', () => {
    for (const name of BUILT_IN_MATCHERS) {
      const [matcher] = registry.resolve([name])
      expect(typeof matcher!.key).toBe('function')
      expect(matcher!.exact).toBe(name !== 'body')
    }
    const [body] = registry.resolve(['body'])
    expect(body!.key!(request({ headers: json, body: `{"long":"${long}"}` })).length).toBeLessThan(40)
    expect(body!.key!(request({ body: 'a\u0000b' }))).not.toContain('\u0000')
  })

  it('the headers reason names only the headers that differ and never shows a credential', () => {
    const reason = runMatcher(
      registry.resolve(['headers'])[0]!,
      request({ headers: { Accept: 'text/html', Authorization: 'Bearer live-secret', 'X-Same': '1' } }),
      request({ headers: { accept: 'application/json', authorization: 'Bearer recorded-secret', 'x-same': '1' } }),
    ).reason
    expect(reason).toBe(
      `accept: ["text/html"] != ["application/json"]; authorization: ["<redacted>"] != ["<redacted>"] (values differ)`,
    )
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

  it('takes a key for a user matcher, digested, and the matcher still decides within a bucket', () => {
    const own = new MatcherRegistry()
    const operation = (r: Request) => Buffer.from(r.body ?? '').toString()
    own.register('operation', (r1, r2) => operation(r1) === operation(r2), { key: operation })
    const [matcher] = own.resolve(['operation'])
    expect(matcher!.key!(request({ body: 'getUser' }))).toBe('=getUser')
    expect(matcher!.exact).toBe(false)
    expect(own.resolve(['method'])[0]!.exact).toBe(true)
  })

  it('a key that throws is a typed error naming the matcher and the request, without credentials', () => {
    const own = new MatcherRegistry()
    own.register('op', () => true, {
      key: () => {
        throw new SyntaxError('Unexpected end of JSON input')
      },
    })
    const [op] = own.resolve(['op'])
    const error = (() => {
      try {
        op!.key!(request({ url: 'http://user:pw@h.test/p' }))
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect((error as Error).message).toBe(
      "The key of matcher 'op' threw for GET http://h.test/p: Unexpected end of JSON input. A key must return a string for every request (vcrjs computes it for each recorded and each live request).",
    )
  })

  it.each([
    [{ key: 'r.url' }, "registerMatcher('k', fn, { key }) needs key to be a function (request) => string"],
    [null, "registerMatcher('k', fn, options) needs options to be an object: { key }"],
  ])('rejects a key that is not a function: %j', (options, message) => {
    const own = new MatcherRegistry()
    const error = (() => {
      try {
        own.register('k', () => true, options as never)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect((error as Error).message).toBe(message)
  })

  it('matches() treats a throw as a mismatch without reading its message; runMatcher reads it for the error', () => {
    let messageReads = 0
    const failure = Object.create(Error.prototype, {
      message: {
        get: () => {
          messageReads++
          return 'ids differ'
        },
      },
    }) as Error
    const own = new MatcherRegistry()
    own.register('loud', () => {
      throw failure
    })
    const [loud] = own.resolve(['loud'])
    expect(matches(loud!, request({}), request({}))).toBe(false)
    expect(messageReads).toBe(0)
    expect(runMatcher(loud!, request({}), request({})).reason).toBe('ids differ')
    expect(messageReads).toBe(1)
  })

  it("a built-in's reason is built only when runMatcher is asked for it, and only for a mismatch", () => {
    const explain = vi.spyOn(BUILT_INS.path, 'explain')
    try {
      const [path] = new MatcherRegistry().resolve(['path'])
      const a = request({ url: 'http://h.test/a' })
      const b = request({ url: 'http://h.test/b' })
      expect(matches(path!, a, b)).toBe(false)
      expect(runMatcher(path!, a, a)).toEqual({ name: 'path', passed: true })
      expect(explain).not.toHaveBeenCalled()
      expect(runMatcher(path!, a, b).reason).toBe("'/a' != '/b'")
      expect(explain).toHaveBeenCalledTimes(1)
    } finally {
      explain.mockRestore()
    }
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
