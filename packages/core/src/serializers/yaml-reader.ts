/**
 * A fast reader for exactly the YAML that vcrjs's emitter writes (yaml.ts):
 * block mappings and sequences indented the PyYAML way, one-line plain,
 * single- and double-quoted scalars, `!!binary |` blocks, `[]`, `{}` and
 * one-line lists of integers (`[14, 150]`).
 * That is nearly every cassette vcrjs loads, and this reads one several times
 * faster than a general YAML parser, with fresh objects that do not hold on to
 * the parser's state. It gives up, returning `undefined`, at the first thing
 * outside that subset (a comment, a folded or multi-line scalar, a tag, an
 * anchor, a flow collection, a tab, a plain scalar whose type it would have to
 * guess), and the caller then reads the file with js-yaml, so what it returns
 * is always what js-yaml would return under the cassette schema (yaml-schema.ts:
 * YAML 1.1 as the peers write it, where `true` is a string like any word).
 */
export function readEmittedYaml(text: string): { value: unknown } | undefined {
  if (text.length === 0 || !text.endsWith('\n')) return undefined
  if (!PRINTABLE_ASCII.test(text) && OUTSIDE_SUBSET.test(text)) return undefined
  try {
    const reader = new Reader(text)
    const value = reader.mapping(0, 0)
    return reader.atEnd() ? { value } : undefined
  } catch (error) {
    if (error === GIVE_UP) return undefined
    throw error
  }
}

