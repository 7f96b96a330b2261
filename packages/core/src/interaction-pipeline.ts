import { decodeCompressedResponse } from './decode-compressed.js'
import { HttpHeaders } from './headers.js'
import type { NormalizedCassetteOptions } from './options.js'
import { replayResponse } from './replay-response.js'
import { Request, withoutUserinfo } from './request.js'
import { Response, timingOf } from './response.js'
import { SensitiveDataFilter } from './sensitive-data.js'
import { replayedBody, type StreamedResponse } from './streamed-response.js'

/**
 * What a cassette does to interactions on their way in and out, in vcrpy's
 * order. The request a cassette matches and stores is the live request after
 * the filters, the sensitive-data placeholders and `beforeRecordRequest`, so a
 * filtered cassette still matches live requests.
 *
 * Hooks get copies (as vcrpy deep-copies before its hooks): what a hook
 * changes reaches the cassette, never the live request or the response the
 * client receives.
 */

export function isIgnored(request: Request, options: NormalizedCassetteOptions): boolean {
  return options.ignoredHosts.size > 0 && options.ignoredHosts.has(request.host.toLowerCase())
}

/**
 * The live request as the cassette sees it; `null` when a hook says it is not to be recorded.
 * URL userinfo never gets in: it is not part of an HTTP request (clients send it as an
 * Authorization header, which `filterDefaults` filters), only a way to write credentials.
 */
export function requestForCassette(live: Request, options: NormalizedCassetteOptions): Request | null {
  let request: Request | null = options.requestFilters.apply(withoutUserinfo(live))
  if (!options.sensitiveData.empty) request = SensitiveDataFilter.request(request, options.sensitiveData.hiding(live))
  if (request === live && options.beforeRecordRequest.length > 0) request = new Request(live)
  for (const hook of options.beforeRecordRequest) {
    if (request === null) break
    const next = hook(request)
    request = next === null ? null : Request.from(next)
  }
  return request
}

/**
 * The real response as it will be stored; `null` when a hook says to skip
 * recording it. `real` must be the cassette's own object (its body may be the
 * chunks the client reads, which the hooks get a copy of). With the default
 * options the body is never concatenated here: it stays the chunks it was
 * received in (#15), and only a step that rewrites the body reads it whole.
 */
export function responseForCassette(real: Response, live: Request, options: NormalizedCassetteOptions): Response | null {
  let response: Response | null = options.decodeCompressedResponse ? decodeCompressedResponse(real) : real
  const headers = options.responseHeaderFilters.apply(response.headers, live)
  if (headers !== response.headers) response = new Response({ ...timingOf(response), status: response.status, headers, bodyParts: response.bodyParts })
  if (!options.sensitiveData.empty) response = SensitiveDataFilter.response(response, options.sensitiveData.hiding(live))
  // The body recorded may be the very chunks the client reads (body-capture.ts): a hook, which may write
  // into it, gets its own copy. Only then is the body copied, since only a hook can change it in place.
  if (options.beforeRecordResponse.length > 0 && sharesBody(response, real)) {
    const body = Buffer.concat(response.bodyParts, response.bodyLength)
    response = new Response({ ...timingOf(response), status: response.status, headers: response.headers, body })
  }
  for (const hook of options.beforeRecordResponse) {
    if (response === null) break
    const next = hook(response, live)
    response = next === null ? null : Response.from(next)
  }
  return response
}

/** Whether `response` holds `real`'s body bytes, rather than a rewritten copy. */
function sharesBody(response: Response, real: Response): boolean {
  return response.bodyLength > 0 && response.bodyParts[0]!.buffer === real.bodyParts[0]!.buffer
}

/**
 * A recorded response as the client gets it, its own object each time:
 * placeholders turned back into the live request's secrets, and a
 * Content-Length that agrees with the body replayed (a body filtered or
 * edited after recording would otherwise make the client wait for bytes that
 * never come, or cut it short).
 */
export function responseForClient(recorded: Response, live: Request, options: NormalizedCassetteOptions): StreamedResponse {
  // A body stored decoded under its Content-Encoding is served as is, without it (replay-response.ts).
  const response = options.sensitiveData.empty
    ? replayResponse(recorded, live.method)
    : replayResponse(recorded, live.method, (served) => SensitiveDataFilter.response(served, options.sensitiveData.revealing(live)))
  const headers = new HttpHeaders(response.headers)
  if (mayHaveBody(live.method, response.status.code)) agreeContentLength(headers, response.bodyLength)
  return {
    status: { code: response.status.code, message: response.status.message },
    headers,
    body: replayedBody(response.bodyParts, response.chunks, options.replaySpeed),
  }
}

/** RFC 9110: these responses carry no body, whatever their headers say. */
function mayHaveBody(method: string, status: number): boolean {
  return method !== 'HEAD' && status >= 200 && status !== 204 && status !== 205 && status !== 304
}

function agreeContentLength(headers: HttpHeaders, length: number): void {
  for (const [name, value] of headers) {
    if (name.length !== 14 || name.toLowerCase() !== 'content-length') continue
    if (value.trim() !== String(length)) headers.set(name, String(length))
    return
  }
}
