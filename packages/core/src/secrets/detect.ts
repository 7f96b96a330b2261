import { ANCHORS, BASIC, BEARER, isPlaceholder, SCHEME_CREDENTIAL, SECRET_PATTERNS } from './patterns.js'

/** One credential found in a text: its kind and where it sits (`text.slice(start, end)` is the credential). */
export interface SecretSpan {
  kind: string
  start: number
  end: number
}

/**
 * Every credential in `text` of a known format (GitHub, AWS, OpenAI,
 * Anthropic, Stripe live, Slack, Google API keys, JWTs, PEM private keys, URL
 * userinfo) and every `Bearer`/`Basic` credential, in order of position. The
 * offsets are for redaction: `vcrjs redact --detected` replaces each span.
 */
export function findSecrets(text: string): Array<{ kind: string; start: number; end: number }> {
  return find(text, false)
}

/**
 * The same for one header value, where `Bearer x`/`Basic x` is a credential
 * whatever it looks like (unless it is a placeholder such as `<TOKEN>`), and
 * so is a whole value `bearer x` or `token x` with the scheme in any case.
 */
export function findSecretsInHeader(value: string): SecretSpan[] {
  return find(value, true)
}

/** How much of a body is read as one text; a larger one is read in windows. */
export const SCAN_WINDOW_BYTES = 4 << 20

/**
 * What `findSecrets` finds in the Latin-1 text of `bytes` (every pattern is
 * ASCII, so Latin-1 finds the same credentials as UTF-8, in text and binary
 * alike). A body larger than `SCAN_WINDOW_BYTES` is never one string: it is
 * read in windows that end after a line feed, which no match contains but a
 * PEM block's body (at most 20,000 characters between its BEGIN and END
 * lines, neither of which holds one). So each window is read on to the first
 * line feed 20,001 characters past its end, a PEM match goes on into the next
 * window as on the whole text, and the hits are those of the whole text.
 */
export function findSecretsInBytes(bytes: Uint8Array): SecretSpan[] {
  const finder = new Finder(false)
  for (let start = 0; start < bytes.byteLength; ) {
    const cut = bytes.indexOf(LINE_FEED, start + SCAN_WINDOW_BYTES)
    const end = cut === -1 ? bytes.byteLength : cut + 1
    const reachCut = end === bytes.byteLength ? -1 : bytes.indexOf(LINE_FEED, end + PEM_REACH)
    const reach = reachCut === -1 ? bytes.byteLength : reachCut + 1
    finder.window(latin1(bytes.subarray(start, reach)), start, end - start)
    start = end
  }
  return finder.kept
}

const LINE_FEED = 0x0a
/** How far past a line feed a PEM match can go on: its body's 20,000 characters and the END line's first. */
const PEM_REACH = 20_001

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

function find(text: string, inHeader: boolean): SecretSpan[] {
  const scheme = inHeader ? SCHEME_CREDENTIAL.exec(text) : null
  // Nearly every text holds no anchor: answered before anything is built.
  if (scheme === null && !ANCHORS.test(text)) return []
  const finder = new Finder(inHeader)
  finder.window(text, 0, text.length, scheme)
  return finder.kept
}

/** The hits of one text, read in one window or in several, in order. */
class Finder {
  readonly kept: SecretSpan[] = []
  readonly #inHeader: boolean
  /** Where each pattern's last match ended: the next window resumes there, as a global regex does on the whole text. */
  readonly #resume = new Map<RegExp, number>()
  /** Hits of earlier windows that end in a later one (PEM blocks): a Bearer or Basic hit they overlap is not reported. */
  #open: SecretSpan[] = []
  #keptEnd = 0

  constructor(inHeader: boolean) {
    this.#inHeader = inHeader
  }

  /**
   * `text` stands at `offset` of the whole; the hits that start in its first `own` characters are this window's.
   * `scheme`: a header value's match of SCHEME_CREDENTIAL (a header value is one window).
   */
  window(text: string, offset: number, own: number, scheme: RegExpExecArray | null = null): void {
    if (scheme === null && !ANCHORS.test(text)) return
    const found = [...this.#open]
    const fresh = found.length
    for (const { kind, regex, confirm } of SECRET_PATTERNS) {
      regex.lastIndex = Math.max(0, (this.#resume.get(regex) ?? 0) - offset)
      for (let match = regex.exec(text); match !== null && match.index < own; match = regex.exec(text)) {
        const end = match.index + match[0].length
        this.#resume.set(regex, offset + end)
        if (confirm && !confirm(match[0])) continue
        found.push({ kind, start: offset + match.index, end: offset + end })
      }
    }
    // Authorization schemes last: a JWT or GitHub token after `Bearer` is reported as what it is.
    for (const [regex, kind, credible] of [
      [BEARER, 'bearer credential', this.#inHeader ? isCredential : isBearerInText],
      [BASIC, 'basic credential', isBasic],
    ] as const) {
      regex.lastIndex = 0
      for (let match = regex.exec(text); match !== null && match.index < own; match = regex.exec(text)) {
        const credential = match[1]!
        const start = offset + match.index + match[0].length - credential.length
        const end = offset + match.index + match[0].length
        if (!credible(credential) || found.some((hit) => hit.start < end && start < hit.end)) continue
        found.push({ kind, start, end })
      }
    }
    // `token expired` may be words; a token is long and holds a digit, as a bearer token in prose must.
    if (scheme && (scheme[2]!.toLowerCase() === 'token' ? isBearerInText : isCredential)(scheme[3]!)) {
      const start = offset + scheme[1]!.length
      const end = start + scheme[3]!.length
      if (!found.some((hit) => hit.start < end && start < hit.end)) found.push({ kind: `${scheme[2]!.toLowerCase()} credential`, start, end })
    }
    const hits = found.slice(fresh)
    this.#open = hits.filter((hit) => hit.end > offset + own)
    // Overlapping hits (a Slack webhook URL is also a URL) are reported once, as the first and longest.
    hits.sort((a, b) => a.start - b.start || b.end - a.end)
    for (const hit of hits) {
      if (hit.start < this.#keptEnd) continue
      this.kept.push(hit)
      this.#keptEnd = hit.end
    }
  }
}

/** `WWW-Authenticate: Bearer realm="api", error="invalid_token"` names parameters, not a token. */
function isCredential(value: string): boolean {
  return !isPlaceholder(value) && !/^[A-Za-z_-]+=$/.test(value)
}

/** In prose, "Bearer tokens" is not a credential: a token there must be long enough and hold a digit. */
function isBearerInText(value: string): boolean {
  return value.length >= 16 && /\d/.test(value) && isCredential(value)
}

/** RFC 7617: base64 of `user-id:password`, printable. "Basic realm" or "Basic information" decode to neither. */
function isBasic(value: string): boolean {
  const decoded = Buffer.from(value, 'base64').toString('latin1')
  const colon = decoded.indexOf(':')
  return colon > 0 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded) && !isPlaceholder(decoded.slice(colon + 1))
}
