import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { findSecrets, findSecretsInHeader } from './detect.js'
import { base62, FAKE, jwt } from './fake-secrets.test-support.js'

const kinds = (text: string) => findSecrets(text).map((hit) => hit.kind)

describe('findSecrets: every known format', () => {
  const cases: [string, string, string][] = [
    ...FAKE.github.map((token): [string, string, string] => [token.slice(0, 4), token, 'GitHub token']),
    ['github_pat_', FAKE.githubFineGrained, 'GitHub token'],
    ...FAKE.aws.map((key): [string, string, string] => [key.slice(0, 4), key, 'AWS access key']),
    ...FAKE.openai.map((key, i): [string, string, string] => [`OpenAI form ${i}`, key, 'OpenAI API key']),
    ['sk-ant-', FAKE.anthropic, 'Anthropic API key'],
    ...FAKE.stripeLive.map((key): [string, string, string] => [key.slice(0, 8), key, 'Stripe live key']),
    ...FAKE.slack.map((token): [string, string, string] => [token.slice(0, 5), token, 'Slack token']),
    ['Slack webhook', FAKE.slackWebhook, 'Slack webhook URL'],
    ['AIza', FAKE.google, 'Google API key'],
    ['JWT', FAKE.jwt, 'JWT'],
    ['PEM block', FAKE.pem, 'PEM private key'],
    ['PEM block, JSON-escaped', JSON.stringify(FAKE.pem).slice(1, -1), 'PEM private key'],
  ]
  it.each(cases)('%s is found with its kind and exact offsets', (_, secret, kind) => {
    const text = `{"value":"${secret}","other":"x"}`
    const hits = findSecrets(text)
    expect(hits.map((hit) => hit.kind)).toEqual([kind])
    expect(text.slice(hits[0]!.start, hits[0]!.end)).toBe(secret)
  })

  it('URL userinfo: the whole scheme://user:password@ up to the host', () => {
    const text = `connect to ${FAKE.userinfo} now`
    const [hit] = findSecrets(text)
    expect(hit?.kind).toBe('URL userinfo')
    expect(text.slice(hit!.start, hit!.end)).toContain('alice:s3cr3t-pass@')
  })

  it('Bearer and Basic credentials in text; the scheme word stays outside the span', () => {
    const basic = Buffer.from('alice:wonderland').toString('base64')
    const text = `Authorization: Bearer 4f9a8b7c6d5e4f3a2b1c0d\nAuthorization: Basic ${basic}`
    const hits = findSecrets(text)
    expect(hits.map((hit) => [hit.kind, text.slice(hit.start, hit.end)])).toEqual([
      ['bearer credential', '4f9a8b7c6d5e4f3a2b1c0d'],
      ['basic credential', basic],
    ])
  })

  it('a known format after Bearer is reported as what it is, once', () => {
    expect(kinds(`Bearer ${FAKE.github[0]}`)).toEqual(['GitHub token'])
    expect(kinds(`Bearer ${FAKE.jwt}`)).toEqual(['JWT'])
  })

  it('every occurrence is found, in order', () => {
    const text = `${FAKE.google} and ${FAKE.aws[0]} and ${FAKE.google}`
    expect(findSecrets(text).map((hit) => [hit.kind, hit.start])).toEqual([
      ['Google API key', 0],
      ['AWS access key', FAKE.google.length + 5],
      ['Google API key', FAKE.google.length + 5 + FAKE.aws[0]!.length + 5],
    ])
  })
})

