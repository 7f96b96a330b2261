import { isUtf8 } from 'node:buffer'
import { decodeCompressedResponse, HttpHeaders, type Interaction, Request, Response } from '@vcrjs/core'
import type { Extras } from './cassette-file.js'
import { CannotHoldError } from './errors.js'
import { VERSION } from './version.js'

/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), as browser
 * devtools, Polly.js and Playwright write it. What HAR has no field for is
 * kept in `_vcrjs` on the entry (the spec reserves names starting with `_`
 * for such data), so a cassette converted to HAR and back is the same cassette.
 */
export interface Har {
  log: {
    version: string
    creator: { name: string; version: string }
    entries: HarEntry[]
  }
}

interface HarPair {
  name: string
  value: string
}

export interface HarEntry {
  startedDateTime: string
  time: number
  request: {
    method: string
    url: string
    httpVersion: string
    cookies: HarPair[]
    headers: HarPair[]
    queryString: HarPair[]
    postData?: { mimeType: string; text?: string; params?: HarPair[]; encoding?: string }
    headersSize: number
    bodySize: number
  }
  response: {
    status: number
    statusText: string
    httpVersion: string
    cookies: HarPair[]
    headers: HarPair[]
    content: { size: number; mimeType: string; text?: string; encoding?: string }
    redirectURL: string
    headersSize: number
    bodySize: number
  }
  cache: Record<string, never>
  timings: { send: number; wait: number; receive: number }
  _vcrjs?: VcrjsEntryData
}

/** What a cassette holds that HAR has no field for. */
interface VcrjsEntryData {
  /** The response body as stored (base64), when `content.text` holds it decoded. */
  storedBody?: string
  /** `null`: the interaction had no `recorded_at` (startedDateTime is then a stand-in). */
  recordedAt?: null
  extras?: Extras
}

export function isHar(data: unknown): data is Har {
  const log = (data as { log?: { entries?: unknown } } | null)?.log
  return typeof log === 'object' && log !== null && Array.isArray(log.entries)
}

export function interactionsToHar(interactions: readonly Interaction[], extras: readonly Extras[]): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: 'vcrjs', version: VERSION },
      entries: interactions.map((interaction, i) => toEntry(interaction, extras[i], i)),
    },
  }
}

function toEntry({ request, response, recordedAt }: Interaction, extras: Extras | undefined, index: number): HarEntry {
  const vcrjs: VcrjsEntryData = {}
  if (!recordedAt) vcrjs.recordedAt = null
  if (extras && (Object.keys(extras.interaction).length > 0 || Object.keys(extras.response).length > 0)) vcrjs.extras = extras
  // HAR's content is the body as the browser shows it, decoded; the stored bytes go in _vcrjs.
  const decoded = decodeCompressedResponse(response)
  if (decoded !== response) vcrjs.storedBody = Buffer.from(response.body).toString('base64')
  const entry: HarEntry = {
    startedDateTime: (recordedAt ?? new Date(0)).toISOString(),
    time: 0,
    request: {
      method: request.method,
      url: request.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(request.headers),
      queryString: request.query.map(([name, value]) => ({ name, value })),
      ...(request.body === null ? {} : { postData: postData(request.body, request.headers, index) }),
      headersSize: -1,
      bodySize: request.body?.length ?? 0,
    },
    response: {
      status: response.status.code,
      statusText: response.status.message,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(response.headers),
      content: { size: decoded.body.length, mimeType: response.headers.get('content-type') ?? '', ...textOrBase64(decoded.body) },
      redirectURL: response.headers.get('location') ?? '',
      headersSize: -1,
      bodySize: response.body.length,
    },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
  }
  if (Object.keys(vcrjs).length > 0) entry._vcrjs = vcrjs
  return entry
}

function postData(body: Uint8Array, headers: HttpHeaders, index: number): NonNullable<HarEntry['request']['postData']> {
  if (!isUtf8(body)) {
    throw new CannotHoldError(
      `interaction ${index} has a binary request body (${body.length} bytes, not UTF-8), which HAR 1.2 cannot hold (postData is text only). Keep this cassette in yaml or ruby-yaml.`,
    )
  }
  return { mimeType: headers.get('content-type') ?? '', text: Buffer.from(body).toString('utf8') }
}

