import type { Polly } from '@pollyjs/core'
import { vcrAdapter } from '@vcrjs/axios'
import { type Cassette, VCR } from '@vcrjs/core'
import { vcrHooks } from '@vcrjs/got'
import { vcrDispatcher } from '@vcrjs/undici'
import axios from 'axios'
import got from 'got'
import { type Dispatcher, MockAgent, setGlobalDispatcher, SnapshotAgent } from 'undici'
import { basename, dirname } from 'node:path'
import { type FixturePaths, fixturePaths } from './fixtures.js'
import { HTTP_REPLAY_LABELS, HTTP_REPLAY_SUBJECTS, httpReplaySubject, isHttpReplaySubject } from './http-replay.js'
import { benchInteraction, REQUEST_HEADERS } from './interactions.js'

// Polly and nock patch Node's http module and global fetch as soon as they are
// imported, so they are imported only by the subjects that use them: every
// other subject runs on an untouched fetch.

/** The tools the replay benchmark drives, each through one client. */
export const REPLAY_SUBJECTS = [
  'floor-fetch',
  'vcrjs-fetch',
  'snapshot-fetch',
  'polly-fetch',
  'nock-fetch',
  'vcrjs-axios',
  'polly-node-http-axios',
  'vcrjs-got',
  ...HTTP_REPLAY_SUBJECTS,
] as const
export type ReplaySubjectName = (typeof REPLAY_SUBJECTS)[number]

export const SUBJECT_LABELS: Record<ReplaySubjectName, string> = {
  'floor-fetch': 'floor: bare MockAgent (fetch)',
  'vcrjs-fetch': 'vcrjs vcrDispatcher (fetch)',
  'snapshot-fetch': 'undici SnapshotAgent (fetch)',
  'polly-fetch': 'Polly.js fetch adapter (fetch)',
  'nock-fetch': 'nock.back lockdown (fetch)',
  'vcrjs-axios': 'vcrjs vcrAdapter (axios)',
  'polly-node-http-axios': 'Polly.js node-http adapter (axios)',
  'vcrjs-got': 'vcrjs vcrHooks (got)',
  ...HTTP_REPLAY_LABELS,
}

/** A tool set up on one cassette: `send` makes the request for interaction `index` and reads its body. */
export interface ReplaySubject {
  send(index: number): Promise<unknown>
  /** Makes every interaction playable again, for the measured pass after the warm-up pass. */
  rewind(): Promise<void>
  close(): Promise<void>
}

