import { handleRequest as handle, type HandleRequestOptions } from './adapter-handle-request.js'
import { Response } from './response.js'

export type { HandleRequestOptions }

/**
 * The adapter entry point of vcrjs 0.1, kept on the main entry for code
 * written against it: the response with its body read to the end.
 *
 * @deprecated Adapters import `handleRequest` from `@vcrjs/core/adapter`,
 * which streams the body and says what the core did.
 */
export async function handleRequest(options: HandleRequestOptions): Promise<Response> {
  const { response } = await handle(options)
  const chunks: Uint8Array[] = []
  for await (const chunk of response.body) chunks.push(chunk)
  return new Response({ status: response.status, headers: response.headers, bodyParts: chunks })
}
