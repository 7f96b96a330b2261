import { HttpHeaders } from './headers.js'
import { Request, redactUrl } from './request.js'

/** Request headers that carry credentials: masked wherever vcrjs shows a request (errors, their fields). */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
  'x-amz-security-token',
  'x-goog-api-key',
])

export const MASK = '<redacted>'

export function isCredentialHeader(lowerCaseName: string): boolean {
  return CREDENTIAL_HEADERS.has(lowerCaseName)
}

/** A copy of `request` safe to show or hand out: no `user:password@` in the URL, credential header values masked. */
export function redactedRequest(request: Request): Request {
  const url = redactUrl(request.url)
  const entries = request.headers.entries().map(([name, value]): [string, string] => [name, isCredentialHeader(name.toLowerCase()) ? MASK : value])
  // Always a new object: the core's own requests are never handed out to be changed.
  return new Request({ method: request.method, url, headers: new HttpHeaders(entries), body: request.body === null ? null : Buffer.from(request.body) })
}
