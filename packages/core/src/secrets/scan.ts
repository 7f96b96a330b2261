import { decodeCompressedResponse } from '../decode-compressed.js'
import type { Interaction } from '../interaction.js'
import { findSecrets, findSecretsInBytes, findSecretsInHeader, SCAN_WINDOW_BYTES, type SecretSpan } from './detect.js'
import { ANCHORS, SCHEME_CREDENTIAL } from './patterns.js'

/** One credential in a cassette: where it sits and how to keep it out. Never the credential itself. */
export interface SecretFinding {
  /** Index of the interaction in the cassette's `interactions` list (0-based). */
  interaction: number
  /** `request url`, `request header Authorization`, `request body`, `response header Set-Cookie`, `response body`. */
  location: string
  /** `GitHub token`, `AWS access key`, `JWT`, `bearer credential`, ... */
  kind: string
  /** The vcrjs option that keeps it out of the cassette, e.g. `filterHeaders: ['authorization']`. */
  fix: string
}

/**
 * Every credential of a known format in `interactions` (URL, headers and
 * bodies of requests and responses), one finding per interaction, location
 * and kind. Used before a cassette is saved (`secretScan`) and by `vcrjs scan`.
 */
export function scanInteractions(interactions: readonly Interaction[]): SecretFinding[] {
  const findings: SecretFinding[] = []
  interactions.forEach(({ request, response }, index) => {
    // A compressed body (as fetch asks for by default) is read decoded: gzip would hide any token.
    const compressed = response.headers.has('content-encoding')
    const responseBody = (compressed ? decodeCompressedResponse(response) : response).body
    // A large body is read in windows (findSecretsInBytes), never as one string; a small one joins the interaction's one anchor test.
    const responseText = responseBody.byteLength <= SCAN_WINDOW_BYTES ? latin1(responseBody) : undefined
    if (responseText !== undefined && !mayHoldSecrets(request, responseText, response.headers)) return
    const report = (location: string, hits: readonly SecretSpan[], fix: (hit: SecretSpan) => string) => {
      if (hits.length === 0) return
      const seen = new Set<string>()
      for (const hit of hits) {
        if (seen.has(hit.kind)) continue
        seen.add(hit.kind)
        findings.push({ interaction: index, location, kind: hit.kind, fix: fix(hit) })
      }
    }
    report('request url', findSecrets(request.url), (hit) => urlFix(request.query, hit))
    for (const [name, value] of request.headers) {
      report(`request header ${name}`, findSecretsInHeader(value), () => `filterHeaders: ['${name.toLowerCase()}']`)
    }
    if (request.body !== null) {
      const text = latin1(request.body)
      report('request body', findSecrets(text), (hit) => bodyFieldFix(text, hit) ?? sensitiveDataFix(hit))
    }
    for (const [name, value] of response.headers) {
      report(`response header ${name}`, findSecretsInHeader(value), () => `filterResponseHeaders: ['${name.toLowerCase()}']`)
    }
    report('response body', responseText === undefined ? findSecretsInBytes(responseBody) : findSecrets(responseText), (hit) =>
      compressed ? `decodeCompressedResponse: true, ${sensitiveDataFix(hit)}` : sensitiveDataFix(hit),
    )
  })
  return findings
}

/**
 * One test of the anchors over the whole interaction, which nearly always
 * fails: the scan runs on every save, and testing each header and body apart
 * took about a fifth longer on the bench's cassette (see bench/RESULTS.md).
 */
function mayHoldSecrets(request: Interaction['request'], responseText: string, responseHeaders: Interaction['response']['headers']): boolean {
  let text = request.url
  for (const [, value] of request.headers) {
    if (SCHEME_CREDENTIAL.test(value)) return true
    text += `\n${value}`
  }
  for (const [, value] of responseHeaders) {
    if (SCHEME_CREDENTIAL.test(value)) return true
    text += `\n${value}`
  }
  if (request.body !== null) text += `\n${latin1(request.body)}`
  return ANCHORS.test(`${text}\n${responseText}`)
}

/**
 * Every pattern is ASCII, so Latin-1 (one character per byte, no validation)
 * finds the same credentials as UTF-8 at a fraction of the cost, in text and
 * binary bodies alike.
 */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

function urlFix(query: Interaction['request']['query'], hit: SecretSpan): string {
  const parameter = query.find(([, value]) => findSecrets(value).some((found) => found.kind === hit.kind))
  if (parameter) return `filterQueryParameters: ['${parameter[0]}']`
  // vcrjs strips userinfo from live requests: this one came from a loaded file or a beforeRecordRequest hook.
  if (hit.kind === 'URL userinfo') return 'remove the user:password@ from the URL (vcrjs redact --detected cleans a saved cassette)'
  return sensitiveDataFix(hit)
}

/** The form or JSON field that holds the credential, when the body is one. */
function bodyFieldFix(text: string, hit: SecretSpan): string | null {
  const secret = text.slice(hit.start, hit.end)
  let fields: [string, unknown][] = []
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'latin1').toString('utf8'))
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) fields = Object.entries(parsed)
  } catch {
    if (/^[^\s=&]+=/.test(text)) fields = [...new URLSearchParams(text)]
  }
  const field = fields.find(([, value]) => typeof value === 'string' && value.includes(secret))
  return field ? `filterPostDataParameters: ['${field[0]}']` : null
}

function sensitiveDataFix(hit: SecretSpan): string {
  const placeholder = `<${hit.kind.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}>`
  return `sensitiveData: { '${placeholder}': theSecretValue } (or a beforeRecordResponse/beforeRecordRequest hook that removes it)`
}
