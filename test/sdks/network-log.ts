import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { ClientRequest } from 'node:http'
import { onTestFinished } from 'vitest'

/**
 * What left this process while a test ran, seen through the diagnostics
 * channels Node's http client and undici (Node's fetch, the undici package)
 * publish on: the host of every HTTP request a client started and of every
 * connection undici opened, and every TCP socket anything opened. An SDK's
 * telemetry or retry that went anywhere but the local fake shows up here.
 */
export interface NetworkLog {
  /** The host of each request and undici connection, in order. */
  readonly hosts: string[]
  /** How many TCP sockets were opened (a replay from a cassette opens none). */
  readonly sockets: number
  /** Starts counting again (for the replay after a recording). */
  reset(): void
}

export function networkLog(): NetworkLog {
  const hosts: string[] = []
  let sockets = 0
  const channels: Array<[string, (message: unknown) => void]> = [
    ['http.client.request.start', (message) => hosts.push((message as { request: ClientRequest }).request.host)],
    ['undici:request:create', (message) => hosts.push(new URL((message as { request: { origin: string } }).request.origin).hostname)],
    ['undici:client:beforeConnect', (message) => hosts.push((message as { connectParams: { hostname: string } }).connectParams.hostname)],
    ['net.client.socket', () => sockets++],
  ]
  for (const [name, listener] of channels) subscribe(name, listener)
  onTestFinished(() => {
    for (const [name, listener] of channels) unsubscribe(name, listener)
  })
  return {
    hosts,
    get sockets() {
      return sockets
    },
    reset() {
      hosts.length = 0
      sockets = 0
    },
  }
}
