import { Readable } from 'node:stream'
import type { RequestInit } from '@vcrjs/core'
import type { AxiosHeaders, InternalAxiosRequestConfig } from 'axios'

/** Request headers as axios hands them to its transport: names as written, one entry per name. */
export type WireHeaders = Record<string, string | string[]>

/**
 * One request on the wire. A redirect chain is a list of hops, and each hop is
 * its own interaction in the cassette, as vcrpy, Ruby VCR, fetch and got record it.
 */
export interface Hop {
  /** Absolute URL, without credentials. */
  url: string
  /** Upper case. */
  method: string
  headers: WireHeaders
  /** HTTP Basic credentials `user:password` that the transport sends as `Authorization` (the http adapter's `auth`). */
  auth: string | undefined
  body: Buffer | null
  /** The body came from a stream, so it goes out chunked, without Content-Length, as it does live. */
  streamed: boolean
}

/** The hop as the core's request: the headers that go on the wire, the body bytes. */
export function toCoreRequest(hop: Hop): RequestInit {
  const headers: [string, string][] = []
  for (const [name, value] of Object.entries(hop.headers)) {
    for (const item of Array.isArray(value) ? value : [value]) headers.push([name, item])
  }
  if (hop.auth !== undefined) headers.push(['Authorization', basicAuthorization(hop.auth)])
  return { method: hop.method, url: hop.url, headers, body: hop.body }
}

/** How Node turns the `auth` request option into a header. */
export function basicAuthorization(auth: string): string {
  return `Basic ${Buffer.from(auth).toString('base64')}`
}

export function removeHeaders(headers: WireHeaders, pattern: RegExp): void {
  for (const name of Object.keys(headers)) if (pattern.test(name)) delete headers[name]
}

export function hasHeader(headers: WireHeaders, name: string): boolean {
  const key = name.toLowerCase()
  return Object.keys(headers).some((candidate) => candidate.toLowerCase() === key)
}

/**
 * The config for sending exactly one hop through one of axios's own adapters:
 * the URL resolved, and axios's redirects, size limits, status checks,
 * timers and progress off, because vcrjs does those around the whole chain.
 */
export function singleHopConfig(
  config: InternalAxiosRequestConfig,
  hop: Hop,
  headers: AxiosHeaders,
  signal: AbortSignal,
): InternalAxiosRequestConfig {
  return {
    ...config,
    url: hop.url,
    baseURL: undefined,
    params: undefined,
    method: hop.method.toLowerCase(),
    headers,
    auth: undefined,
    data: hop.body === null ? undefined : hop.streamed ? Readable.from([hop.body], { objectMode: false }) : hop.body,
    maxRedirects: 0,
    maxContentLength: -1,
    validateStatus: null,
    timeout: 0,
    signal,
    cancelToken: undefined,
    onDownloadProgress: undefined,
  }
}
