import type { ServerResponse } from 'node:http'
import type { Response } from '@vcrjs/core'

/**
 * Writes the core's response to the client as HTTP/1.1, with exactly its
 * headers: Node's ServerResponse adds Date, Connection, Content-Length or
 * Transfer-Encoding when they are missing, and removing them first is its
 * public way to say "send only mine". It still frames the body from the
 * headers given: chunked when they say chunked, as is with a
 * Content-Length, and until the connection closes when they say neither, as
 * a live server without either would. It sends no body for HEAD, 204 and 304.
 */
export function writeResponse(res: ServerResponse, response: Response): void {
  res.sendDate = false
  for (const name of ['connection', 'content-length', 'transfer-encoding', 'date']) res.removeHeader(name)
  res.writeHead(response.status.code, response.status.message, response.headers.toRaw())
  res.end(Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength))
}
