import { once } from 'node:events'
import type { ServerResponse } from 'node:http'
import type { StreamedResponse } from '@vcrjs/core/adapter'

/**
 * Writes the core's response to the client as HTTP/1.1, with exactly its
 * headers: Node's ServerResponse adds Date, Connection, Content-Length or
 * Transfer-Encoding when they are missing, and removing them first is its
 * public way to say "send only mine". It still frames the body from the
 * headers given: chunked when they say chunked, as is with a
 * Content-Length, and until the connection closes when they say neither, as
 * a live server without either would. It sends no body for HEAD, 204 and 304.
 *
 * Each chunk is written as the core hands it over, so the client reads it as
 * the real server sent it. Rejects with the body's error (the real
 * connection was cut), after writing what came before it.
 */
export async function writeResponse(res: ServerResponse, response: StreamedResponse): Promise<void> {
  res.sendDate = false
  for (const name of ['connection', 'content-length', 'transfer-encoding', 'date']) res.removeHeader(name)
  res.writeHead(response.status.code, response.status.message, response.headers.toRaw())
  // Node holds a head back until the first body write; a body's head goes now, as from a server that
  // flushes (an SSE stream's first event may be far off). A bodiless one goes with its end, as before:
  // its client is done at the head, before the core has stored the interaction.
  if (mayHaveBody(res.req.method, response.status.code) && response.headers.get('content-length')?.trim() !== '0') res.flushHeaders()
  for await (const chunk of response.body) {
    // The client went away: leaving the loop cancels the real response.
    if (res.destroyed) return
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')])
  }
  if (!res.destroyed) res.end()
}

/** RFC 9110: these responses carry no body, whatever their headers say. */
function mayHaveBody(method: string | undefined, status: number): boolean {
  return method !== 'HEAD' && status >= 200 && status !== 204 && status !== 205 && status !== 304
}
