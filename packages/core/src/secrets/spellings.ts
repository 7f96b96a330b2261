/**
 * The ways one value is written on the wire and in a cassette. A secret typed
 * once reaches the request as is, percent-encoded (by `encodeURIComponent`,
 * by `URLSearchParams` with `+` for a space, or by the URL parser, which
 * encodes fewer characters), and JSON-escaped in a JSON body (with or without
 * `\u` escapes for non-ASCII, as Python's json.dumps writes it).
 */
export type Spelling = 'raw' | 'json' | 'json-ascii' | 'uri-component' | 'form' | 'url-query' | 'url-path'

export const SPELLINGS: readonly Spelling[] = ['raw', 'json', 'json-ascii', 'uri-component', 'form', 'url-query', 'url-path']

export function spell(value: string, spelling: Spelling): string {
  switch (spelling) {
    case 'raw':
      return value
    case 'json':
      return JSON.stringify(value).slice(1, -1)
    case 'json-ascii':
      return JSON.stringify(value)
        .slice(1, -1)
        .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    case 'uri-component':
      return percentEncode(value, /[^A-Za-z0-9\-_.!~*'()]/gu)
    case 'form':
      return new URLSearchParams([['', value]]).toString().slice(1)
    case 'url-query':
      return percentEncode(value, QUERY_SET)
    case 'url-path':
      return percentEncode(value, PATH_SET)
  }
}

// WHATWG URL: the special-query and path percent-encode sets (C0 controls and non-ASCII are always encoded).
const QUERY_SET = /[\u0000-\u0020"#<>'\u007f-\u{10ffff}]/gu
const PATH_SET = /[\u0000-\u0020"#<>?`{}\u007f-\u{10ffff}]/gu

/** Percent-encodes what `set` matches as UTF-8; a lone surrogate (not encodable) as U+FFFD, as the URL parser does. */
function percentEncode(value: string, set: RegExp): string {
  return value.replace(set, (c) => {
    let out = ''
    for (const byte of Buffer.from(isLoneSurrogate(c) ? '\ufffd' : c, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
    return out
  })
}

function isLoneSurrogate(c: string): boolean {
  return c.length === 1 && c >= '\ud800' && c <= '\udfff'
}
