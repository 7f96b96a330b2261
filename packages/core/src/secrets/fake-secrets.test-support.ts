import { createHash } from 'node:crypto'

// Fakes with each provider's shape, assembled at run time so no scanner mistakes this file for a leak.
export const base62 = (n: number, seed = 'x') => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  const bytes = createHash('sha512').update(seed).digest()
  return Array.from({ length: n }, (_, i) => alphabet[bytes[i % bytes.length]! % 62]).join('')
}
export const jwt = (header: object) =>
  [Buffer.from(JSON.stringify(header)).toString('base64url'), Buffer.from('{"sub":"1234567890","name":"alice"}').toString('base64url'), base62(43)].join('.')

export const FAKE = {
  github: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'].map((prefix) => `${prefix}${base62(36, prefix)}`),
  githubFineGrained: `github_pat_${base62(22)}_${base62(59, 'f')}`,
  aws: ['AKIA', 'ASIA'].map((prefix) => `${prefix}IOSFODNN7EXAMPL2`),
  openai: [`sk-proj-${base62(48, 'p')}_${base62(20, 'q')}`, `sk-${base62(20, 'a')}T3BlbkFJ${base62(20, 'b')}`, `sk-${base62(48, 'legacy')}`],
  anthropic: `sk-ant-api03-${base62(93, 'ant')}AA`,
  stripeLive: [`sk_live_${base62(24, 's')}`, `rk_live_${base62(24, 'r')}`],
  slack: [`xoxb-1234567890-1234567890123-${base62(24, 'slack')}`, `xoxp-1234567890-1234567890-1234567890123-${base62(32, 'u')}`],
  slackWebhook: `https://hooks.slack.com/services/T${base62(8, 't')}/B${base62(10, 'b')}/${base62(24, 'w')}`,
  google: `AIza${base62(35, 'g')}`,
  jwt: jwt({ alg: 'HS256', typ: 'JWT' }),
  pem: `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA${base62(64, 'k')}\n-----END RSA PRIVATE KEY-----`,
  userinfo: 'https://alice:s3cr3t-pass@db.example.com/path',
}