function textOrBase64(body: Uint8Array): { text: string; encoding?: 'base64' } {
  return isUtf8(body) ? { text: Buffer.from(body).toString('utf8') } : { text: Buffer.from(body).toString('base64'), encoding: 'base64' }
}

function pairs(headers: HttpHeaders): HarPair[] {
  return headers.entries().map(([name, value]) => ({ name, value }))
}

/**
 * Why a HAR entry cannot become an interaction. Internal: readCassetteFile
 * turns it, like any error reading a HAR, into the CliError that names the file.
 */
class HarEntryProblem extends Error {}

export interface HarImport {
  interactions: Interaction[]
  extras: Extras[]
  /** Entries left out or changed on the way in, one line each, to print. */
  notes: string[]
}

/**
 * A HAR's entries as interactions. A browser's HAR holds the body decoded: its
 * `Content-Encoding` is dropped (and `Content-Length` corrected) so a client
 * replays it as the uncompressed response it is. HTTP/2 pseudo-headers
 * (`:authority`, ...) are not headers and are left out; entries the browser
 * never got an answer for (status 0) cannot be replayed and are skipped.
 */
export function harToInteractions(har: Har): HarImport {
  const interactions: Interaction[] = []
  const extras: Extras[] = []
  const notes: string[] = []
  har.log.entries.forEach((entry, index) => {
    const where = `log.entries[${index}]`
    if (typeof entry?.response?.status !== 'number' || entry.response.status === 0) {
      notes.push(`${where} skipped: it has no response (status 0: blocked, cancelled or failed in the browser)`)
      return
    }
    const vcrjs = entry._vcrjs ?? {}
    const request = new Request({
      method: text(entry.request?.method, `${where}.request.method`),
      url: text(entry.request?.url, `${where}.request.url`),
      headers: headersOf(entry.request.headers),
      body: requestBody(entry.request.postData),
    })
    let headers = headersOf(entry.response.headers)
    let body: Buffer
    if (typeof vcrjs.storedBody === 'string') {
      body = Buffer.from(vcrjs.storedBody, 'base64')
    } else {
      const content = entry.response.content
      if (content?.text === undefined) notes.push(`${where}: the HAR holds no response body (content.text is missing); stored empty`)
      body = content?.text === undefined ? Buffer.alloc(0) : Buffer.from(content.text, content.encoding === 'base64' ? 'base64' : 'utf8')
      if (isEncoded(headers)) {
        const length = String(body.length)
        headers = new HttpHeaders(
          headers
            .entries()
            .filter(([name]) => name.toLowerCase() !== 'content-encoding')
            .map(([name, value]): [string, string] => [name, name.toLowerCase() === 'content-length' ? length : value]),
        )
      }
    }
    const response = new Response({ status: { code: entry.response.status, message: entry.response.statusText ?? '' }, headers, body })
    const started = new Date(entry.startedDateTime)
    const recordedAt = vcrjs.recordedAt === null || Number.isNaN(started.getTime()) ? undefined : started
    interactions.push(recordedAt ? { request, response, recordedAt } : { request, response })
    extras.push(vcrjs.extras ?? { interaction: {}, response: {} })
  })
  return { interactions, extras, notes }
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new HarEntryProblem(`${where} should be a non-empty string`)
  return value
}

function headersOf(list: HarPair[] | undefined): HttpHeaders {
  const headers = new HttpHeaders()
  for (const { name, value } of list ?? []) if (!name.startsWith(':')) headers.append(name, value)
  return headers
}

function requestBody(postData: HarEntry['request']['postData']): Buffer | null {
  if (!postData) return null
  if (typeof postData.text === 'string') return Buffer.from(postData.text, postData.encoding === 'base64' ? 'base64' : 'utf8')
  if (postData.params) return Buffer.from(new URLSearchParams(postData.params.map(({ name, value }): [string, string] => [name, value])).toString())
  return null
}

function isEncoded(headers: HttpHeaders): boolean {
  return headers.getAll('content-encoding').some((value) => value.split(',').some((coding) => !['', 'identity'].includes(coding.trim().toLowerCase())))
}
