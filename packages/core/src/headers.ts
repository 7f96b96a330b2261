/** A header as it travels: its name as written and one value. */
export type HeaderEntry = readonly [name: string, value: string]

/** What vcrjs accepts wherever headers are given. */
export type HeadersInput =
  | HttpHeaders
  | Iterable<readonly [string, string]>
  | Record<string, string | readonly string[] | number | undefined | null>

/**
 * Multi-valued HTTP headers. Names are matched case-insensitively and keep the
 * spelling they arrived with; every value is kept in order, so two `Set-Cookie`
 * stay two (unlike a `Record<string, string>` or the WHATWG `Headers.get`).
 */
export class HttpHeaders implements Iterable<HeaderEntry> {
  #entries: HeaderEntry[] = []

  constructor(init?: HeadersInput) {
    if (init === undefined) return
    if (init instanceof HttpHeaders) {
      // A copy of exactly its size: a loaded cassette keeps one per request and response.
      this.#entries = init.#entries.slice()
    } else if (isIterable(init)) {
      for (const [name, value] of init) this.append(name, value)
    } else {
      for (const [name, value] of Object.entries(init)) {
        if (value === undefined || value === null) continue
        if (Array.isArray(value)) for (const item of value) this.append(name, String(item))
        else this.append(name, String(value))
      }
    }
  }

  /** Builds headers from Node's flat `rawHeaders` list `[name, value, name, value, ...]`. */
  static fromRaw(raw: readonly (string | Uint8Array)[]): HttpHeaders {
    const headers = new HttpHeaders()
    for (let i = 0; i + 1 < raw.length; i += 2) headers.append(text(raw[i]!), text(raw[i + 1]!))
    return headers
  }

  append(name: string, value: string): this {
    this.#entries.push([name, value])
    return this
  }

  /**
   * Replaces every value of `name` with `value`, keeping the position and the
   * spelling of the first (as vcrpy's HeadersDict does: a cassette keeps the
   * server's `content-length` when a filter rewrites it).
   */
  set(name: string, value: string): this {
    const key = name.toLowerCase()
    const at = this.#entries.findIndex(([n]) => n.toLowerCase() === key)
    if (at === -1) {
      this.#entries.push([name, value])
      return this
    }
    const spelling = this.#entries[at]![0]
    this.delete(name)
    this.#entries.splice(at, 0, [spelling, value])
    return this
  }

  delete(name: string): this {
    const key = name.toLowerCase()
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      if (this.#entries[i]![0].toLowerCase() === key) this.#entries.splice(i, 1)
    }
    return this
  }

  has(name: string): boolean {
    const key = name.toLowerCase()
    return this.#entries.some(([n]) => n.toLowerCase() === key)
  }

  /** The first value of `name`, or `undefined`. */
  get(name: string): string | undefined {
    const key = name.toLowerCase()
    return this.#entries.find(([n]) => n.toLowerCase() === key)?.[1]
  }

  /** Every value of `name`, in order. */
  getAll(name: string): string[] {
    const key = name.toLowerCase()
    return this.#entries.filter(([n]) => n.toLowerCase() === key).map(([, v]) => v)
  }

  get size(): number {
    return this.#entries.length
  }

  [Symbol.iterator](): Iterator<HeaderEntry> {
    return this.#entries[Symbol.iterator]()
  }

  entries(): HeaderEntry[] {
    return [...this.#entries]
  }

  /** Node's flat `rawHeaders` form. */
  toRaw(): string[] {
    return this.#entries.flatMap(([name, value]) => [name, value])
  }

  /**
   * The cassette form: name → list of values, names in first-seen order with
   * their first spelling (vcrpy and Ruby VCR both store headers this way).
   */
  toMultiMap(): Record<string, string[]> {
    // No prototype: a header named `__proto__` or `constructor` is a name like any other.
    const out: Record<string, string[]> = Object.create(null)
    const spelling = new Map<string, string>()
    for (const [name, value] of this.#entries) {
      const key = name.toLowerCase()
      let written = spelling.get(key)
      if (written === undefined) {
        written = name
        spelling.set(key, name)
        out[written] = []
      }
      out[written]!.push(value)
    }
    return out
  }

  /** Lower-case names, values in order: the canonical form used for comparing. */
  toLowerCaseMultiMap(): Record<string, string[]> {
    const out: Record<string, string[]> = Object.create(null)
    for (const [name, value] of this.#entries) (out[name.toLowerCase()] ??= []).push(value)
    return out
  }
}

function isIterable(value: unknown): value is Iterable<readonly [string, string]> {
  return typeof value === 'object' && value !== null && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function'
}

function text(value: string | Uint8Array): string {
  // A view, not `Buffer.from(value)`, which would copy every header of every response first.
  return typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1')
}
