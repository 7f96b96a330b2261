import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type CassetteOptions, handleRequest, VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import type { Dispatcher } from 'undici'
import { benchInteraction, REQUEST_HEADERS } from './interactions.js'
import { REPLAY_REQUESTS, type ReplayResult, requestOrder } from './replay.js'
import { collectGarbage, percentile } from './stats.js'

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

export interface MatchingResult extends Pick<ReplayResult, 'requestsPerSecond' | 'meanUs' | 'p50Us' | 'p99Us'> {
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

/** Passes after the warm-up one; each request reports its fastest. */
export const MATCHING_PASSES = 5

/**
 * 2,000 sequential fetches per row through `vcrDispatcher`, every row (both
 * matchings at every size) in one process with the rows alternated request by
 * request, so the machine's other work weighs on each row alike. A warm-up
 * pass checks every answer; then `MATCHING_PASSES` passes, and each request
 * counts with its fastest time over them: on a busy machine a stall of tens of
 * milliseconds hits one request of one pass, and would otherwise decide a
 * row's mean (see RESULTS.md).
 */
export async function measureMatching(dir: string, origin: string): Promise<MatchingResult[]> {
  const rows = await Promise.all(
    MATCHING_SIZES.flatMap((size) =>
      MATCHING_SUBJECTS.map(async (subject) => {
        const vcr = new VCR({ cassetteLibraryDir: dir })
        const matchOn = MATCH_ON[subject]
        const cassette = await vcr.insertCassette(cassetteName(subject, size), {
          recordMode: 'none',
          allowPlaybackRepeats: true,
          ...(matchOn && { matchOn }),
        })
        const dispatcher: Dispatcher = vcrDispatcher(cassette)
        const requests = Array.from({ length: size }, (_, index) => matchingRequest(subject, index, origin))
        const send = async (index: number) => {
          const { url, body } = requests[index]!
          // `dispatcher` is undici's extension to fetch's options, honoured by Node's global fetch; its
          // type there is the undici-types of @types/node, not the undici 7 the bench installs.
          const response = await fetch(url, { method: 'POST', headers: POST_HEADERS, body, dispatcher: dispatcher as never })
          return response.text()
        }
        return { subject, size, cassette, dispatcher, send, order: requestOrder(size, REPLAY_REQUESTS) }
      }),
    ),
  )
  try {
    for (const row of rows) {
      for (const index of row.order) {
        const body = await row.send(index)
        if (body !== benchInteraction(index).body) throw new Error(`matching ${row.subject} ${row.size} answered request ${index} with ${String(body).slice(0, 200)}`)
      }
    }
    const fastest = rows.map(() => new Float64Array(REPLAY_REQUESTS).fill(Number.POSITIVE_INFINITY))
    for (let pass = 0; pass < MATCHING_PASSES; pass++) {
      for (const row of rows) row.cassette.rewind()
      collectGarbage()
      for (let at = 0; at < REPLAY_REQUESTS; at++) {
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r]!
          const sent = performance.now()
          await row.send(row.order[at]!)
          const time = performance.now() - sent
          if (time < fastest[r]![at]!) fastest[r]![at] = time
        }
      }
    }
    return rows.map(({ subject, size }, r) => {
      const times = fastest[r]!
      const meanMs = times.reduce((sum, time) => sum + time, 0) / REPLAY_REQUESTS
      times.sort()
      return {
        subject,
        size,
        requests: REPLAY_REQUESTS,
        requestsPerSecond: 1000 / meanMs,
        meanUs: meanMs * 1000,
        p50Us: percentile(times, 0.5) * 1000,
        p99Us: percentile(times, 0.99) * 1000,
      }
    })
  } finally {
    for (const row of rows) {
      await row.cassette.eject()
      await row.dispatcher.close()
    }
  }
}