describe('findSecrets: harmless look-alikes are not flagged', () => {
  const pseudoRandom = (size: number) => {
    const chunks: Buffer[] = []
    for (let i = 0; chunks.length * 64 < size; i++) chunks.push(createHash('sha512').update(String(i)).digest())
    return Buffer.concat(chunks).subarray(0, size)
  }
  const cases: [string, string][] = [
    ['a UUID', 'id: 123e4567-e89b-12d3-a456-426614174000'],
    ['a git sha', 'commit 9fceb02d0ae598e95dc970b74767f19372d61af8'],
    ['a sha256', createHash('sha256').update('x').digest('hex')],
    ['a base64 PNG data URL (256 KB)', `data:image/png;base64,${pseudoRandom(256 * 1024).toString('base64')}`],
    ['base64url random data (256 KB)', pseudoRandom(256 * 1024).toString('base64url')],
    ['a Stripe test key (reaches test data only; Stripe prints it in its docs)', 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'],
    ['a Stripe publishable key', `pk_live_${base62(24)}`],
    ['a GitHub prefix with too few characters', `ghp_${base62(20)}`],
    ['a token glued inside a longer word', `xghp_${base62(36)}y`],
    ['an AKIA with lower case', 'AKIAiosfodnn7example'],
    ['AIza too short', `AIza${base62(20)}`],
    ['a dotted triple whose header is not JSON', `eyJhbGciOiJIUz.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${base62(20)}`],
    ['a JWT-shaped triple whose header has no alg', jwt({ typ: 'JWT' })],
    ['a public key block', '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----'],
    ['a URL with a user name only', 'https://git@github.com/org/repo.git'],
    ['an e-mail address', 'mail alice@example.com'],
    ['prose about bearer tokens', 'Send a Bearer token; Bearer authentication is described in RFC 6750.'],
    ['Basic that decodes to no user:password', 'Basic information'],
    ['a placeholder after Bearer', 'Authorization: Bearer <TOKEN>'],
    ['sk- in a CSS class', 'class="sk-spinner sk-fading-circle"'],
    ['a Slack-like prefix without a token', 'xoxb-'],
  ]
  it.each(cases)('%s', (_, text) => {
    expect(findSecrets(text)).toEqual([])
  })
})

describe('findSecretsInHeader', () => {
  it('takes any Bearer or Basic credential in a header value, unless it is a placeholder', () => {
    expect(findSecretsInHeader('Bearer abcdef').map((hit) => hit.kind)).toEqual(['bearer credential'])
    expect(findSecretsInHeader(`Basic ${Buffer.from('alice:pw12').toString('base64')}`).map((hit) => hit.kind)).toEqual(['basic credential'])
    for (const placeholder of [
      'Bearer <TOKEN>',
      'Bearer REDACTED',
      'Bearer xxxxxxxx',
      'Bearer ${TOKEN}',
      '<FILTERED>',
      'Bearer realm="api", error="invalid_token"',
      'Basic realm="Restricted", charset="UTF-8"',
    ]) {
      expect(findSecretsInHeader(placeholder), placeholder).toEqual([])
    }
  })

  it("takes the credential after a scheme spelled in any case, and after GitHub's `token` scheme (Octokit's), as the whole value", () => {
    const classic = createHash('sha1').update('a classic GitHub token').digest('hex') // 40 hex, no known prefix
    const spans = (value: string) => findSecretsInHeader(value).map((hit) => [hit.kind, value.slice(hit.start, hit.end)])
    expect(spans(`token ${classic}`)).toEqual([['token credential', classic]])
    expect(spans(`Token ${classic} `)).toEqual([['token credential', classic]])
    expect(spans('bearer opaque.session-42')).toEqual([['bearer credential', 'opaque.session-42']])
    expect(spans(`BEARER ${classic}`)).toEqual([['bearer credential', classic]])
    expect(spans(`token ${FAKE.github[0]}`)).toEqual([['GitHub token', FAKE.github[0]]])
    for (const value of ['token <FILTERED>', 'token REDACTED', 'token expired', 'token expired, sign in again', 'bearer realm="api"']) {
      expect(findSecretsInHeader(value), value).toEqual([])
    }
    // In text a word after "token" is prose, not a credential.
    expect(findSecrets(`the token ${classic} is a git sha`)).toEqual([])
  })
})
