import { type Agent, request as httpRequest, type RequestOptions } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { HttpHeaders, type RealResponse } from '@vcrjs/core/adapter'
import type { Protocol } from './options.js'

/** The request as the client wrote it on the connection, body read to the end. */
export interface WrittenRequest {
  method: string
  /** The request-target of the request line: `/path?query`. */
  target: string
  /** Node's flat `[name, value, ...]` list, names spelt and ordered as written. */
  rawHeaders: string[]
  body: Buffer
}

/**
 * Sends the request to the real server through `agent` (so TLS, keep-alive
 * and sockets are Node's own), with the caller's connection and TLS options.
 * Headers go out exactly as the client wrote them, framing headers included,
 * so Node frames the body the same way (chunked stays chunked). Resolves at
 * the response head, the body following as the server sends it, as wire
 * bytes: Node decodes no content coding.
 */
export function sendReal(protocol: Protocol, connectOptions: RequestOptions, agent: Agent, written: WrittenRequest, signal: AbortSignal): Promise<RealResponse> {
  return new Promise((resolve, reject) => {
    const send = protocol === 'https' ? httpsRequest : httpRequest
    const request = send({
      ...connectOptions,
      agent,
      method: written.method,
      path: written.target,
      headers: written.rawHeaders,
      signal,
    })
    request.on('error', reject)
    request.on('response', (response) =>
      resolve({
        status: { code: response.statusCode ?? 0, message: response.statusMessage ?? '' },
        headers: HttpHeaders.fromRaw(response.rawHeaders),
        body: response,
      }),
    )
    request.end(written.body)
  })
}

/**
 * What http.Agent handed `createConnection`, less what belongs to the one
 * request or to the agent itself: the rest (host, port, family, lookup,
 * localAddress, socketPath, servername, ca, cert, key, rejectUnauthorized, ...)
 * is how the caller wants to reach the server.
 */
export function connectOptionsOf(options: RequestOptions): RequestOptions {
  const {
    agent: _agent,
    createConnection: _createConnection,
    headers: _headers,
    method: _method,
    path: _path,
    auth: _auth,
    signal: _signal,
    timeout: _timeout,
    setHost: _setHost,
    defaultPort: _defaultPort,
    _defaultAgent,
    _agentKey,
    encoding: _encoding,
    keepAlive: _keepAlive,
    keepAliveInitialDelay: _keepAliveInitialDelay,
    ...connect
  } = options as RequestOptions & Record<string, unknown>
  return connect
}