// What js-yaml refuses or treats specially anywhere in a document (its own
// check), plus what the emitter never writes raw: tabs, CR, NEL, LS, PS, BOM.
const OUTSIDE_SUBSET = /[\x00-\x09\x0B-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/

// The common case, checked first because it is several times cheaper: printable ASCII and newlines only.
const PRINTABLE_ASCII = /^[\n\x20-\x7e]*$/

const GIVE_UP = Symbol('outside the emitted subset')

function giveUp(): never {
  throw GIVE_UP
}

const SPACE = 0x20
const NEWLINE = 0x0a
const DASH = 0x2d
const COLON = 0x3a
const SINGLE_QUOTE = 0x27
const DOUBLE_QUOTE = 0x22

// The plain scalars the emitter writes as strings: printable ASCII starting
// with a letter, without ` #` (a comment) or `: ` (a key), not ending in a
// space or a colon; `isPlainString` also rules out the words YAML reads as null or booleans.
const PLAIN_STRING = /^(?!.*(?: #|: ))[A-Za-z](?:[\x20-\x7e]*[\x21-\x39\x3b-\x7e])?$/
const INTEGER = /^-?(?:0|[1-9][0-9]{0,14})$/
// What the emitter writes for a list of integers (a stream's chunk pairs).
const INTEGER_LIST = /^\[-?(?:0|[1-9][0-9]{0,14})(?:, -?(?:0|[1-9][0-9]{0,14}))*\]$/
const BASE64_LINE = /^[A-Za-z0-9+/]+=*$/
const CANONICAL_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const YAML_NULL = new Set(['null', 'Null', 'NULL'])

class Reader {
  readonly #text: string
  /** Start of the line being read, and of its newline. */
  #line = 0
  #end: number
  #afterKey = 0
  readonly #plainKeys = new Set<string>()

  constructor(text: string) {
    this.#text = text
    this.#end = text.indexOf('\n')
  }

  atEnd(): boolean {
    return this.#line >= this.#text.length
  }

  /**
   * A block mapping whose keys sit at column `indent`. The first key may
   * start further along its line (`first`), after a sequence item's `- `.
   */
  mapping(indent: number, first: number): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    let at = first
    for (;;) {
      const key = this.#key(at)
      if (key === '__proto__' || Object.hasOwn(out, key)) giveUp()
      out[key] = this.#valueAfterKey(this.#afterKey, indent)
      if (this.atEnd()) break
      const next = this.#indentOf(this.#line)
      if (next < indent) break
      if (next > indent || this.#text.charCodeAt(this.#line + next) === DASH) giveUp()
      at = this.#line + indent
    }
    return out
  }

  /** A block sequence whose dashes sit at column `indent`; the current line is its first item. */
  #sequence(indent: number): unknown[] {
    const out: unknown[] = []
    for (;;) {
      out.push(this.#item(indent))
      if (this.atEnd()) break
      const next = this.#indentOf(this.#line)
      if (next > indent) giveUp()
      // A sequence under a key ends at the next key, which sits at the dashes' column.
      if (next < indent || this.#text.charCodeAt(this.#line + next) !== DASH) break
    }
    // `push` leaves room for more; a cassette keeps hundreds of thousands of
    // short lists (header values), so each is cut to its size.
    return out.slice()
  }

  #item(indent: number): unknown {
    const text = this.#text
    const dash = this.#line + indent
    const end = this.#lineEnd()
    if (dash + 1 === end) {
      // A bare `-`: the item is a sequence on the next lines, two columns in.
      this.#nextLine(end)
      if (this.atEnd() || this.#indentOf(this.#line) !== indent + 2 || text.charCodeAt(this.#line + indent + 2) !== DASH) giveUp()
      return this.#sequence(indent + 2)
    }
    if (text.charCodeAt(dash + 1) !== SPACE) giveUp()
    const start = dash + 2
    if (this.#startsMapping(start, end)) return this.mapping(indent + 2, start)
    return this.#inlineValue(start, end, indent)
  }

  /** Whether a sequence item's content is a `key: value` pair rather than a scalar. */
  #startsMapping(start: number, end: number): boolean {
    const text = this.#text
    const first = text.charCodeAt(start)
    if (first === SINGLE_QUOTE || first === DOUBLE_QUOTE) {
      const close = this.#quotedEnd(start, end)
      return close < end && text.charCodeAt(close) === COLON
    }
    const spaced = text.indexOf(': ', start)
    return (spaced !== -1 && spaced < end) || text.charCodeAt(end - 1) === COLON
  }

  /** The key at `at`; `#afterKey` is left just after its colon. */
  #key(at: number): string {
    const text = this.#text
    const end = this.#lineEnd()
    const first = text.charCodeAt(at)
    if (first === SINGLE_QUOTE || first === DOUBLE_QUOTE) {
      const close = this.#quotedEnd(at, end)
      if (text.charCodeAt(close) !== COLON || (close + 1 !== end && text.charCodeAt(close + 1) !== SPACE)) giveUp()
      this.#afterKey = close + 1
      return this.#quoted(at, close)
    }
    // A plain key ends at the first `: `, or at a colon that ends the line; it may hold other colons (a URL).
    const spaced = text.indexOf(': ', at)
    const colon = spaced !== -1 && spaced < end ? spaced : text.charCodeAt(end - 1) === COLON ? end - 1 : giveUp()
    this.#afterKey = colon + 1
    const key = text.slice(at, colon)
    // A cassette repeats a handful of keys; each is checked once.
    if (!this.#plainKeys.has(key)) {
      if (!isPlainString(key)) giveUp()
      this.#plainKeys.add(key)
    }
    return key
  }

  /** The value after `key:`: on the same line, or the block on the following lines. */
  #valueAfterKey(afterKey: number, indent: number): unknown {
    const end = this.#lineEnd()
    if (afterKey === end) {
      this.#nextLine(end)
      if (this.atEnd()) giveUp()
      const next = this.#indentOf(this.#line)
      const dash = this.#text.charCodeAt(this.#line + next) === DASH
      // Sequences under a key are not indented (PyYAML's style); mappings are, by two.
      if (next === indent && dash) return this.#sequence(indent)
      if (next === indent + 2 && !dash) return this.mapping(indent + 2, this.#line + indent + 2)
      giveUp()
    }
    if (this.#text.charCodeAt(afterKey) !== SPACE) giveUp()
    return this.#inlineValue(afterKey + 1, end, indent)
  }

  /** A value that starts on the current line at `start`: a scalar, `[]`, `{}` or a `!!binary |` block. */
  #inlineValue(start: number, end: number, indent: number): unknown {
    const text = this.#text
    const first = text.charCodeAt(start)
    let value: unknown
    if (first === SINGLE_QUOTE || first === DOUBLE_QUOTE) {
      const close = this.#quotedEnd(start, end)
      if (close !== end) giveUp()
      value = this.#quoted(start, close)
    } else {
      const raw = text.slice(start, end)
      if (raw === '!!binary |') {
        this.#nextLine(end)
        return this.#binary(indent + 2)
      }
      value = plain(raw)
    }
    this.#nextLine(end)
    return value
  }

  /**
   * The base64 lines of a `!!binary |` block, at column `indent`, as the
   * emitter writes them: whole quads on every line, padding only on the last.
   * Read twice: once to check the lines and size the bytes, once to decode
   * each line into them. Joining a large body's lines into one string and
   * decoding that took several times as long (#15).
   */
  #binary(indent: number): Uint8Array {
    const text = this.#text
    const first = { line: this.#line, end: this.#end }
    let lines = 0
    let size = 0
    let padded = false
    while (!this.atEnd() && this.#indentOf(this.#line) >= indent) {
      if (this.#indentOf(this.#line) !== indent) giveUp()
      const end = this.#lineEnd()
      const line = text.slice(this.#line + indent, end)
      // Anything else (a line of partial quads, padding mid-block) is js-yaml's to judge.
      if (padded || line.length % 4 !== 0 || !BASE64_LINE.test(line)) giveUp()
      padded = line.endsWith('=')
      if (padded && !CANONICAL_BASE64.test(line)) giveUp()
      size += (line.length / 4) * 3
      lines++
      this.#nextLine(end)
    }
    // js-yaml reads an empty block against what follows it; the emitter never writes one (empty bodies are text).
    if (lines === 0) giveUp()
    const after = { line: this.#line, end: this.#end }
    this.#line = first.line
    this.#end = first.end
    const bytes = Buffer.allocUnsafeSlow(size)
    let length = 0
    for (let read = 0; read < lines; read++) {
      const end = this.#lineEnd()
      length += bytes.write(text.slice(this.#line + indent, end), length, 'base64')
      this.#nextLine(end)
    }
    this.#line = after.line
    this.#end = after.end
    return new Uint8Array(bytes.buffer, bytes.byteOffset, length)
  }

  /** The position just after the closing quote of the scalar opening at `start`, which must close on its line. */
  #quotedEnd(start: number, end: number): number {
    const text = this.#text
    if (text.charCodeAt(start) === SINGLE_QUOTE) {
      let at = start + 1
      for (;;) {
        const quote = text.indexOf("'", at)
        if (quote === -1 || quote >= end) giveUp()
        if (text.charCodeAt(quote + 1) !== SINGLE_QUOTE) return quote + 1
        at = quote + 2
      }
    }
    let at = start + 1
    for (;;) {
      const quote = text.indexOf('"', at)
      if (quote === -1 || quote >= end) giveUp()
      let backslashes = 0
      while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++
      if (backslashes % 2 === 0) return quote + 1
      at = quote + 1
    }
  }

  /** The value of the quoted scalar from `start` to just after its closing quote. */
  #quoted(start: number, close: number): string {
    const inner = this.#text.slice(start + 1, close - 1)
    if (this.#text.charCodeAt(start) === SINGLE_QUOTE) return inner.includes("''") ? inner.replaceAll("''", "'") : inner
    if (!inner.includes('\\')) return inner
    // The emitter writes JSON's escapes plus `\xNN`; any other YAML escape is left to js-yaml.
    let json = ''
    let from = 0
    for (const match of inner.matchAll(/\\(.)/g)) {
      const escape = match[1]!
      if (escape === 'x') {
        const hex = inner.slice(match.index + 2, match.index + 4)
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) giveUp()
        json += `${inner.slice(from, match.index)}\\u00${hex}`
        from = match.index + 4
      } else if (!'"\\/bfnrtu'.includes(escape)) {
        giveUp()
      }
    }
    json += inner.slice(from)
    try {
      return JSON.parse(`"${json}"`) as string
    } catch {
      return giveUp()
    }
  }

  #indentOf(line: number): number {
    const text = this.#text
    let at = line
    while (text.charCodeAt(at) === SPACE) at++
    // A blank line, or one of spaces only, is not something the emitter writes.
    if (text.charCodeAt(at) === NEWLINE) giveUp()
    return at - line
  }

  #lineEnd(): number {
    return this.#end
  }

  #nextLine(end: number): void {
    this.#line = end + 1
    this.#end = this.#text.indexOf('\n', this.#line)
  }
}

/** A one-line plain scalar, typed as the cassette schema types it, or a give-up when that takes guessing. */
function plain(raw: string): unknown {
  if (raw === '[]') return []
  if (raw === '{}') return {}
  if (INTEGER_LIST.test(raw)) return raw.slice(1, -1).split(', ').map(Number)
  if (YAML_NULL.has(raw)) return null
  if (INTEGER.test(raw)) return Number(raw)
  if (PLAIN_STRING.test(raw)) return raw
  return giveUp()
}

function isPlainString(raw: string): boolean {
  return PLAIN_STRING.test(raw) && !YAML_NULL.has(raw)
}
