import { HttpHeaders, type ResponseInit } from '@vcrjs/core'
import type { Dispatcher } from 'undici'
import type { AbortLink } from './abort-link.js'

/**
 * Performs the request through the real dispatcher and resolves to the
 * response with its body as raw wire bytes: undici decodes nothing below
 * fetch, so a gzip body stays gzip. Rejects with the network error as is.
 */
export function sendReal(dispatch: Dispatcher.Dispatch, opts: Dispatcher.DispatchOptions, link: AbortLink): Promise<ResponseInit> {
  return new Promise((resolve, reject) => {
    if (link.aborted) return reject(link.reason)
    const chunks: Buffer[] = []
    let head: Pick<ResponseInit, 'status' | 'headers'> | undefined
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: (controller) => link.attach(controller),
      onResponseStart(controller, statusCode, headers, statusMessage) {
        if (statusCode < 200) return // 1xx informational responses precede the real one
        head = {
          status: { code: statusCode, ...(statusMessage ? { message: statusMessage } : {}) },
          headers: Array.isArray(controller.rawHeaders) ? HttpHeaders.fromRaw(controller.rawHeaders) : new HttpHeaders(controller.rawHeaders ?? headers),
        }
      },
      onResponseData: (_controller, chunk) => void chunks.push(chunk),
      onResponseEnd: () => (head ? resolve({ ...head, body: Buffer.concat(chunks) }) : reject(new Error('undici ended the response before its headers'))),
      onResponseError: (_controller, error) => reject(error),
    }
    try {
      dispatch(opts, handler)
    } catch (error) {
      reject(error)
    }
  })
}
