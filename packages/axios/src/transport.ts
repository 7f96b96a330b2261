import type { Response, ResponseInit } from '@vcrjs/core'
import type { AxiosError, AxiosHeaders, AxiosResponse, InternalAxiosRequestConfig } from 'axios'
import type { Hop } from './hop.js'
import type { RecordingAdapter } from './options.js'
import type { CapturedBody } from './request-body.js'

/** The first hop and the one being followed from. */
export interface RedirectChain {
  readonly first: Hop
  readonly current: Hop
}

/**
 * What differs between axios's http and fetch adapters: the headers each adds,
 * how it reaches the network, how its responses look to the caller, how it
 * follows redirects and how it reports timeouts and aborts. The adapter drives
 * one of these for recording and replay alike.
 */
export interface Transport {
  readonly name: RecordingAdapter
  /**
   * Adds the headers axios's adapter sets itself (User-Agent, Accept-Encoding,
   * Content-Length, Basic auth) to the first hop, and returns the credentials
   * the transport keeps apart from the headers (`auth`), if any.
   */
  prepare(headers: AxiosHeaders, body: CapturedBody, auth: string | undefined, config: InternalAxiosRequestConfig): string | undefined
  /** Performs one hop for real through axios's own adapter, redirects off, and returns its raw response. */
  send(config: InternalAxiosRequestConfig, hop: Hop, signal: AbortSignal): Promise<{ response: ResponseInit; request: unknown }>
  /** The `request` the caller's response and errors carry. `sent` is the real one when the hop went to the network. */
  requestFor(chain: RedirectChain, sent: unknown): unknown
  /** Turns a recorded or live response into the axios response its adapter would hand to axios, before `validateStatus`. */
  present(config: InternalAxiosRequestConfig, response: Response, hop: Hop, request: unknown): Promise<AxiosResponse>
  /** Whether the response is a redirect this adapter follows; may throw as the adapter does on a forbidden redirect. */
  follows(config: InternalAxiosRequestConfig, response: Response, request: unknown): boolean
  /** How many redirects may be followed before `tooManyRedirects`. */
  maxRedirects(config: InternalAxiosRequestConfig): number
  tooManyRedirects(config: InternalAxiosRequestConfig, request: unknown): AxiosError
  /** The next hop of a redirect, built as the adapter builds it (method, body, headers, credentials, `beforeRedirect`). */
  nextHop(config: InternalAxiosRequestConfig, chain: RedirectChain, response: Response, location: string): Hop
  timeoutError(config: InternalAxiosRequestConfig): AxiosError
  /** The error of an abort through `config.signal`, whose `reason` is given. */
  abortError(config: InternalAxiosRequestConfig, reason: unknown): AxiosError
}
