import { type Cassette, HttpHeaders } from '@vcrjs/core'
import { expect } from 'vitest'
import type { ClientResponse, ClientUnderTest } from '../conformance/suite.js'
import { axiosClient } from '../support/axios-clients.js'
import { gotPromise } from '../support/got-clients.js'
import { decodedBody, type LiveExchange, type Peer, storedGzip } from '../support/peer-fixtures.js'
import type { PeerScenario } from '../support/peer-scenarios.js'
import { globalFetchThroughGlobalDispatcher, undiciRequestClient } from '../undici/clients.js'

/** A client through its vcrjs adapter, with what it changes in a response it hands its caller. */
export interface InteropClient extends ClientUnderTest {
  /**
   * Headers the client removes when it inflates a compressed body (found by
   * sending each client to the live /gzip on both Node legs); every other
   * header, the status and the inflated body reach its caller unchanged.
   */
  readonly dropsWhenInflating: readonly string[]
}

function interop(client: ClientUnderTest, dropsWhenInflating: readonly string[]): InteropClient {
  return { ...client, dropsWhenInflating }
}

export const INTEROP_CLIENTS: readonly InteropClient[] = [
  // Fetch keeps Content-Encoding and Content-Length, as the Fetch standard says.
  interop(globalFetchThroughGlobalDispatcher, []),
  interop(undiciRequestClient, ['content-encoding', 'content-length']),
  interop(axiosClient('http'), ['content-encoding']),
  interop(axiosClient('fetch'), []),
  interop(gotPromise, ['content-encoding', 'content-length']),
]

/**
 * Response headers a peer stores in the cassette but never hands its own
 * client, live or replayed; our clients show them as the server sent them.
 */
const HIDDEN_FROM_PEER_CLIENT: Record<Peer['dir'], readonly string[]> = {
  // vcrpy re-frames the stored body for requests and drops Transfer-Encoding (vcr/stubs/__init__.py).
  vcrpy: ['transfer-encoding'],
  ruby: [],
}

/**
 * Expects what `client` handed its caller for each request of `scenario`
 * (`seen`) to be what `peer`'s client saw in `exchanges`: the same status,
 * headers (but those the client drops when it inflates, and those the peer
 * hides from its client) and body bytes (inflated, as every client here does).
 */
export function expectSameResponses(peer: Peer, client: Pick<InteropClient, 'id' | 'dropsWhenInflating'>, scenario: PeerScenario, exchanges: readonly LiveExchange[], seen: readonly ClientResponse[]): void {
  const expected = finalExchanges(scenario, exchanges).map((exchange): ClientResponse => {
    const headers = new HttpHeaders(exchange.headers).toLowerCaseMultiMap()
    const body = decodedBody(exchange)
    // vcrpy with urllib3 2 stores a decoded body under Content-Encoding: vcrjs serves it as is, without that header.
    if ('content-encoding' in headers && !storedGzip(exchange)) delete headers['content-encoding']
    if ('content-encoding' in headers) for (const name of client.dropsWhenInflating) delete headers[name]
    else if (disagrees(headers['content-length'], body, exchange)) headers['content-length'] = [String(body.length)]
    return { status: exchange.status, headers, body }
  })
  const shown = seen.map((view) => ({ ...view, headers: without(view.headers, HIDDEN_FROM_PEER_CLIENT[peer.dir]) }))
  expect(shown, `${scenario.name}: ${client.id} against ${peer.name}`).toEqual(expected)
}

/**
 * Whether the peer's client saw a Content-Length that is not its body's: a
 * peer that inflated the body but kept the compressed length (Debian's Ruby
 * 3.1 with net-http 0.2.0; newer builds update it) stores such a pair, and
 * vcrjs replays a Content-Length that agrees with the body it replays, so the
 * expectation follows whichever the installed peer did.
 */
function disagrees(declared: string[] | undefined, body: Buffer, exchange: LiveExchange): boolean {
  const carriesBody = exchange.method !== 'HEAD' && exchange.status >= 200 && ![204, 205, 304].includes(exchange.status)
  return carriesBody && declared?.length === 1 && declared[0]!.trim() !== String(body.length)
}

function without(headers: Record<string, string[]>, names: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)))
}

/** Sends the scenario's requests in order through `client` bound to `cassette`; one response per request, redirects followed. */
export async function sendScenario(client: ClientUnderTest, origin: string, scenario: PeerScenario, cassette: Cassette): Promise<ClientResponse[]> {
  const out: ClientResponse[] = []
  for (const { method, path, headers, body } of scenario.requests) out.push(await client.send({ method, url: `${origin}${path}`, headers, body }, cassette))
  return out
}

/**
 * The exchange that answered each request of the scenario: a request whose
 * redirects the client followed spans several exchanges, and its caller sees
 * the last. Fails when the exchanges do not add up to the scenario's requests.
 */
function finalExchanges(scenario: PeerScenario, exchanges: readonly LiveExchange[]): LiveExchange[] {
  const redirect = (exchange: LiveExchange) => scenario.followRedirects === true && exchange.status >= 300 && exchange.status < 400
  const finals = exchanges.filter((exchange) => !redirect(exchange))
  if (finals.length !== scenario.requests.length) {
    throw new Error(`${scenario.name}: ${exchanges.length} exchanges answer ${finals.length} requests, not the scenario's ${scenario.requests.length}`)
  }
  return finals
}
