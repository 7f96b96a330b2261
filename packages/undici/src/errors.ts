import { VcrError } from '@vcrjs/core'

const UNSUPPORTED_REQUEST = Symbol.for('vcrjs.error.UnsupportedRequestError')

/**
 * A dispatch vcrjs cannot record or replay (an upgrade or CONNECT, a request
 * without an origin, a body it cannot read). The message says what to change.
 */
export class UnsupportedRequestError extends VcrError {
  constructor(message: string, options?: ErrorOptions) {
    super('VCR_UNSUPPORTED_REQUEST', message, options)
    this.name = 'UnsupportedRequestError'
    Object.defineProperty(this, UNSUPPORTED_REQUEST, { value: true })
  }

  // VcrError answers instanceof by its brand; this class needs its own, or every VcrError would pass.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[UNSUPPORTED_REQUEST] === true
  }
}
