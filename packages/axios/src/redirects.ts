import type { Response } from '@vcrjs/core'

/**
 * RFC 9110 15.4 as both follow-redirects and fetch apply it: a 301/302 turns
 * a POST into a GET, and a 303 turns anything but GET and HEAD into a GET.
 */
export function switchesToGet(status: number, method: string): boolean {
  return ((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD')
}

/** The `Location` of a 3xx response, or `undefined`. */
export function redirectLocation(response: Response): string | undefined {
  const status = response.status.code
  if (status < 300 || status >= 400) return undefined
  return response.headers.get('location') || undefined
}

/** Resolves `location` against `base`, without credentials: a redirect never carries them over. */
export function resolveLocation(location: string, base: string): URL {
  const url = new URL(location, base)
  url.username = ''
  url.password = ''
  return url
}
