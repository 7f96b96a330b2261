import { VcrError } from '@vcrjs/core'

const BRAND = Symbol.for('vcrjs.error.http.UnsupportedRequestError')

/**
 * A request the vcrjs agent cannot record or replay: a protocol upgrade (a
 * WebSocket), a `CONNECT`, or bytes that are not an HTTP/1.1 request. It
 * reaches the client as the request's 'error' event; the message says what to change.
 */
export class UnsupportedRequestError extends VcrError {
  constructor(message: string, options?: ErrorOptions) {
    super('VCR_UNSUPPORTED_REQUEST', message, options)
    this.name = 'UnsupportedRequestError'
    Object.defineProperty(this, BRAND, { value: true })
  }

  // VcrError answers instanceof by its brand; this class needs its own, or every VcrError would pass.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true
  }
}
