import type { Agent as HttpAgent } from 'node:http'
import type { AgentOptions as HttpsAgentOptions } from 'node:https'
import { type AdapterOptions, assertAdapterOptions, assertCassetteArgument, type Cassette } from '@vcrjs/core/adapter'

export const PROTOCOLS = ['http', 'https'] as const
export type Protocol = (typeof PROTOCOLS)[number]

/**
 * Options of `vcrAgent`: vcrjs's own, plus every option of `http.Agent` /
 * `https.Agent` (`keepAlive`, `maxSockets`, `timeout`, and for https the TLS
 * options such as `ca`, `cert`, `rejectUnauthorized`), which apply as they
 * would to a plain agent; the TLS ones reach the real connection when recording.
 */
export interface VcrAgentOptions extends AdapterOptions, HttpsAgentOptions {
  /**
   * The protocol of the requests the agent serves. Node checks it against the
   * URL (an `https:` URL through an http agent throws `ERR_INVALID_PROTOCOL`)
   * and takes the default port from it, so one agent serves one protocol, like
   * `http.Agent` and `https.Agent`. The default is https because the APIs a
   * test records are https; pass `'http'` for plain http, such as a local server.
   *
   * @default 'https'
   * @example
   * http.get('http://127.0.0.1:8080/', { agent: vcrAgent(cassette, { protocol: 'http' }) })
   */
  protocol?: Protocol
  /**
   * The agent that makes the real connections the cassette records (and every
   * request when no cassette is in use). Give your own to keep its proxy or
   * socket settings; vcrjs then leaves destroying it to you. It must serve the
   * same protocol as the vcrjs agent.
   *
   * @default a new `http.Agent` / `https.Agent` with this agent's `keepAlive`, `keepAliveMsecs` and socket limits, destroyed by the vcrjs agent's `destroy()`
   * @example
   * vcrAgent(cassette, { realAgent: new https.Agent({ keepAlive: true, maxSockets: 4 }) })
   */
  realAgent?: HttpAgent
}

/** Fails at construction, with the allowed values, rather than at the first request. */
export function validateOptions(cassette: Cassette | undefined, options: VcrAgentOptions): Protocol {
  assertCassetteArgument(cassette, 'vcrAgent', "vcrAgent(undefined, { protocol: 'http' })")
  assertAdapterOptions(options, {
    factory: 'vcrAgent',
    options: {
      protocol: (protocol) =>
        protocol === undefined || (PROTOCOLS as readonly unknown[]).includes(protocol)
          ? undefined
          : `must be one of ${PROTOCOLS.map((p) => `'${p}'`).join(', ')}; got ${JSON.stringify(protocol)}`,
      realAgent: (real) =>
        real === undefined || typeof (real as { addRequest?: unknown } | null)?.addRequest === 'function'
          ? undefined
          : 'must be an http.Agent (or https.Agent, or an agent built on them such as a proxy agent)',
    },
    passesOn: 'the options of http.Agent / https.Agent',
  })
  return options.protocol ?? 'https'
}
