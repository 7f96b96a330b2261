import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { VCR } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import type { ClientResponse } from '../conformance/suite.js'
import { type PeerOutcome, runPeer } from '../support/peer-driver.js'
import { decodedBody, type LiveExchange, type Peer, PEERS, storedBody } from '../support/peer-fixtures.js'
import { JSON_PEER_SCENARIOS, PEER_SCENARIOS, type PeerScenario } from '../support/peer-scenarios.js'
import { startTestServer } from '../support/server.js'
import { suiteTempDir } from '../support/temp.js'
import { expectSameResponses, INTEROP_CLIENTS, type InteropClient, sendScenario } from './client-views.js'

// Every adapter records the scenarios against the live test server in this
// run; the server is stopped, and vcrpy and Ruby VCR replay the cassettes
// with record mode none.

const [VCRPY, RUBY_VCR] = PEERS
const root = suiteTempDir()

interface Format {
  /** vcrjs's serializer. */
  serializer: 'yaml' | 'json' | 'ruby-yaml'
  /** The peer that replays it, and the peer's name for the format. */
  peer: Peer
  peerSerializer: 'yaml' | 'json'
  /** The cassette's extension, as the peer's driver names it. */
  extension: string
  scenarios: readonly PeerScenario[]
  /** What the caller of the peer's client gets as the body of a replayed exchange; `peerLabel` names the peer's versions in this run. */
  callerBody(exchange: LiveExchange, peerLabel: string): Buffer
}

// With urllib3 1 requests inflates a replayed gzip body as it does a live one; with urllib3 2 vcrpy's own
// response is the one requests reads, and it hands over the stored bytes (vcrpy stubs/__init__.py VCRHTTPResponse).
const requestsBody = (exchange: LiveExchange, peerLabel: string) => (/urllib3 [2-9]/.test(peerLabel) ? storedBody(exchange) : decodedBody(exchange))

const FORMATS: readonly Format[] = [
  { serializer: 'yaml', peer: VCRPY, peerSerializer: 'yaml', extension: '.yaml', scenarios: PEER_SCENARIOS, callerBody: requestsBody },
  // vcrpy's JSON has no spelling for a body that is not UTF-8: vcrjs writes {base64_string}, on which vcrpy fails (KeyError: 'string').
  { serializer: 'json', peer: VCRPY, peerSerializer: 'json', extension: '.json', scenarios: JSON_PEER_SCENARIOS, callerBody: requestsBody },
  // Net::HTTP never inflates a response webmock builds from a cassette: its caller gets the stored bytes, gzip included.
  {
    serializer: 'ruby-yaml',
    peer: RUBY_VCR,
    peerSerializer: 'yaml',
    extension: '.yml',
    scenarios: PEER_SCENARIOS,
    callerBody: (exchange) => storedBody(exchange),
  },
]

const dirOf = (client: InteropClient, format: Format) => join(root, `client-${INTEROP_CLIENTS.indexOf(client)}`, format.serializer)
const keyOf = (client: InteropClient, format: Format, scenario: PeerScenario) => `${client.id} ${format.serializer} ${scenario.name}`

interface Recorded {
  /** The origin the cassettes were recorded from; nothing listens there any more. */
  origin: string
  /** What the client handed its caller live, and how many interactions the cassette holds, by keyOf. */
  byKey: Map<string, { seen: ClientResponse[]; interactions: number }>
}

// Recorded once for the whole file, and replayed once per peer; each test awaits both.
let recording: Promise<Recorded> | undefined
const recorded = () => (recording ??= record())
const replays = new Map<Peer, Promise<{ peerLabel: string; outcomes: Map<string, PeerOutcome> }>>()

async function record(): Promise<Recorded> {
  const server = await startTestServer()
  const byKey: Recorded['byKey'] = new Map()
  try {
    for (const client of INTEROP_CLIENTS) {
      for (const format of FORMATS) {
        const vcr = new VCR({ cassetteLibraryDir: dirOf(client, format), serializer: format.serializer })
        for (const scenario of format.scenarios) {
          const result = await vcr.useCassette(`${scenario.name}${format.extension}`, async (cassette) => ({
            seen: await sendScenario(client, server.origin, scenario, cassette),
            cassette,
          }))
          byKey.set(keyOf(client, format, scenario), { seen: result.seen, interactions: result.cassette.length })
        }
      }
    }
  } finally {
    await server.close()
  }
  return { origin: server.origin, byKey }
}

