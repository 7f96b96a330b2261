import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type ReplayTiming, VCR } from '@vcrjs/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type PeerOutcome, runPeer } from '../support/peer-driver.js'
import { type Peer, PEERS } from '../support/peer-fixtures.js'
import { SSE_PEER_SCENARIOS, type PeerScenario } from '../support/peer-scenarios.js'
import { startScriptedSseServer } from '../support/sse-server.js'
import { SSE_ROUTES, SseReader, sseEvents } from '../support/sse-streams.js'
import { STREAMING_READERS } from '../support/streaming-clients.js'
import { suiteTempDir } from '../support/temp.js'
import { expectSameResponses } from './client-views.js'

// vcrpy and Ruby VCR record streamed completions (OpenAI's and Anthropic's
// SSE shapes, chunked, with gaps between events) from the scripted SSE server
// in this run; the server is stopped, and every client reads each cassette
// through vcrjs as a stream. The peers store the body whole and nothing about
// its chunks (vcrpy's VCRConnection.getresponse records `response.read()`,
// vcr/stubs/__init__.py; Ruby VCR's webmock hook records the body Net::HTTP
// read whole, lib/vcr/library_hooks/webmock.rb), so vcrjs replays it as one
// chunk, whatever `replayTiming` says.

const [VCRPY, RUBY_VCR] = PEERS
const root = suiteTempDir()

interface Recording {
  peer: Peer
  serializer: 'yaml' | 'json'
  /** The response of a cassette's only interaction, as the peer's serializer wrote it. */
  storedResponse(text: string): Record<string, unknown>
  /**
   * Whether the body is stored as text. Ruby VCR writes the body in the
   * encoding Net::HTTP gave it (lib/vcr/structs.rb, `Response#to_hash` and
   * `serializable_body`): ASCII-8BIT when the Content-Type names no charset,
   * as `text/event-stream` does not, which Psych writes as `!binary` base64
   * once the body holds a byte above 0x7f.
   */
  bodyAsText: boolean
}

const RECORDINGS: readonly Recording[] = [
  { peer: VCRPY, serializer: 'yaml', storedResponse: (text) => yamlResponse(text, 'interactions'), bodyAsText: true },
  { peer: VCRPY, serializer: 'json', storedResponse: (text) => JSON.parse(text).interactions[0].response, bodyAsText: true },
  { peer: RUBY_VCR, serializer: 'yaml', storedResponse: (text) => yamlResponse(text, 'http_interactions'), bodyAsText: false },
]

/**
 * The `response:` block of a peer's YAML as its keys, read by indentation
 * (neither peer writes flow style for it): enough to tell which keys the
 * peer wrote, without a YAML reader that could hide one.
 */
function yamlResponse(text: string, list: string): Record<string, unknown> {
  expect(text).toMatch(new RegExp(`^(---\\n)?${list}:\\n`))
  const block = /\n {2}response:\n((?: {4}.*\n)+)/.exec(text)
  expect(block, 'a response block').not.toBeNull()
  return Object.fromEntries([...block![1]!.matchAll(/^ {4}(\w+):/gm)].map(([, key]) => [key!, true]))
}

const dirOf = (recording: Recording) => join(root, recording.peer.dir, recording.serializer)

// One peer process records every cassette of that peer, once for the whole file; each test awaits it.
const recorded = new Map<Peer, Promise<{ origin: string; outcomes: Map<Recording, PeerOutcome[]> }>>()

function recordedBy(peer: Peer) {
  if (!recorded.has(peer)) recorded.set(peer, record(peer))
  return recorded.get(peer)!
}

async function record(peer: Peer): Promise<{ origin: string; outcomes: Map<Recording, PeerOutcome[]> }> {
  const recordings = RECORDINGS.filter((recording) => recording.peer === peer)
  const server = await startScriptedSseServer(SSE_ROUTES)
  try {
    const report = await runPeer(
      peer,
      recordings.map((recording) => ({ origin: server.origin, dir: dirOf(recording), serializer: recording.serializer, recordMode: 'all', scenarios: SSE_PEER_SCENARIOS })),
    )
    return { origin: server.origin, outcomes: new Map(recordings.map((recording, i) => [recording, report.runs[i]!])) }
  } finally {
    await server.close()
  }
}

