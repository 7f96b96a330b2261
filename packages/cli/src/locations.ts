import { findSecrets, findSecretsInHeader, type Interaction } from '@vcrjs/core'

/** One credential the detector sees in an interaction: where, what kind, and the credential itself (never printed). */
export interface LocatedSecret {
  location: string
  kind: string
  value: string
}

/**
 * Every credential in an interaction, read the way `scanInteractions` reads
 * it (the URL, each header value as a header, bodies as Latin-1 so binary
 * ones are searched too), with the location names it reports.
 */
export function secretsIn({ request, response }: Interaction): LocatedSecret[] {
  const out: LocatedSecret[] = []
  const add = (location: string, text: string, spans: ReturnType<typeof findSecrets>) => {
    for (const { kind, start, end } of spans) out.push({ location, kind, value: credentialOf(kind, text.slice(start, end)) })
  }
  add('request url', request.url, findSecrets(request.url))
  for (const [name, value] of request.headers) add(`request header ${name}`, value, findSecretsInHeader(value))
  if (request.body !== null) {
    const text = latin1(request.body)
    add('request body', text, findSecrets(text))
  }
  for (const [name, value] of response.headers) add(`response header ${name}`, value, findSecretsInHeader(value))
  const text = latin1(response.body)
  add('response body', text, findSecrets(text))
  return out
}

/**
 * The credential in a hit: for `scheme://user:password@h` the password, so
 * that replacing it leaves a URL (the detector's hit spans the scheme and the
 * host's first character).
 */
function credentialOf(kind: string, hit: string): string {
  if (kind !== 'URL userinfo') return hit
  const userinfo = hit.slice(hit.indexOf('://') + 3, hit.lastIndexOf('@'))
  return userinfo.slice(userinfo.indexOf(':') + 1)
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}
