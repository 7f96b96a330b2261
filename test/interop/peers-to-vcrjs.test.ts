import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { VCR } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { type PeerOutcome, runPeer } from '../support/peer-driver.js'
import { type Peer, PEERS, storedBody } from '../support/peer-fixtures.js'
import { JSON_PEER_SCENARIOS, PEER_SCENARIOS, type PeerScenario } from '../support/peer-scenarios.js'
import { COMPRESSED_JSON, startTestServer } from '../support/server.js'
import { suiteTempDir } from '../support/temp.js'
import { expectSameResponses, INTEROP_CLIENTS, sendScenario } from './client-views.js'

// vcrpy and Ruby VCR record the scenarios against the live test server in this
// run; the server is stopped, and every adapter replays their cassettes.

const [VCRPY, RUBY_VCR] = PEERS
const root = suiteTempDir()

interface Recording {
  peer: Peer
  serializer: 'yaml' | 'json'
  scenarios: readonly PeerScenario[]
  /** What a cassette of this recording looks like, checked on every file. */
  expectFormat(text: string): void
}

const RECORDINGS: readonly Recording[] = [
  {
    peer: VCRPY,
    serializer: 'yaml',
    scenarios: PEER_SCENARIOS,
    expectFormat: (text) => expect(text).toMatch(/^interactions:\n[\s\S]*\nversion: 1\n$/),
  },
  {
    // vcrpy's JSON serializer refuses a body that is not UTF-8, so the binary scenarios are not asked of it.
    peer: VCRPY,
    serializer: 'json',
    scenarios: JSON_PEER_SCENARIOS,
    expectFormat: (text) => expect(JSON.parse(text)).toMatchObject({ interactions: expect.any(Array), version: 1 }),
  },
  {
    peer: RUBY_VCR,
    serializer: 'yaml',
    scenarios: PEER_SCENARIOS,
    expectFormat: (text) => expect(text).toMatch(/^---\nhttp_interactions:\n[\s\S]*\nrecorded_with: VCR \d/),
  },
]

const dirOf = (recording: Recording) => join(root, recording.peer.dir, recording.serializer)

interface PeerRecordings {
  /** The origin the cassettes were recorded from; nothing listens there any more. */
  origin: string
  /** The peer and its HTTP client, with the versions that ran. */
  peerLabel: string
  outcomes: Map<Recording, PeerOutcome[]>
}

// One peer process records all of its cassettes, once for the whole file; each
// test awaits it, so a missing peer fails every test that needs it.
const recorded = new Map<Peer, Promise<PeerRecordings>>()

function recordedBy(peer: Peer): Promise<PeerRecordings> {
  if (!recorded.has(peer)) recorded.set(peer, record(peer))
  return recorded.get(peer)!
}

async function record(peer: Peer): Promise<PeerRecordings> {
  const recordings = RECORDINGS.filter((recording) => recording.peer === peer)
  const server = await startTestServer()
  try {
    const report = await runPeer(
      peer,
      recordings.map((recording) => ({ origin: server.origin, dir: dirOf(recording), serializer: recording.serializer, recordMode: 'all', scenarios: recording.scenarios })),
    )
    return { origin: server.origin, peerLabel: report.peer, outcomes: new Map(recordings.map((recording, i) => [recording, report.runs[i]!])) }
  } finally {
    await server.close()
  }
}

async function outcomeOf(recording: Recording, scenario: PeerScenario): Promise<{ origin: string; outcome: PeerOutcome }> {
  const { origin, outcomes } = await recordedBy(recording.peer)
  const outcome = outcomes.get(recording)![recording.scenarios.indexOf(scenario)]!
  expect(outcome.error, `${recording.peer.name} could not record ${scenario.name}`).toBeNull()
  return { origin, outcome }
}

for (const recording of RECORDINGS) {
  const { peer, serializer } = recording
  describe(`${peer.name} records (${serializer}), adapters replay as ${peer.name}'s client saw it live`, () => {
    it(`the cassettes are in ${peer.name}'s own ${serializer} format`, async () => {
      for (const scenario of recording.scenarios) {
        const { outcome } = await outcomeOf(recording, scenario)
        recording.expectFormat(await readFile(join(dirOf(recording), outcome.cassette), 'utf8'))
      }
    })

    for (const scenario of recording.scenarios) {
      for (const client of INTEROP_CLIENTS) {
        it(`${scenario.name} through ${client.id}: status, headers and body`, async () => {
          const { origin, outcome } = await outcomeOf(recording, scenario)
          const vcr = new VCR({ cassetteLibraryDir: dirOf(recording), serializer })
          const replayed = await vcr.useCassette(
            outcome.cassette,
            async (cassette) => ({ views: await sendScenario(client, origin, scenario, cassette), allPlayed: cassette.allPlayed }),
            { recordMode: 'none' },
          )
          expectSameResponses(peer, client, scenario, outcome.interactions, replayed.views)
          expect(replayed.allPlayed, 'every interaction the peer recorded was played').toBe(true)
        })
      }
    }
  })
}

describe('where the peers store differently (the adapters replay every spelling above)', () => {
  const outcome = (recording: Recording, name: string) => outcomeOf(recording, PEER_SCENARIOS.find((scenario) => scenario.name === name)!)

  it("vcrpy keeps the URI as requested; Ruby VCR stores webmock's, query sorted and + as %20, which the default matchers still match", async () => {
    const query = async (recording: Recording) => {
      const text = await readFile(join(dirOf(recording), (await outcome(recording, 'text-query')).outcome.cassette), 'utf8')
      return /uri: http:\/\/127\.0\.0\.1:\d+\/text\?(\S+)/.exec(text)![1]
    }
    expect(await query(RECORDINGS[0]!)).toBe('b=2&a=1&q=caf%C3%A9+au+lait')
    expect(await query(RECORDINGS[2]!)).toBe('a=1&b=2&q=caf%C3%A9%20au%20lait')
  })

  it('vcrpy stores the body urllib3 hands it under Content-Encoding, whoever chose Accept-Encoding: gzip bytes (urllib3 1), or already decoded (urllib3 2)', async () => {
    const { peerLabel } = await recordedBy(VCRPY)
    const urllib3Decodes = /urllib3 [2-9]/.test(peerLabel)
    for (const name of ['gzip', 'gzip-accept-encoding']) {
      const [live] = (await outcome(RECORDINGS[0]!, name)).outcome.interactions
      expect(live!.headers).toContainEqual(['Content-Encoding', 'gzip'])
      const stored = storedBody(live!)
      expect((urllib3Decodes ? stored : gunzipSync(stored)).toString(), peerLabel).toBe(COMPRESSED_JSON)
    }
  })

  it('Net::HTTP inflates gzip when it chose Accept-Encoding, so Ruby VCR stores the inflated body without Content-Encoding', async () => {
    const [inflated] = (await outcome(RECORDINGS[2]!, 'gzip')).outcome.interactions
    expect(inflated!.headers.map(([name]) => name.toLowerCase())).not.toContain('content-encoding')
    expect(Buffer.from(inflated!.bodyBase64, 'base64').toString()).toBe(COMPRESSED_JSON)
    const [compressed] = (await outcome(RECORDINGS[2]!, 'gzip-accept-encoding')).outcome.interactions
    expect(compressed!.headers).toContainEqual(['Content-Encoding', 'gzip'])
    expect(gunzipSync(Buffer.from(compressed!.wireBodyBase64!, 'base64')).toString()).toBe(COMPRESSED_JSON)
  })
})
