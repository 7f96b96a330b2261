/**
 * `@vcrjs/core/adapter`: what an adapter (a transport or a client preset)
 * builds on. `handleRequest` is the whole contract; the rest is what every
 * adapter needs once, so no adapter writes it again. Users import
 * `@vcrjs/core`; nothing here is needed to write tests.
 */
export { handleRequest, type HandleRequestOptions } from './adapter-handle-request.js'
export { REQUEST_ACTIONS, type HandledRequest, type RequestAction, type Cassette } from './cassette.js'
export { readyReader, type ReadyBodyIterator, type RealResponse, type ResponseChunk, type SendReal, type StreamedResponse, wholeBodyBytes } from './streamed-response.js'
export {
  assertAdapterOptions,
  assertCassetteArgument,
  booleanOption,
  type AdapterOptionCheck,
  type AdapterOptions,
  type AdapterOptionsSpec,
} from './adapter-options.js'
export { readRequestBody } from './request-body.js'
export { toNodeHeaders } from './node-headers.js'
export { HttpHeaders, type HeaderEntry, type HeadersInput } from './headers.js'
export { Request, type RequestInit, DEFAULT_PORTS, redactUrl } from './request.js'
export { Response, type ResponseInit } from './response.js'
export { VcrError, InvalidOptionError, NoCassetteError, UnsupportedRequestError } from './errors.js'
