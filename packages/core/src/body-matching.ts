import type { Request } from './request.js'

/**
 * vcrpy's `body` matcher (vcrpy 8.x vcr/matchers.py `body`): each request's
 * Content-Type (and, for XML-RPC, User-Agent) says how its body parses; when
 * both requests parse the same way their parsed bodies are compared, so key
 * order, spacing and encoding details do not matter; when they do not (axios
 * sends a string as form-urlencoded, a Ruby VCR cassette may hold no headers)
 * the bytes are. Multipart bodies, which vcrpy compares as bytes, compare
 * with their random boundary normalised.
 */
export function bodiesMatch(r1: Request, r2: Request): boolean {
  const a = viewOf(r1)
  const b = viewOf(r2)
  if (a.kind !== b.kind) return bodyText(r1.body) === bodyText(r2.body)
  return a.canonical !== undefined && a.canonical === b.canonical
}

/** The reason two bodies differ, for the no-match error only. */
export function explainBodies(r1: Request, r2: Request): string {
  const a = viewOf(r1)
  const b = viewOf(r2)
  if (a.kind !== b.kind) return `${a.kind} body != ${b.kind} body, compared as bytes: ${show(bodyText(r1.body))} != ${show(bodyText(r2.body))}`
  return `${show(a.canonical ?? 'malformed chunked data')} != ${show(b.canonical ?? 'malformed chunked data')}`
}

function show(text: string): string {
  return `'${text}'`
}

/**
 * The index key of `body`: equal for every two bodies `bodiesMatch` accepts,
 * which no exact key can be (a form body matches a JSON one with the same
 * bytes, and a JSON one with other spacing), so the matcher still decides
 * among the candidates. Whatever the Content-Type, a body that is JSON is
 * keyed by its canonical form, so a GraphQL or LLM endpoint's bodies fall in
 * buckets of their own; every other body shares one. (Missed, knowingly: a
 * form-urlencoded body that is also a JSON literal and matches another only
 * as a form, such as `"a+b"` and `"a b"`.)
 */
export function bodyKey(request: Request): string {
  return viewOf(request).key
}

type BodyKind = 'json' | 'form' | 'multipart' | 'xmlrpc' | 'bytes'

interface BodyView {
  /** How the body parses, with `+chunked` when it is de-chunked first. */
  readonly kind: string
  /** The parsed body as one string, equal exactly when two bodies of this kind match; undefined for malformed chunked data. */
  readonly canonical: string | undefined
  readonly key: string
}

// A recorded request is viewed once, however many live requests it is compared with.
const views = new WeakMap<Request, BodyView>()

function viewOf(request: Request): BodyView {
  let view = views.get(request)
  if (view === undefined) {
    const kind = bodyKind(request)
    const chunked = /chunked/i.test(request.headers.get('transfer-encoding') ?? '')
    const text = chunked ? dechunk(bodyText(request.body)) : bodyText(request.body)
    view = { kind: chunked ? `${kind}+chunked` : kind, canonical: text === undefined ? undefined : canonical(request, kind, text), key: keyOf(text) }
    views.set(request, view)
  }
  return view
}

function keyOf(text: string | undefined): string {
  if (text === undefined) return '*'
  if (text === '') return 'json:null'
  try {
    return `json:${canonicalJson(JSON.parse(utf8(text)))}`
  } catch {
    return '*'
  }
}

function bodyKind(request: Request): BodyKind {
  const contentType = request.headers.get('content-type') ?? ''
  if (/application\/x-www-form-urlencoded/i.test(contentType)) return 'form'
  if (/json/i.test(contentType)) return 'json'
  if (MULTIPART.test(contentType)) return 'multipart'
  if (/text\/xml/i.test(contentType) && /xmlrpc/i.test(request.headers.get('user-agent') ?? '')) return 'xmlrpc'
  return 'bytes'
}

const MULTIPART = /multipart\/[^;]+;.*boundary="?([^";]+)"?/i

/** Empty and absent bodies are the same body: Ruby VCR writes `''` where vcrpy writes `null`. */
export function bodyText(body: Uint8Array | null): string {
  return body === null ? '' : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1')
}

function utf8(text: string): string {
  return Buffer.from(text, 'latin1').toString('utf8')
}

/**
 * The payload of a chunk-encoded body (vcrpy's `_dechunk`: older vcrpy stored
 * a request sent with `Transfer-Encoding: chunked` chunk-encoded); the body
 * itself when it does not start as chunked data; `undefined` when it is
 * malformed (vcrpy raises, which fails the match).
 */
function dechunk(text: string): string | undefined {
  const chunks: string[] = []
  let at = 0
  for (;;) {
    const size = /^[0-9a-fA-F]+\r\n/.exec(text.slice(at, at + 20))
    if (!size) return at === 0 ? text : undefined
    const length = Number.parseInt(size[0], 16)
    if (length === 0) return chunks.join('')
    const start = at + size[0].length
    if (text.slice(start + length, start + length + 2) !== '\r\n') return undefined
    chunks.push(text.slice(start, start + length))
    at = start + length + 2
  }
}

function canonical(request: Request, kind: BodyKind, text: string): string {
  switch (kind) {
    case 'json':
      try {
        return `json:${text === '' ? 'null' : canonicalJson(JSON.parse(utf8(text)))}`
      } catch {
        return `bytes:${text}`
      }
    case 'form': {
      // No prototype: a field may be called `__proto__`.
      const form = Object.create(null) as Record<string, string[]>
      for (const [name, value] of new URLSearchParams(utf8(text))) (form[name] ??= []).push(value)
      return `form:${canonicalJson(form)}`
    }
    case 'multipart': {
      // Clients draw a random boundary per request; two bodies with the same parts must still match.
      const boundary = MULTIPART.exec(request.headers.get('content-type') ?? '')![1]!
      return `multipart:${text.replaceAll(boundary, '<boundary>')}`
    }
    case 'xmlrpc': {
      const call = xmlRpcCall(utf8(text))
      return call === undefined ? `bytes:${text}` : `xmlrpc:${canonicalJson(call)}`
    }
    case 'bytes':
      return `bytes:${text}`
  }
}

