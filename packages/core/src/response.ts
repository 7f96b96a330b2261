import { type BodyInput, toBytes } from './body.js'
import { HttpHeaders, type HeadersInput } from './headers.js'
import { STATUS_CODES } from 'node:http'

export interface ResponseInit {
  status: number | { code: number; message?: string }
  headers?: HeadersInput
  body?: BodyInput
}

/**
 * The core's neutral response: the body is the bytes exactly as received on
 * the wire, still compressed if the server compressed it.
 */
export class Response {
  readonly status: { readonly code: number; readonly message: string }
  readonly headers: HttpHeaders
  readonly body: Uint8Array

  constructor(init: ResponseInit) {
    const code = typeof init.status === 'number' ? init.status : init.status.code
    const message = typeof init.status === 'number' ? undefined : init.status.message
    this.status = { code, message: message ?? STATUS_CODES[code] ?? '' }
    this.headers = new HttpHeaders(init.headers)
    this.body = toBytes(init.body) ?? Buffer.alloc(0)
  }

  /** `input` itself when it is a Response of this copy of @vcrjs/core, else one built from its fields. */
  static from(input: Response | ResponseInit): Response {
    return input instanceof Response ? input : new Response(input)
  }
}
