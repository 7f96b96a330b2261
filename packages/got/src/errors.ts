import { redactUrl, VcrError } from '@vcrjs/core'

const BRAND = Symbol.for('vcrjs.error.UnreadableGotStreamBodyError')

/**
 * A body written into a `got.stream()` duplex (`source.pipe(got.stream.post(url))`)
 * arrives only after got's `beforeRequest` hooks have run, so vcrjs cannot see
 * it to match or record it. Rather than record the request without its body,
 * vcrjs refuses it and says how to pass the body instead.
 */
export class UnreadableGotStreamBodyError extends VcrError {
  readonly method: string

  constructor(method: string, url: string) {
    super(
      'VCR_GOT_STREAM_BODY',
      `vcrjs cannot record or match a body written into got.stream() (${method} ${redactUrl(url)}): got hands it over only after its ` +
        'beforeRequest hooks ran. Pass the body as the `body` option instead, e.g. ' +
        '`got.stream.post(url, { body: fs.createReadStream(file) })` or `{ body: buffer }`.',
    )
    this.name = 'UnreadableGotStreamBodyError'
    this.method = method
    Object.defineProperty(this, BRAND, { value: true })
  }
}
// Like the core's errors: `instanceof` by brand holds across two copies of this package (ESM next to CJS).
Object.defineProperty(UnreadableGotStreamBodyError, Symbol.hasInstance, {
  value: (value: unknown) => typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true,
})
