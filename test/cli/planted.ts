import type { PlainInteraction } from './cassettes.js'

// Credentials in the formats the detector knows, built here so no scanner of
// this repository flags the source. None of them was ever issued.
const base62 = (n: number, seed: string) => (seed.repeat(Math.ceil(n / seed.length)).slice(0, n))
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

export const CREDENTIALS = {
  github: `ghp_${base62(36, 'q7W2e9R4t6Y1u3I8o5P0aZ')}`,
  aws: `AKIA${'Z7Q2M4X6C3V5B2N7'}`,
  anthropic: `sk-ant-api03-${base62(48, 'Xy7_Qw3-Er5Ty9')}`,
  openai: `sk-proj-${base62(48, 'Ab3Cd5Ef7Gh9Jk')}`,
  stripe: `sk_live_${base62(24, 'Mn4Bv6Cx8Zl2')}`,
  slack: `xoxb-${'918273645012'}-${'5647382910564'}-${base62(24, 'PoIuYtReWq12')}`,
  slackWebhook: `https://hooks.slack.com/services/${'T0ABCDE12'}/${'B0FGHIJ34'}/${base62(24, 'kLmNoPqRsT56')}`,
  google: `AIza${base62(35, 'Sy9Dq-Lm_Kj3Hg')}`,
  jwt: `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: 'user-42', iat: 1735689600 })}.${base62(43, 'sIgNaTuRe_-9x')}`,
  pem: `-----BEGIN RSA PRIVATE KEY-----\n${base62(64, 'MIIEowIBAAKCAQEA')}\n${base62(64, 'u1v2w3x4y5z6')}\n-----END RSA PRIVATE KEY-----`,
  bearer: 'opaque-session-handle-for-alice',
  basic: Buffer.from('deploy:correct-horse-battery').toString('base64'),
  userinfo: 'bob:hunter22',
} as const

export const ORIGIN = 'http://127.0.0.1:9'

/**
 * One interaction per place a credential hides: request headers, query
 * parameters, JSON and form request bodies, response headers and bodies, the
 * URL's userinfo. `expected` lists what the detector must report for each.
 */
export function plantedInteractions(origin = ORIGIN): { interactions: PlainInteraction[]; expected: Array<{ interaction: number; location: string; kind: string; value: string }> } {
  const c = CREDENTIALS
  const withUserinfo = origin.replace('://', `://${c.userinfo}@`)
  const interactions: PlainInteraction[] = [
    { url: `${origin}/me`, headers: { Authorization: `Bearer ${c.bearer}`, Accept: 'application/json' }, responseBody: '{"id":42}' },
    { url: `${origin}/repos`, headers: { Authorization: `Basic ${c.basic}`, 'X-Api-Key': c.google }, responseBody: '[]' },
    { url: `${origin}/search?key=${c.google}&access_token=${c.github}&q=cats`, responseBody: 'ok' },
    {
      method: 'POST',
      url: `${origin}/aws`,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ aws_access_key_id: c.aws, region: 'eu-west-1' }),
      responseBody: 'ok',
    },
    {
      method: 'POST',
      url: `${origin}/charge`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `amount=100&stripe_key=${c.stripe}`,
      responseBody: 'ok',
    },
    {
      method: 'POST',
      url: `${origin}/login`,
      responseHeaders: { 'Set-Cookie': `session=${c.jwt}; Path=/; HttpOnly`, 'Content-Type': 'application/json' },
      responseBody: JSON.stringify({ openai: c.openai, anthropic: c.anthropic, slack: c.slack, webhook: c.slackWebhook, token: c.jwt }),
    },
    { url: `${origin}/key.pem`, responseHeaders: { 'Content-Type': 'application/x-pem-file' }, responseBody: `${c.pem}\n` },
    { url: `${withUserinfo}/private`, responseBody: 'ok' },
  ]
  const expected = [
    { interaction: 0, location: 'request header Authorization', kind: 'bearer credential', value: c.bearer },
    { interaction: 1, location: 'request header Authorization', kind: 'basic credential', value: c.basic },
    { interaction: 1, location: 'request header X-Api-Key', kind: 'Google API key', value: c.google },
    { interaction: 2, location: 'request url', kind: 'Google API key', value: c.google },
    { interaction: 2, location: 'request url', kind: 'GitHub token', value: c.github },
    { interaction: 3, location: 'request body', kind: 'AWS access key', value: c.aws },
    { interaction: 4, location: 'request body', kind: 'Stripe live key', value: c.stripe },
    { interaction: 5, location: 'response header Set-Cookie', kind: 'JWT', value: c.jwt },
    { interaction: 5, location: 'response body', kind: 'OpenAI API key', value: c.openai },
    { interaction: 5, location: 'response body', kind: 'Anthropic API key', value: c.anthropic },
    { interaction: 5, location: 'response body', kind: 'Slack token', value: c.slack },
    { interaction: 5, location: 'response body', kind: 'Slack webhook URL', value: c.slackWebhook },
    { interaction: 5, location: 'response body', kind: 'JWT', value: c.jwt },
    { interaction: 6, location: 'response body', kind: 'PEM private key', value: '-----BEGIN RSA PRIVATE KEY-----' },
    { interaction: 7, location: 'request url', kind: 'URL userinfo', value: c.userinfo },
  ]
  return { interactions, expected }
}

/** Harmless values that look random: none may be flagged. */
export function lookAlikes(origin = ORIGIN): PlainInteraction[] {
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 0x41)]).toString('base64')
  return [
    {
      url: `${origin}/items/550e8400-e29b-41d4-a716-446655440000?commit=3f786850e387550fdab836ed7e6dc881de23001b`,
      headers: { 'X-Request-Id': '9b2f4c1e-7d3a-4e8b-a5c6-0f1e2d3c4b5a', 'If-None-Match': '"d41d8cd98f00b204e9800998ecf8427e"', Authorization: 'Bearer <TOKEN>' },
      responseBody: JSON.stringify({
        avatar: `data:image/png;base64,${png}`,
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        stripe_test: `sk_test_${'4eC39HqLyjWDarjtT1zdp7dc'}`,
        docs: 'Send a Bearer token in the Authorization header; Basic realm="api".',
      }),
    },
  ]
}
