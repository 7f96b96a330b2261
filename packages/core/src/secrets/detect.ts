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

function find(text: string, inHeader: boolean): SecretSpan[] {
  const scheme = inHeader ? SCHEME_CREDENTIAL.exec(text) : null
  if (scheme === null && !ANCHORS.test(text)) return []
  const found: SecretSpan[] = []
  for (const { kind, regex, confirm } of SECRET_PATTERNS) {
    regex.lastIndex = 0
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      if (confirm && !confirm(match[0])) continue
      found.push({ kind, start: match.index, end: match.index + match[0].length })
    }
  }
  // Authorization schemes last: a JWT or GitHub token after `Bearer` is reported as what it is.
  for (const [regex, kind, credible] of [
    [BEARER, 'bearer credential', inHeader ? isCredential : isBearerInText],
    [BASIC, 'basic credential', isBasic],
  ] as const) {
    regex.lastIndex = 0
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      const credential = match[1]!
      const start = match.index + match[0].length - credential.length
      const end = match.index + match[0].length
      if (!credible(credential) || found.some((hit) => hit.start < end && start < hit.end)) continue
      found.push({ kind, start, end })
    }
  }
  // `token expired` may be words; a token is long and holds a digit, as a bearer token in prose must.
  if (scheme && (scheme[2]!.toLowerCase() === 'token' ? isBearerInText : isCredential)(scheme[3]!)) {
    const start = scheme[1]!.length
    const end = start + scheme[3]!.length
    if (!found.some((hit) => hit.start < end && start < hit.end)) found.push({ kind: `${scheme[2]!.toLowerCase()} credential`, start, end })
  }
  // Overlapping hits (a Slack webhook URL is also a URL) are reported once, as the first and longest.
  found.sort((a, b) => a.start - b.start || b.end - a.end)
  const kept: SecretSpan[] = []
  for (const hit of found) if (kept.length === 0 || hit.start >= kept.at(-1)!.end) kept.push(hit)
  return kept
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
