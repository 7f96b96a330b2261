import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { type CassetteOptions, handleRequest, VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import { setGlobalDispatcher } from 'undici'
import { benchInteraction, REQUEST_HEADERS } from './interactions.js'
import { measurePasses, type PassTimes, REPLAY_REQUESTS, requestOrder } from './replay.js'

/**
 * Matching on the body, the case of GraphQL and LLM APIs where every request
 * goes to one URL, next to default matching at the same cassette sizes. Both
 * cassettes hold the same POSTs with the same JSON bodies; only where they go
 * and what they are matched on differ:
 * - `default`: a URL per interaction, the default `matchOn`;
 * - `body`: every request to one URL, `matchOn: ['method', 'uri', 'body']`.
 */
export const MATCHING_SIZES = [100, 1_000, 5_000]
export const MATCHING_SUBJECTS = ['default', 'body'] as const
export type MatchingSubjectName = (typeof MATCHING_SUBJECTS)[number]

export const MATCHING_LABELS: Record<MatchingSubjectName, string> = {
  default: 'default matchOn, a URL per interaction',
  body: "matchOn ['method', 'uri', 'body'], one URL",
}

const MATCH_ON: Record<MatchingSubjectName, CassetteOptions['matchOn']> = {
  default: undefined,
  body: ['method', 'uri', 'body'],
}

export interface MatchingResult extends PassTimes {
  subject: MatchingSubjectName
  size: number
  requests: number
}

const POST_HEADERS = { ...REQUEST_HEADERS, 'Content-Type': 'application/json' }
const QUERY = 'query Item($id: ID!, $fields: [String!]) { item(id: $id) { id name slug owner { id login } tags price { amount currency } description } }'

function matchingRequest(subject: MatchingSubjectName, index: number, origin: string): { url: string; body: string } {
  return {
    url: subject === 'body' ? `${origin}/graphql` : `${origin}/graphql/${index}`,
    body: JSON.stringify({ operationName: 'Item', query: QUERY, variables: { id: index, fields: ['id', 'name', 'owner', 'tags'] } }),
  }
}

function cassetteName(subject: MatchingSubjectName, size: number): string {
  return `matching-${subject}-${size}.yaml`
}

/**
 * Writes both cassettes of every size through vcrjs itself. The URLs point at
 * `origin`, a loopback port nothing listens on, so a replay that leaked to the
 * network would fail.
 */
export async function writeMatchingFixtures(dir: string, sizes: readonly number[], origin: string): Promise<void> {
  const vcr = new VCR({ cassetteLibraryDir: dir })
  for (const size of sizes) {
    for (const subject of MATCHING_SUBJECTS) {
      const cassette = await vcr.insertCassette(cassetteName(subject, size), { recordMode: 'all' })
      for (let index = 0; index < size; index++) {
        const { url, body } = matchingRequest(subject, index, origin)
        const interaction = benchInteraction(index)
        await handleRequest({
          cassette,
          request: { method: 'POST', url, headers: POST_HEADERS, body },
          sendReal: async () => ({ status: interaction.status, headers: interaction.responseHeaders, body: interaction.body }),
        })
      }
      await cassette.eject()
    }
  }
}

/** An origin on 127.0.0.1 whose port was free a moment ago and is closed now. */
export async function closedOrigin(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

/** 2,000 sequential fetches through `vcrDispatcher`, measured as `measureReplay` measures the other tools. */
export async function measureMatching(subject: MatchingSubjectName, dir: string, size: number, origin: string): Promise<MatchingResult> {
  const vcr = new VCR({ cassetteLibraryDir: dir })
  const matchOn = MATCH_ON[subject]
  const cassette = await vcr.insertCassette(join(dir, cassetteName(subject, size)), {
    recordMode: 'none',
    allowPlaybackRepeats: true,
    ...(matchOn && { matchOn }),
  })
  const dispatcher = vcrDispatcher(cassette)
  setGlobalDispatcher(dispatcher)
  const requests = Array.from({ length: size }, (_, index) => matchingRequest(subject, index, origin))
  const times = await measurePasses(
    `matching ${subject}`,
    {
      send: async (index) => {
        const { url, body } = requests[index]!
        return (await fetch(url, { method: 'POST', headers: POST_HEADERS, body })).text()
      },
      rewind: async () => cassette.rewind(),
      close: async () => {
        await cassette.eject()
        await dispatcher.close()
      },
    },
    requestOrder(size, REPLAY_REQUESTS),
    (index) => benchInteraction(index).body,
  )
  return { subject, size, requests: REPLAY_REQUESTS, ...times }
}
