/**
 * The credential formats the detector knows. Each is a provider's documented
 * prefix with the length and alphabet it issues, so a hit is almost never a
 * false alarm; there is deliberately no "high entropy string" rule (UUIDs, git
 * shas, hashes, ids and base64 data all look random and are harmless).
 *
 * Sources: gitleaks' default rules (config/gitleaks.toml: github-pat,
 * github-oauth, github-app-token, github-refresh-token, github-fine-grained-pat,
 * aws-access-token, openai-api-key, anthropic-api-key, stripe-access-token,
 * slack-*-token, slack-webhook-url, gcp-api-key, jwt, private-key), Yelp's
 * detect-secrets plugins (aws, basic_auth, jwt, private_key, slack, stripe) and
 * GitHub secret scanning's partner patterns.
 */
export interface SecretPattern {
  readonly kind: string
  /** Global, so `exec` walks every occurrence. */
  readonly regex: RegExp
  /** A further check of a hit the regex cannot express (a JWT's header must be JSON with `alg`). */
  readonly confirm?: (match: string) => boolean
}

// A token must not be glued to more token characters: `xghp_...` or a key
// inside a longer base64 run is not that key.
const START = '(?<![A-Za-z0-9_])'
const END = '(?![A-Za-z0-9_])'

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  // gitleaks github-pat / github-oauth / github-app-token / github-refresh-token: prefix + 36 base62.
  { kind: 'GitHub token', regex: new RegExp(`${START}gh[pousr]_[A-Za-z0-9]{36}${END}`, 'g') },
  // gitleaks github-fine-grained-pat: github_pat_ + 82 word characters.
  { kind: 'GitHub token', regex: new RegExp(`${START}github_pat_[A-Za-z0-9_]{82}${END}`, 'g') },
  // gitleaks aws-access-token: long-term (AKIA) and temporary (ASIA) access key ids, 16 base32 upper.
  { kind: 'AWS access key', regex: new RegExp(`${START}(?:AKIA|ASIA)[A-Z2-7]{16}${END}`, 'g') },
  // Anthropic: sk-ant-api03-..., sk-ant-admin01-... (gitleaks anthropic-api-key, anthropic-admin-api-key).
  { kind: 'Anthropic API key', regex: new RegExp(`${START}sk-ant-[A-Za-z0-9_-]{20,}${END}`, 'g') },
  // OpenAI: project, service-account and admin keys (sk-proj-, sk-svcacct-, sk-admin-), and
  // user keys (sk- + base62, which since 2023 embed T3BlbkFJ, "OpenAI" in base64).
  {
    kind: 'OpenAI API key',
    regex: new RegExp(`${START}sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{20,}T3BlbkFJ[A-Za-z0-9]{20,}|[A-Za-z0-9]{32,})${END}`, 'g'),
  },
  // gitleaks stripe-access-token, live mode only: sk_test_/rk_test_ keys reach test data only, and
  // Stripe prints them in its own docs (sk_test_4eC39HqLyjWDarjtT1zdp7dc), so they are not flagged.
  { kind: 'Stripe live key', regex: new RegExp(`${START}(?:sk|rk)_live_[A-Za-z0-9]{10,99}${END}`, 'g') },
  // gitleaks slack-bot-token, slack-user-token, slack-legacy-*: xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-, xoxo-.
  { kind: 'Slack token', regex: new RegExp(`${START}xox[abeoprs]-[A-Za-z0-9-]{10,}${END}`, 'g') },
  // gitleaks slack-webhook-url: the URL is the credential.
  { kind: 'Slack webhook URL', regex: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9_/]{20,}/g },
  // gitleaks gcp-api-key: AIza + 35.
  { kind: 'Google API key', regex: new RegExp(`${START}AIza[A-Za-z0-9_-]{35}${END}`, 'g') },
  // detect-secrets' JwtTokenDetector: three base64url segments whose header decodes to JSON
  // (here: an object with `alg`, which every JWS header has). The signature may be empty (alg none).
  {
    kind: 'JWT',
    regex: new RegExp(`${START}eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*`, 'g'),
    confirm: isJwt,
  },
  // gitleaks private-key / detect-secrets PrivateKeyDetector: the whole block when its end is there
  // (also with JSON's \n escapes), else the BEGIN line alone (a truncated block is still a leak).
  {
    kind: 'PEM private key',
    regex: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,20000}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?/g,
  },
  // `scheme://user:password@host`: the password part must be there (`git@`, `user@` alone are names, not credentials).
  { kind: 'URL userinfo', regex: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s/?#@:"'<>\\]+:[^\s/?#@"'<>\\]+@[^\s/?#@"'<>\\]/gi },
]

/**
 * Every pattern above and below starts with one of these literals. Nearly
 * every text in a cassette holds none of them, and one test for all is many
 * times cheaper than running each pattern: this is what keeps the scan a small
 * fraction of a save. Keep it in step with the patterns (the detector's tests
 * check every kind through it).
 */
// URL userinfo is anchored on its `@` alone: `://` is in every URL, and following it to an `@`
// made this test 2.5 times slower on the bench's cassette.
export const ANCHORS = /gh[pousr]_|github_pat_|AKIA|ASIA|sk-|[sr]k_live_|xox[abeoprs]-|hooks\.slack\.com|AIza|eyJ|-----BEGIN|@|Bearer|Basic/

/** A JWS/JWE header is a base64url JSON object naming its algorithm. */
function isJwt(token: string): boolean {
  const header = token.slice(0, token.indexOf('.'))
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { alg?: unknown }).alg === 'string'
  } catch {
    return false
  }
}

/**
 * `Authorization`-style credentials: `Bearer <token>` (RFC 6750's b64token)
 * and `Basic <base64 of user:password>`. In a header value they are certain;
 * in free text ("Bearer authentication is...") a bearer token must at least
 * hold a digit, and a basic credential must decode to `user:password`.
 */
export const BEARER = /\bBearer[ \t]+([A-Za-z0-9\-._~+/]+=*)/g
export const BASIC = /\bBasic[ \t]+([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g

/**
 * A header value that is one credential after its scheme, the scheme in any
 * case (RFC 9110 section 11.1: Octokit sends `bearer <jwt>`) or GitHub's
 * `token` scheme (what Octokit sends for every other token; Gitea's too). A
 * token without a known prefix (a classic 40-hex GitHub token) is found by
 * its place, as after `Bearer`. Tested on each header value apart, beside
 * ANCHORS: as an anchor over whole bodies it made that test half as slow again.
 */
export const SCHEME_CREDENTIAL = /^([ \t]*(bearer|token)[ \t]+)([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i

/** Values that stand for a credential rather than being one: `<TOKEN>`, `REDACTED`, `xxxx`, `${TOKEN}`. */
export function isPlaceholder(value: string): boolean {
  return (
    /[<>*{}$]/.test(value) ||
    /^(.)\1*$/.test(value) ||
    /^(?:redacted|filtered|removed|hidden|dummy|fake|placeholder|secret|token|test|example|changeme|none|null|undefined)$/i.test(value)
  )
}
