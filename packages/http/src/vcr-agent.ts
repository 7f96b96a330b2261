import http from 'node:http'
import https from 'node:https'
import type { Duplex } from 'node:stream'
import type { Cassette } from '@vcrjs/core'
import { type Protocol, validateOptions, type VcrAgentOptions } from './options.js'
import { VcrConnections } from './vcr-connections.js'


interface AgentParts {
  connections: VcrConnections
  realAgent: http.Agent
  ownsRealAgent: boolean
}

function partsFor(protocol: Protocol, cassette: Cassette | undefined, options: VcrAgentOptions): AgentParts {
  const { realAgent, allowHttpWithoutCassette } = options
  const real =
    realAgent ??
    new (protocol === 'https' ? https.Agent : http.Agent)({
      keepAlive: options.keepAlive,
      keepAliveMsecs: options.keepAliveMsecs,
      maxSockets: options.maxSockets,
      maxFreeSockets: options.maxFreeSockets,
      maxTotalSockets: options.maxTotalSockets,
      scheduling: options.scheduling,
    })
  return {
    connections: new VcrConnections(protocol, cassette, { allowHttpWithoutCassette }, real),
    realAgent: real,
    ownsRealAgent: realAgent === undefined,
  }
}

function agentOptions(options: VcrAgentOptions): https.AgentOptions {
  const { protocol: _protocol, realAgent: _realAgent, allowHttpWithoutCassette: _allow, ...rest } = options
  return rest
}

/** The vcrjs agent for `http:` requests. */
class VcrHttpAgent extends http.Agent {
  readonly #parts: AgentParts

  constructor(cassette: Cassette | undefined, options: VcrAgentOptions) {
    super(agentOptions(options))
    this.#parts = partsFor('http', cassette, options)
  }

  // Not in @types/node, but the method http.Agent calls for every request, in the caller's async context.
  addRequest(req: http.ClientRequest, options: http.RequestOptions): void {
    this.#parts.connections.track(req)
    ;(http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options)
  }

  override createConnection(options: http.ClientRequestArgs): Duplex {
    return this.#parts.connections.connect(options)
  }

  /** Destroys the agent's connections, and the real agent when vcrjs created it. */
  override destroy(): void {
    super.destroy()
    if (this.#parts.ownsRealAgent) this.#parts.realAgent.destroy()
  }
}

/** The vcrjs agent for `https:` requests: an https.Agent, so clients that check for one accept it. */
class VcrHttpsAgent extends https.Agent {
  readonly #parts: AgentParts

  constructor(cassette: Cassette | undefined, options: VcrAgentOptions) {
    super(agentOptions(options))
    this.#parts = partsFor('https', cassette, options)
  }

  addRequest(req: http.ClientRequest, options: http.RequestOptions): void {
    this.#parts.connections.track(req)
    ;(https.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options)
  }

  override createConnection(options: https.RequestOptions): Duplex {
    return this.#parts.connections.connect(options)
  }

  override destroy(): void {
    super.destroy()
    if (this.#parts.ownsRealAgent) this.#parts.realAgent.destroy()
  }
}

interface AddRequest {
  addRequest(this: http.Agent, req: http.ClientRequest, options: http.RequestOptions): void
}

/**
 * Creates an agent that records and replays through a vcrjs cassette: give it
 * as the `agent` option of `http.request` / `https.request`, or to any client
 * built on them (node-fetch's `agent`, superagent's `.agent()`, needle's
 * `agent`, the AWS SDK's `NodeHttpHandler({ httpsAgent })`).
 *
 * Replayed requests never open a socket: the client reads the recorded
 * response as HTTP/1.1 from an in-memory connection, with its status, headers
 * (in order, two Set-Cookie stay two) and body as recorded, still compressed
 * if it was. Recorded requests go to the server through a real agent.
 *
 * @param cassette The cassette to record into and replay from. When omitted,
 * each request uses the cassette of the innermost `vcr.useCassette` around it,
 * so one agent created in test setup serves every test.
 * @param options http.Agent / https.Agent options, plus vcrjs's (`protocol`, `realAgent`, `allowHttpWithoutCassette`).
 * @example
 * https.get('https://api.example.com/users', { agent: vcrAgent(cassette) }, (res) => { ... })
 * http.get('http://127.0.0.1:8080/', { agent: vcrAgent(cassette, { protocol: 'http' }) }, (res) => { ... })
 */
export function vcrAgent(cassette: Cassette | undefined, options: VcrAgentOptions & { protocol: 'http' }): http.Agent
export function vcrAgent(cassette?: Cassette, options?: VcrAgentOptions & { protocol?: 'https' }): https.Agent
export function vcrAgent(cassette?: Cassette, options?: VcrAgentOptions): http.Agent
export function vcrAgent(cassette?: Cassette, options: VcrAgentOptions = {}): http.Agent {
  const protocol = validateOptions(cassette, options)
  return protocol === 'http' ? new VcrHttpAgent(cassette, options) : new VcrHttpsAgent(cassette, options)
}
