/**
 * Finds the line of a file where a value of a given interaction sits, from
 * the file's text alone: whatever the format, each interaction has exactly one
 * `request` key, so those keys cut the text into one span per interaction,
 * and the value is looked up in its interaction's span as written (or as JSON
 * escapes it). When the cut does not come out right (a body that itself holds
 * such a key), the whole file is searched.
 */
export class LineFinder {
  readonly #text: string
  readonly #starts: number[]
  #lineStarts: number[] | undefined

  constructor(text: string, interactions: number) {
    this.#text = text
    const starts = [...text.matchAll(/^[ \t-]*"?request"?[ \t]*:/gm)].map((match) => match.index)
    this.#starts = starts.length === interactions ? starts : []
  }

  /**
   * 1-based line of `value` at `location` (`request header Authorization`,
   * `response body`, ...) of interaction `index`: searched from that
   * location's key on, so a token in both a header and a body is found where
   * the finding says. The interaction's first line when the value is not
   * written verbatim (a base64 body); null when neither is known.
   */
  lineOf(index: number, location: string, value: string | null): number | null {
    const from = this.#starts[index] ?? 0
    const to = this.#starts.length > 0 ? (this.#starts[index + 1] ?? this.#text.length) : this.#text.length
    if (value !== null && value !== '') {
      const anchor = this.#anchor(location, from, to)
      for (const start of anchor === from ? [from] : [anchor, from]) {
        for (const spelling of new Set([value, JSON.stringify(value).slice(1, -1)])) {
          const at = this.#text.indexOf(spelling, start)
          if (at !== -1 && at < to) return this.#line(at)
        }
      }
    }
    return this.#starts.length > 0 ? this.#line(from) : null
  }

  /** Where the location's key is written in [from, to): the `response` key, then the header's name; `from` when not found. */
  #anchor(location: string, from: number, to: number): number {
    const span = this.#text.slice(from, to)
    let at = 0
    if (location.startsWith('response')) {
      const response = /^[ \t-]*"?response"?[ \t]*:/m.exec(span)
      if (!response) return from
      at = response.index
    }
    const header = /^(?:request|response) header (.+)$/.exec(location)
    if (header) {
      const name = span.indexOf(header[1]!, at)
      if (name === -1) return from
      at = name
    }
    return from + at
  }

  #line(offset: number): number {
    this.#lineStarts ??= [0, ...[...this.#text.matchAll(/\n/g)].map((match) => match.index + 1)]
    let low = 0
    let high = this.#lineStarts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (this.#lineStarts[mid]! <= offset) low = mid
      else high = mid - 1
    }
    return low + 1
  }
}