/**
 * One string per value, equal exactly when `util.isDeepStrictEqual` holds for
 * parsed bodies: object keys sorted, array order kept, `-0` told from `0`.
 */
function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) return 'null'
      if (Array.isArray(value)) {
        let out = '['
        for (let at = 0; at < value.length; at++) out += at === 0 ? canonicalJson(value[at]) : `,${canonicalJson(value[at])}`
        return `${out}]`
      }
      const record = value as Record<string, unknown>
      const names = Object.keys(record)
      if (names.length > 1) names.sort()
      let out = '{'
      for (let at = 0; at < names.length; at++) out += `${at === 0 ? '' : ','}${JSON.stringify(names[at])}:${canonicalJson(record[names[at]!])}`
      return `${out}}`
    }
    default:
      return String(value)
  }
}

/**
 * An XML-RPC call as Python's `xmlrpc.client.loads` reads it: the method name
 * and the parameter values, whatever the spacing and however a value is
 * spelled (`<value>x</value>` is `<string>x</string>`, `<i4>` is `<int>`).
 * `undefined` when the body is not a well-formed call.
 */
export function xmlRpcCall(xml: string): { method: string; params: unknown[] } | undefined {
  const tokens = [...xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([A-Za-z0-9_.:-]+)\s*(\/?)>|([^<]+)/g)]
  let at = 0
  const text = () => {
    const token = tokens[at]
    if (token?.[4] === undefined) return ''
    at++
    return unescapeXml(token[4])
  }
  const skipSpace = () => {
    while (tokens[at]?.[4] !== undefined && tokens[at]![4]!.trim() === '') at++
  }
  const open = (name?: string): string => {
    skipSpace()
    const token = tokens[at]
    if (!token || token[2] === undefined || token[1] === '/' || (name !== undefined && token[2] !== name)) throw SYNTAX
    at++
    return token[3] === '/' ? `${token[2]}/` : token[2]
  }
  const close = (name: string) => {
    skipSpace()
    const token = tokens[at]
    if (!token || token[1] !== '/' || token[2] !== name) throw SYNTAX
    at++
  }
  const peekClose = (name: string) => {
    skipSpace()
    const token = tokens[at]
    return token !== undefined && token[1] === '/' && token[2] === name
  }
  const value = (): unknown => {
    open('value')
    const token = tokens[at]
    // `<value>text</value>` without a type is a string, spaces included.
    if (token?.[4] !== undefined && tokens[at + 1]?.[1] === '/') {
      const result = text()
      close('value')
      return result
    }
    if (peekClose('value')) {
      close('value')
      return ''
    }
    const type = open()
    let result: unknown
    if (type.endsWith('/')) {
      result = type === 'nil/' ? null : type === 'string/' ? '' : SYNTAX_VALUE
    } else if (type === 'struct') {
      const members: Record<string, unknown> = {}
      while (!peekClose('struct')) {
        open('member')
        open('name')
        const name = text()
        close('name')
        members[name] = value()
        close('member')
      }
      close('struct')
      result = members
    } else if (type === 'array') {
      open('data')
      const items: unknown[] = []
      while (!peekClose('data')) items.push(value())
      close('data')
      close('array')
      result = items
    } else {
      const raw = text()
      close(type)
      result = scalar(type, raw)
    }
    if (result === SYNTAX_VALUE) throw SYNTAX
    close('value')
    return result
  }
  try {
    open('methodCall')
    open('methodName')
    const method = text().trim()
    close('methodName')
    const params: unknown[] = []
    skipSpace()
    if (tokens[at]?.[2] === 'params' && tokens[at]![3] !== '/') {
      open('params')
      while (!peekClose('params')) {
        open('param')
        params.push(value())
        close('param')
      }
      close('params')
    } else if (tokens[at]?.[2] === 'params') {
      at++
    }
    close('methodCall')
    skipSpace()
    return at === tokens.length ? { method, params } : undefined
  } catch (error) {
    if (error === SYNTAX) return undefined
    throw error
  }
}

const SYNTAX = Symbol('not an XML-RPC call')
const SYNTAX_VALUE = Symbol('not an XML-RPC value')

function scalar(type: string, raw: string): unknown {
  switch (type) {
    case 'int':
    case 'i4':
    case 'i8':
      return /^\s*[-+]?\d+\s*$/.test(raw) ? { int: BigInt(raw.trim()).toString() } : SYNTAX_VALUE
    case 'double':
      return Number.isNaN(Number(raw)) ? SYNTAX_VALUE : Number(raw)
    case 'boolean':
      return raw.trim() === '1' ? true : raw.trim() === '0' ? false : SYNTAX_VALUE
    case 'string':
      return raw
    case 'dateTime.iso8601':
      return { dateTime: raw.trim() }
    case 'base64':
      return { base64: Buffer.from(raw, 'base64').toString('base64') }
    default:
      return SYNTAX_VALUE
  }
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    switch (entity) {
      case 'lt':
        return '<'
      case 'gt':
        return '>'
      case 'amp':
        return '&'
      case 'quot':
        return '"'
      case 'apos':
        return "'"
      default:
        return String.fromCodePoint(entity[1] === 'x' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1)))
    }
  })
}
