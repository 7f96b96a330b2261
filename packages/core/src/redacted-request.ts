import { HttpHeaders } from './headers.js'
import { Request } from './request.js'
import { DEFAULT_FILTERED_HEADERS } from './secrets/defaults.js'
import { CREDENTIAL_LIKE_NAME, urlForMessage } from './secrets/redact.js'

/** Request headers that carry credentials: masked wherever vcrjs shows a request (errors, their fields). The list `filterDefaults` filters. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(DEFAULT_FILTERED_HEADERS)

export const MASK = '<redacted>'

/** One of the default credential headers, or named like one (`X-Custom-Secret`, `X-Session-Id`). */
export function isCredentialHeader(lowerCaseName: string): boolean {
  return CREDENTIAL_HEADERS.has(lowerCaseName) || CREDENTIAL_LIKE_NAME.test(lowerCaseName)
}

/** A copy of `request` safe to show or hand out: no `user:password@` nor credential query values in the URL, credential header values masked. */
export function redactedRequest(request: Request): Request {
  const url = urlForMessage(request.url)
  const entries = request.headers.entries().map(([name, value]): [string, string] => [name, isCredentialHeader(name.toLowerCase()) ? MASK : value])
  // Always a new object: the core's own requests are never handed out to be changed.
  return new Request({ method: request.method, url, headers: new HttpHeaders(entries), body: request.body === null ? null : Buffer.from(request.body) })
}