/** One process of `peer` replays every cassette written for it. */
function replayedBy(peer: Peer): Promise<{ peerLabel: string; outcomes: Map<string, PeerOutcome> }> {
  if (!replays.has(peer)) replays.set(peer, replay(peer))
  return replays.get(peer)!
}

async function replay(peer: Peer): Promise<{ peerLabel: string; outcomes: Map<string, PeerOutcome> }> {
  const { origin } = await recorded()
  const batches = INTEROP_CLIENTS.flatMap((client) => FORMATS.filter((format) => format.peer === peer).map((format) => ({ client, format })))
  const report = await runPeer(
    peer,
    batches.map(({ client, format }) => ({ origin, dir: dirOf(client, format), serializer: format.peerSerializer, recordMode: 'none', scenarios: format.scenarios })),
  )
  const outcomes = new Map<string, PeerOutcome>()
  batches.forEach(({ client, format }, i) => format.scenarios.forEach((scenario, j) => outcomes.set(keyOf(client, format, scenario), report.runs[i]![j]!)))
  return { peerLabel: report.peer, outcomes }
}

for (const format of FORMATS) {
  const { peer, serializer } = format
  describe(`adapters record (serializer '${serializer}'), ${peer.name} replays with record mode none`, () => {
    for (const client of INTEROP_CLIENTS) {
      for (const scenario of format.scenarios) {
        it(`${scenario.name} recorded through ${client.id}: status, headers and body`, async () => {
          const ours = (await recorded()).byKey.get(keyOf(client, format, scenario))!
          const { peerLabel, outcomes } = await replayedBy(peer)
          const outcome = outcomes.get(keyOf(client, format, scenario))!
          expect(outcome.error, `${peer.name} could not replay ${outcome.cassette}`).toBeNull()
          expect(outcome.allPlayed, `${peer.name} played every interaction`).toBe(true)
          expect(outcome.interactions).toHaveLength(ours.interactions)
          expectSameResponses(peer, client, scenario, outcome.interactions, ours.seen)
          for (const exchange of outcome.interactions) expect(Buffer.from(exchange.bodyBase64, 'base64')).toEqual(format.callerBody(exchange, peerLabel))
        })
      }
    }
  })
}

describe('the formats as written', () => {
  const fileOf = async (format: Format, name: string) => {
    await recorded()
    return readFile(join(dirOf(INTEROP_CLIENTS[0]!, format), `${name}${format.extension}`), 'utf8')
  }

  it("'json' is vcrpy's JSON: four-space indent, version 1, bodies as strings", async () => {
    const text = await fileOf(FORMATS[1]!, 'utf8')
    expect(text).toMatch(/^\{\n {4}"interactions": \[/)
    expect(JSON.parse(text)).toMatchObject({ version: 1, interactions: [{ response: { body: { string: expect.stringContaining('Köln') } } }] })
  })

  it("'ruby-yaml' is Ruby VCR's: http_interactions, the query sorted as webmock sorts it, gzip as base64_string", async () => {
    expect(await fileOf(FORMATS[2]!, 'text-query')).toMatch(/^---\nhttp_interactions:\n- request:\n {4}method: get\n {4}uri: http:\/\/127\.0\.0\.1:\d+\/text\?a=1&b=2&q=caf%C3%A9%20au%20lait\n/)
    const gzip = await fileOf(FORMATS[2]!, 'gzip')
    const [, base64] = /base64_string: (\S+)/.exec(gzip)!
    expect(gunzipSync(Buffer.from(base64!, 'base64')).toString()).toContain('"compressed":true')
    expect(gzip).toMatch(/recorded_at: \w{3}, \d{2} \w{3} \d{4} [\d:]{8} GMT\nrecorded_with: vcrjs\n$/)
  })
})
