import { utf8OrNull } from '../body.js'
import { CassetteSerializationError } from '../errors.js'
import { interactionsFromData, streamValue } from '../cassette-format.js'
import type { Interaction } from '../interaction.js'
import type { CassetteData, Serializer } from './serializer.js'
import { yamlPieces, yamlSerializer } from './yaml.js'

/**
 * Ruby VCR's cassette format (`http_interactions`), for cassettes a Ruby
 * service replays too: `serializer: 'ruby-yaml'`. Loading needs nothing of
 * its own, since every cassette's format is told from its shape.
 *
 * Ruby VCR matches on `[:method, :uri]` by default and compares the URI that
 * webmock normalised (query sorted, `%20` for a space), so the URI is written
 * in that spelling; vcrjs's `query` matcher ignores the difference.
 */
export const rubyYamlSerializer: Serializer = {
  serialize(data: CassetteData): string {
    return [...rubyYamlPieces(data)].join('')
  },
  serializePieces: rubyYamlPieces,
  deserialize(text: string): unknown {
    return yamlSerializer.deserialize(text)
  },
}

function* rubyYamlPieces(data: CassetteData): Generator<string> {
  // The data arrives in vcrpy's shape (what every serializer gets); going through the model reuses its reader.
  let interactions: Interaction[]
  try {
    interactions = interactionsFromData(data)
  } catch (error) {
    throw new CassetteSerializationError(`cannot write the data as a Ruby VCR cassette: ${(error as Error).message}; pass vcrpy-shaped cassette data (interactionsToData)`, { cause: error })
  }
  yield '---\n'
  yield* yamlPieces(rubyCassetteData(interactions, new Date()))
}

/** What this writes in `recorded_with`, where Ruby VCR writes `VCR 6.0.0`. */
export const RUBY_RECORDED_WITH = 'vcrjs'

/**
 * Ruby VCR's data for `interactions`, keys in the order Ruby VCR writes them.
 * Ruby VCR cannot load an interaction without `recorded_at`, so one loaded
 * from a cassette that had none (vcrpy's) gets `now`.
 */
export function rubyCassetteData(interactions: readonly Interaction[], now: Date): CassetteData {
  return {
    http_interactions: interactions.map(({ request, response, recordedAt }) => ({
      request: {
        method: request.method.toLowerCase(),
        uri: webmockUri(request.url),
        // Net::HTTP's "no body" is an empty US-ASCII string, and Ruby VCR writes it so.
        body: request.body === null ? { encoding: 'US-ASCII', string: '' } : rubyBody(request.body),
        headers: request.headers.toMultiMap(),
      },
      response: {
        status: { code: response.status.code, message: response.status.message },
        headers: response.headers.toMultiMap(),
        body: rubyBody(response.body),
        http_version: null,
        // Ruby VCR's Response.from_hash ignores it, as vcrpy does; vcrjs replays the chunks from it.
        ...streamValue(response),
      },
      recorded_at: (recordedAt ?? now).toUTCString(),
    })),
    recorded_with: RUBY_RECORDED_WITH,
  }
}

/** `{encoding, string}` for UTF-8 text; other bytes as `base64_string`, which Ruby VCR reads as binary. */
function rubyBody(body: Uint8Array): Record<string, string> {
  const text = utf8OrNull(body)
  if (text !== null) return { encoding: 'UTF-8', string: text }
  return { encoding: 'ASCII-8BIT', base64_string: Buffer.from(body).toString('base64') }
}

// What webmock leaves unescaped in a query name or value (found by running webmock 3.18 on every ASCII character).
const QUERY_RAW = /[A-Za-z0-9\-._~!$'()*,/:=?@]/
const UNRESERVED = /[A-Za-z0-9\-._~]/

/**
 * The URI as webmock normalises a request's: query parameters sorted by name
 * then value, `+` and `%20` both written `%20`, a percent-escape of an
 * unreserved character unescaped, hex in upper case. Webmock also keeps only
 * the last of a repeated parameter; this keeps them all, so Ruby VCR cannot
 * match such a request by `:uri` (vcrjs can).
 */
export function webmockUri(uri: string): string {
  const withoutFragment = uri.split('#', 1)[0]!
  const at = withoutFragment.indexOf('?')
  const base = at === -1 ? withoutFragment : withoutFragment.slice(0, at)
  const path = base.replace(/%([0-9a-fA-F]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16))
    return UNRESERVED.test(char) ? char : escape.toUpperCase()
  })
  const query = at === -1 ? '' : withoutFragment.slice(at + 1)
  const pairs = query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=')
      return eq === -1 ? { name: decode(part), value: null } : { name: decode(part.slice(0, eq)), value: decode(part.slice(eq + 1)) }
    })
    // Ruby compares strings byte by byte: UTF-8 order, not JavaScript's UTF-16 order.
    .sort((a, b) => Buffer.compare(a.name, b.name) || Buffer.compare(a.value ?? EMPTY, b.value ?? EMPTY))
  if (pairs.length === 0) return path
  return `${path}?${pairs.map(({ name, value }) => (value === null ? encode(name, false) : `${encode(name, false)}=${encode(value, true)}`)).join('&')}`
}

const EMPTY = Buffer.alloc(0)

/** Percent-decodes to bytes, `+` read as a space; a malformed escape stays as written. */
function decode(component: string): Buffer {
  const bytes: number[] = []
  const text = component.replaceAll('+', ' ')
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      const char = String.fromCodePoint(text.codePointAt(i)!)
      bytes.push(...Buffer.from(char))
      i += char.length - 1
    }
  }
  return Buffer.from(bytes)
}

/** A name's `=` is escaped too, so the pair still splits where it should (webmock writes `k==1` for the name `k=`). */
function encode(bytes: Buffer, isValue: boolean): string {
  let out = ''
  for (const byte of bytes) {
    const char = String.fromCharCode(byte)
    out += byte < 0x80 && QUERY_RAW.test(char) && (isValue || char !== '=') ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}
