import { HttpHeaders, type RealResponse } from '@vcrjs/core/adapter'
import type { Dispatcher } from 'undici'
import type { AbortLink } from './abort-link.js'
import { ResponseBodyQueue } from './response-body-queue.js'

/**
 * Performs the request through the real dispatcher and resolves as soon as
 * the response head arrives, the body following chunk by chunk as raw wire
 * bytes: undici decodes nothing below fetch, so a gzip body stays gzip.
 * Rejects with the network error as is; an error after the head fails the
 * body instead, as it does for undici's own clients.
 */
export function sendReal(dispatch: Dispatcher.Dispatch, opts: Dispatcher.DispatchOptions, link: AbortLink): Promise<RealResponse> {
  return new Promise((resolve, reject) => {
    if (link.aborted) return reject(link.reason)
    const body = new ResponseBodyQueue((reason) => link.abort(reason))
    let started = false
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: (controller) => link.attach(controller),
      onResponseStart(controller, statusCode, headers, statusMessage) {
        if (statusCode < 200) return // 1xx informational responses precede the real one
        started = true
        resolve({
          status: { code: statusCode, ...(statusMessage ? { message: statusMessage } : {}) },
          headers: Array.isArray(controller.rawHeaders) ? HttpHeaders.fromRaw(controller.rawHeaders) : new HttpHeaders(controller.rawHeaders ?? headers),
          body,
        })
      },
      onResponseData: (_controller, chunk) => body.push(chunk),
      onResponseEnd: () => body.end(),
      onResponseError: (_controller, error) => (started ? body.fail(error) : reject(error)),
    }
    try {
      dispatch(opts, handler)
    } catch (error) {
      reject(error)
    }
  })
}
