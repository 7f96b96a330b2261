import { debuglog } from 'node:util'

// `NODE_DEBUG=vcrjs` turns it on, as for Node's own modules (`NODE_DEBUG=http`).
const log = debuglog('vcrjs')

/** Whether `NODE_DEBUG=vcrjs` is set: callers build a line only then, so the replay path pays nothing otherwise. */
export function debugEnabled(): boolean {
  return log.enabled
}

/**
 * One line per request: the cassette, the request (as `String(request)`
 * prints it: credentials in the URL removed, no headers) and what happened.
 */
export function debugRequest(cassettePath: string | undefined, request: string, outcome: string): void {
  log('%s: %s: %s', cassettePath ?? '(no cassette)', request, outcome)
}
