import http from 'node:http'
import https from 'node:https'
import { type Cassette, InvalidOptionError } from '@vcrjs/core'
import { vcrAgent } from '@vcrjs/http'
import axios, { AxiosError, type AxiosAdapter } from 'axios'

/**
 * axios's own http adapter with a vcrjs agent per protocol as `httpAgent` /
 * `httpsAgent`, so follow-redirects sends each hop through the agent of its
 * protocol and every hop is its own interaction. Each vcrjs agent stands in
 * for the agent the request would have used live (the caller's, or Node's
 * global one): it takes that agent's keep-alive and socket settings, so the
 * client writes the same request, and sends the real requests through it.
 */
export function httpTransport(cassette: Cassette | undefined, allowHttpWithoutCassette: boolean | undefined): AxiosAdapter {
  const standIns = new WeakMap<http.Agent, http.Agent>()
  const standIn = (real: http.Agent, protocol: 'http' | 'https'): http.Agent => {
    let agent = standIns.get(real)
    if (agent === undefined) {
      const { keepAlive, keepAliveMsecs, scheduling, timeout, maxSockets, maxFreeSockets, maxTotalSockets } = (real as AgentWithOptions).options ?? {}
      const settings = { keepAlive, keepAliveMsecs, scheduling, timeout, maxSockets, maxFreeSockets, maxTotalSockets }
      agent = vcrAgent(cassette, { ...settings, protocol, realAgent: real, allowHttpWithoutCassette })
      standIns.set(real, agent)
    }
    return agent
  }
  return (config) => {
    // With a proxy, axios would address the proxy (or tunnel past the agent), and the cassette would hold the wrong URL.
    if (config.proxy) {
      const cause = new InvalidOptionError(
        'proxy',
        "vcrAdapter's http transport cannot use axios's proxy option: the vcrjs agent must see each request's own URL. " +
          'Give an agent that proxies (such as https-proxy-agent) as httpsAgent / httpAgent instead; vcrjs sends the real requests through it.',
      )
      return Promise.reject(AxiosError.from(cause, cause.code, config))
    }
    const adapter = axios.getAdapter('http', config)
    return adapter({
      ...config,
      httpAgent: standIn(config.httpAgent ?? http.globalAgent, 'http'),
      httpsAgent: standIn(config.httpsAgent ?? https.globalAgent, 'https'),
      proxy: false,
    })
  }
}

/** `options` is public on every Node agent (the constructor's options) but missing from @types/node. */
type AgentWithOptions = http.Agent & { options?: http.AgentOptions }
