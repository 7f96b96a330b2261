import { DEFAULT_PORTS } from '@vcrjs/core/adapter'
import type { Protocol } from './options.js'

/** Where the agent was asked to connect, as http.Agent hands it to `createConnection`. */
export interface ConnectTarget {
  host?: string | null | undefined
  port?: number | string | null | undefined
}

/**
 * The absolute URL of a request: the agent's connection target (what vcrpy
 * records for http.client too) with the request-target the client wrote. A
 * request-target that is already absolute (a request through a proxy) is kept.
 */
export function requestUrl(protocol: Protocol, target: ConnectTarget, requestTarget: string): string {
  if (/^https?:\/\//i.test(requestTarget)) return requestTarget
  const host = target.host || 'localhost'
  const hostname = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  const port = Number(target.port) || DEFAULT_PORTS[protocol]
  const authority = port === DEFAULT_PORTS[protocol] ? hostname : `${hostname}:${port}`
  return `${protocol}://${authority}${requestTarget.startsWith('/') ? '' : '/'}${requestTarget}`
}
