import { spawnSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { VCR } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { type PeerOutcome, runPeer } from '../support/peer-driver.js'
import { type Peer, PEERS } from '../support/peer-fixtures.js'
import { SSE_PEER_SCENARIOS, type PeerScenario } from '../support/peer-scenarios.js'
import { startScriptedSseServer } from '../support/sse-server.js'
import { SSE_ROUTES } from '../support/sse-streams.js'
import { STREAMING_READERS } from '../support/streaming-clients.js'
import { suiteTempDir } from '../support/temp.js'

// vcrjs records the streamed completions through global fetch, reading each
// event as the scripted SSE server sends it, so the cassette gets the chunk
// data under `response.stream`; the server is stopped, and vcrpy and Ruby VCR
// load those files and replay them with record mode none. Both ignore the key
// (vcrpy's VCRHTTPResponse reads only `status`, `headers` and `body.string`
// of a response, vcr/stubs/__init__.py; Ruby VCR's `Response.from_hash` only
// `status`, `headers`, `body`, `http_version` and `adapter_metadata`,
// lib/vcr/structs.rb), and replay the body whole.

const [VCRPY, RUBY_VCR] = PEERS
const root = suiteTempDir()
const PYYAML_READ = fileURLToPath(new URL('../support/pyyaml-read.py', import.meta.url))
const FETCH = STREAMING_READERS.find((reader) => reader.id === 'global fetch')!

interface Format {
  serializer: 'yaml' | 'json' | 'ruby-yaml'
  /** The peer that replays it, and the peer's name for the format. */
  peer: Peer
  peerSerializer: 'yaml' | 'json'
  /** The cassette's extension, as the peer's driver names it. */
  extension: string
  /** The first interaction of a cassette, as the peer's own reader reads the file. */
  readFirst(path: string): Promise<Record<string, unknown>>
}

/** The documents PyYAML builds from `paths`, loaded as vcrpy loads a cassette (test/support/pyyaml-read.py). */
function pyyaml(...paths: string[]): Record<string, unknown>[] {
  const run = spawnSync(VCRPY.command, [PYYAML_READ, ...paths], { encoding: 'utf8' })
  if (run.error || run.status !== 0) throw new Error(`${VCRPY.command} ${PYYAML_READ} failed: ${run.error?.message ?? run.stderr}. On Debian: apt-get install ${VCRPY.install}`)
  return JSON.parse(run.stdout) as Record<string, unknown>[]
}

const FORMATS: readonly Format[] = [
  {
    serializer: 'yaml',
    peer: VCRPY,
    peerSerializer: 'yaml',
    extension: '.yaml',
    readFirst: async (path) => (pyyaml(path)[0]!.interactions as Record<string, unknown>[])[0]!,
  },
  {
    serializer: 'json',
    peer: VCRPY,
    peerSerializer: 'json',
    extension: '.json',
    // vcrpy's JSON serializer is json.loads (vcr/serializers/jsonserializer.py), which reads what JSON.parse reads.
    readFirst: async (path) => JSON.parse(await readFile(path, 'utf8')).interactions[0],
  },
  {
    serializer: 'ruby-yaml',
    peer: RUBY_VCR,
    peerSerializer: 'yaml',
    extension: '.yml',
    readFirst: async (path) => (pyyaml(path)[0]!.http_interactions as Record<string, unknown>[])[0]!,
  },
]

const dirOf = (format: Format) => join(root, format.serializer)
const pathOf = (format: Format, scenario: PeerScenario) => join(dirOf(format), `${scenario.name}${format.extension}`)
const keyOf = (format: Format, scenario: PeerScenario) => `${format.serializer} ${scenario.name}`

/** The events the server sent for the scenario's request, each one write. */
const scriptOf = (scenario: PeerScenario) => SSE_ROUTES[scenario.requests[0]!.path]!

interface Recorded {
  /** The origin the cassettes were recorded from; nothing listens there any more. */
  origin: string
  /** The chunks fetch handed its caller while recording, by keyOf. */
  chunks: Map<string, Buffer[]>
}

// Recorded once for the whole file, and replayed once per peer; each test awaits what it needs.
let recording: Promise<Recorded> | undefined
const recorded = () => (recording ??= record())
const replays = new Map<Peer, Promise<Map<string, PeerOutcome>>>()

async function record(): Promise<Recorded> {
  const server = await startScriptedSseServer(SSE_ROUTES)
  const chunks = new Map<string, Buffer[]>()
  try {
    for (const format of FORMATS) {
      const vcr = new VCR({ cassetteLibraryDir: dirOf(format), serializer: format.serializer })
      for (const scenario of SSE_PEER_SCENARIOS) {
        const { path, ...request } = scenario.requests[0]!
        const read = await vcr.useCassette(`${scenario.name}${format.extension}`, (cassette) => FETCH.read(`${server.origin}${path}`, request, cassette))
        chunks.set(keyOf(format, scenario), read.chunks)
      }
    }
  } finally {
    await server.close()
  }
  return { origin: server.origin, chunks }
}

function replayedBy(peer: Peer): Promise<Map<string, PeerOutcome>> {
  if (!replays.has(peer)) replays.set(peer, replay(peer))
  return replays.get(peer)!
}

async function replay(peer: Peer): Promise<Map<string, PeerOutcome>> {
  const { origin } = await recorded()
  const formats = FORMATS.filter((format) => format.peer === peer)
  const report = await runPeer(
    peer,
    formats.map((format) => ({ origin, dir: dirOf(format), serializer: format.peerSerializer, recordMode: 'none', scenarios: SSE_PEER_SCENARIOS })),
  )
  const outcomes = new Map<string, PeerOutcome>()
  formats.forEach((format, i) => SSE_PEER_SCENARIOS.forEach((scenario, j) => outcomes.set(keyOf(format, scenario), report.runs[i]![j]!)))
  return outcomes
}

for (const format of FORMATS) {
  const { peer, serializer } = format
  describe(`vcrjs records a streamed SSE response through fetch (serializer '${serializer}'); ${peer.name} replays it with record mode none`, () => {
    for (const scenario of SSE_PEER_SCENARIOS) {
      const script = scriptOf(scenario)

      it(`${scenario.name}: fetch got the stream, and the file holds the body whole as text with each event's chunk under response.stream`, async () => {
        const live = (await recorded()).chunks.get(keyOf(format, scenario))!
        // Node's fetch may hand over two chunks that reached it together as one; the core records each as the transport got it.
        expect(Buffer.concat(live).toString()).toBe(script.join(''))
        const response = (await format.readFirst(pathOf(format, scenario))).response as Record<string, unknown>
        expect(response.body).toMatchObject({ string: script.join('') })
        const stream = response.stream as { chunks: [number, number][] }
        expect(stream.chunks.map(([size]) => size)).toEqual(script.map((event) => Buffer.byteLength(event)))
      })

      it(`${scenario.name}: ${peer.name} loads the file, replays it offline, and its client gets the body fetch got, byte for byte`, async () => {
        const live = (await recorded()).chunks.get(keyOf(format, scenario))!
        const text = await readFile(pathOf(format, scenario), 'utf8')
        expect(text, 'the file the peer loads has the extra key').toMatch(serializer === 'json' ? /\n {16}"stream": \{/ : /\n {4}stream:\n/)
        const outcome = (await replayedBy(peer)).get(keyOf(format, scenario))!
        expect(outcome.error, `${peer.name} could not replay ${outcome.cassette}`).toBeNull()
        expect(outcome.allPlayed, `${peer.name} played every interaction`).toBe(true)
        expect(outcome.interactions).toHaveLength(1)
        const [exchange] = outcome.interactions
        expect(exchange!.status).toBe(200)
        expect(exchange!.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1]).toBe('text/event-stream')
        expect(Buffer.from(exchange!.bodyBase64, 'base64')).toEqual(Buffer.concat(live))
      })

      it(`${scenario.name}: vcrjs loads and saves the file again (new_episodes adds one) and the recorded response.stream stays as it was`, async () => {
        await recorded()
        const path = pathOf(format, scenario)
        const before = await format.readFirst(path)
        expect((before.response as { stream?: unknown }).stream).toMatchObject({ chunks: expect.any(Array) })
        const other = SSE_PEER_SCENARIOS.find((candidate) => candidate !== scenario)!
        const { path: otherPath, ...otherRequest } = other.requests[0]!
        const server = await startScriptedSseServer(SSE_ROUTES)
        try {
          const vcr = new VCR({ cassetteLibraryDir: dirOf(format), serializer: format.serializer })
          const length = await vcr.useCassette(
            `${scenario.name}${format.extension}`,
            async (cassette) => {
              await FETCH.read(`${server.origin}${otherPath}`, otherRequest, cassette)
              return cassette.length
            },
            { recordMode: 'new_episodes' },
          )
          expect(length).toBe(2)
        } finally {
          await server.close()
        }
        expect(await readFile(path, 'utf8'), 'the file was written again, with the new interaction').toContain(otherPath)
        expect(await format.readFirst(path)).toEqual(before)
      })
    }
  })
}