export async function replaySubject(name: ReplaySubjectName, dir: string, size: number, origin: string): Promise<ReplaySubject> {
  const paths = fixturePaths(dir, size)
  const url = (index: number) => `${origin}${benchInteraction(index).path}`
  const viaFetch = async (index: number) => (await fetch(url(index), { headers: REQUEST_HEADERS })).text()
  if (isHttpReplaySubject(name)) {
    const cassette = await vcrCassette(paths)
    const subject = httpReplaySubject(name, cassette, size, origin)
    return { send: subject.send, rewind: async () => cassette.rewind(), close: async () => (await subject.close(), await cassette.eject()) }
  }
  switch (name) {
    case 'floor-fetch':
      return withGlobalDispatcher(floorAgent(size, origin), viaFetch)
    case 'vcrjs-fetch': {
      const cassette = await vcrCassette(paths)
      const dispatcher = vcrDispatcher(cassette)
      setGlobalDispatcher(dispatcher)
      return {
        send: viaFetch,
        rewind: async () => cassette.rewind(),
        close: async () => {
          await cassette.eject()
          await dispatcher.close()
        },
      }
    }
    case 'snapshot-fetch': {
      const agent = new SnapshotAgent({ mode: 'playback', snapshotPath: paths.snapshot })
      await agent.loadSnapshots()
      setGlobalDispatcher(agent)
      // close() would save the snapshots back over the fixture; clearing first keeps it untouched.
      return { send: viaFetch, rewind: async () => agent.resetCallCounts(), close: () => (agent.clearSnapshots(), agent.close()) }
    }
    case 'polly-fetch':
      return withPolly(await (await import('./peers.js')).pollyFor(paths, 'fetch', 'replay'), viaFetch)
    case 'nock-fetch':
      return nockBack(paths, viaFetch)
    case 'vcrjs-axios': {
      const cassette = await vcrCassette(paths)
      const client = axios.create({ adapter: vcrAdapter(cassette), responseType: 'text' })
      return {
        send: async (index) => (await client.get<string>(url(index), { headers: REQUEST_HEADERS })).data,
        rewind: async () => cassette.rewind(),
        close: () => cassette.eject(),
      }
    }
    case 'polly-node-http-axios': {
      const client = axios.create({ responseType: 'text' })
      const { pollyFor } = await import('./peers.js')
      return withPolly(await pollyFor(paths, 'node-http', 'replay'), async (index) => (await client.get<string>(url(index), { headers: REQUEST_HEADERS })).data)
    }
    case 'vcrjs-got': {
      const cassette = await vcrCassette(paths)
      const client = got.extend({ hooks: vcrHooks(cassette), retry: { limit: 0 } })
      return {
        send: (index) => client(url(index), { headers: REQUEST_HEADERS }).text(),
        rewind: async () => cassette.rewind(),
        close: () => cassette.eject(),
      }
    }
  }
}

async function vcrCassette(paths: FixturePaths): Promise<Cassette> {
  const vcr = new VCR({ cassetteLibraryDir: dirname(paths.vcrYaml) })
  // Cassettes smaller than the request count are played round after round.
  return vcr.insertCassette(basename(paths.vcrYaml), { recordMode: 'none', allowPlaybackRepeats: true })
}

/**
 * The floor: undici's MockAgent with the same replies registered in advance,
 * behind one persistent intercept that answers from a Map, so its own lookup
 * costs the same at every cassette size and the floor stays a floor.
 */
function floorAgent(size: number, origin: string): MockAgent {
  const replies = new Map<string, { body: Buffer; headers: Record<string, string> }>()
  for (let index = 0; index < size; index++) {
    const interaction = benchInteraction(index)
    replies.set(interaction.path, { body: Buffer.from(interaction.body), headers: interaction.responseHeaders })
  }
  const agent = new MockAgent()
  agent.disableNetConnect()
  agent
    .get(origin)
    .intercept({ path: () => true, method: 'GET' })
    .reply((options) => {
      const reply = replies.get(options.path)
      if (!reply) return { statusCode: 404, data: '' }
      return { statusCode: 200, data: reply.body, responseOptions: { headers: reply.headers } }
    })
    .persist()
  return agent
}

function withGlobalDispatcher(dispatcher: Dispatcher, send: (index: number) => Promise<unknown>): ReplaySubject {
  setGlobalDispatcher(dispatcher)
  return { send, rewind: async () => {}, close: () => dispatcher.close() }
}

function withPolly(polly: Polly, send: (index: number) => Promise<unknown>): ReplaySubject {
  // Polly matches on method and URL without order, so a recording plays any number of times.
  return { send, rewind: async () => {}, close: () => polly.stop() }
}

/** nock consumes an interceptor per request, so a rewind loads the fixture anew. */
async function nockBack(paths: FixturePaths, send: (index: number) => Promise<unknown>): Promise<ReplaySubject> {
  const { default: nock } = await import('nock')
  nock.back.fixtures = dirname(paths.nock)
  nock.back.setMode('lockdown')
  let done = (await nock.back(basename(paths.nock))).nockDone
  return {
    send,
    rewind: async () => {
      done()
      nock.cleanAll()
      done = (await nock.back(basename(paths.nock))).nockDone
    },
    close: async () => {
      done()
      nock.cleanAll()
      nock.restore()
    },
  }
}