async function outcomeOf(recording: Recording, scenario: PeerScenario): Promise<{ origin: string; outcome: PeerOutcome }> {
  const { origin, outcomes } = await recordedBy(recording.peer)
  const outcome = outcomes.get(recording)![SSE_PEER_SCENARIOS.indexOf(scenario)]!
  expect(outcome.error, `${recording.peer.name} could not record ${scenario.name}`).toBeNull()
  expect(outcome.interactions).toHaveLength(1)
  return { origin, outcome }
}

/** The script the server streamed for the scenario's request. */
const scriptOf = (scenario: PeerScenario) => SSE_ROUTES[scenario.requests[0]!.path]!

afterEach(() => {
  vi.useRealTimers()
})

for (const recording of RECORDINGS) {
  const { peer, serializer } = recording
  describe(`${peer.name} records a streamed SSE response (${serializer}); every client reads it from the cassette as a stream`, () => {
    for (const scenario of SSE_PEER_SCENARIOS) {
      it(`${scenario.name}: ${peer.name}'s client got every event live; the cassette holds the body whole as text, chunked, without chunk data`, async () => {
        const { outcome } = await outcomeOf(recording, scenario)
        const [live] = outcome.interactions
        expect(live!.status).toBe(200)
        expect(sseEvents(Buffer.from(live!.bodyBase64, 'base64'))).toEqual(sseEvents(scriptOf(scenario).join('')))
        const text = await readFile(join(dirOf(recording), outcome.cassette), 'utf8')
        expect(text).toContain('text/event-stream')
        expect(text).toMatch(/Transfer-Encoding[\s\S]*chunked/)
        if (recording.bodyAsText) expect(text).toContain(scenario.name === 'sse-openai' ? 'chat.completion.chunk' : 'message_stop')
        else expect(text).toMatch(/\n {6}encoding: ASCII-8BIT\n {6}string: !binary \|-\n/)
        expect(Object.keys(recording.storedResponse(text)).sort()).toEqual(peer === RUBY_VCR ? ['body', 'headers', 'http_version', 'status'] : ['body', 'headers', 'status'])
      })

      for (const reader of STREAMING_READERS) {
        for (const replayTiming of ['instant', 'recorded'] as const satisfies readonly ReplayTiming[]) {
          it(`${scenario.name} through ${reader.id}, replayTiming '${replayTiming}': ${peer.name}'s client's events, in order, in one chunk`, async () => {
            const { origin, outcome } = await outcomeOf(recording, scenario)
            const [live] = outcome.interactions
            // No chunk data means no recorded waits: with setTimeout faked and never advanced, a wait would never end.
            if (replayTiming === 'recorded') vi.useFakeTimers({ toFake: ['setTimeout'] })
            const vcr = new VCR({ cassetteLibraryDir: dirOf(recording), serializer, replayTiming })
            const { path, ...request } = scenario.requests[0]!
            const replayed = await vcr.useCassette(
              outcome.cassette,
              async (cassette) => {
                const read = await reader.read(`${origin}${path}`, request, cassette)
                const sse = new SseReader()
                const events = read.chunks.flatMap((chunk) => sse.push(chunk))
                return { read, events, allPlayed: cassette.allPlayed }
              },
              { recordMode: 'none' },
            )
            const { status, headers, chunks } = replayed.read
            expect(replayed.events).toEqual(sseEvents(Buffer.from(live!.bodyBase64, 'base64')))
            expect(chunks, 'a cassette without chunk data replays its body as one chunk').toHaveLength(1)
            expectSameResponses(peer, { id: reader.id, dropsWhenInflating: [] }, scenario, outcome.interactions, [{ status, headers, body: Buffer.concat(chunks) }])
            expect(replayed.allPlayed).toBe(true)
          })
        }
      }
    }
  })
}
