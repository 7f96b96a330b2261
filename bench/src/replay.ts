import { benchInteraction } from './interactions.js'
import { type ReplaySubjectName, replaySubject } from './replay-subjects.js'
import { collectGarbage, percentile } from './stats.js'

export const REPLAY_REQUESTS = 2_000

export interface ReplayResult {
  subject: ReplaySubjectName
  size: number
  requests: number
  requestsPerSecond: number
  /** Mean time per request, in microseconds. */
  meanUs: number
  p50Us: number
  p99Us: number
}

/**
 * Which interaction each request asks for: spread over the whole cassette
 * when it holds at least as many interactions as there are requests, so a
 * large cassette is looked up everywhere; round after round otherwise.
 */
export function requestOrder(size: number, requests: number): number[] {
  return Array.from({ length: requests }, (_, at) => (size >= requests ? Math.floor((at * size) / requests) : at % size))
}

export const MEASURED_PASSES = 3

/**
 * One pass to warm the code paths up (and check every answer), then
 * `MEASURED_PASSES` measured passes with a rewind before each; the fastest
 * pass is reported, the one the machine's other work disturbed least.
 * Requests are sequential, like a test's.
 */
export async function measureReplay(name: ReplaySubjectName, dir: string, size: number, origin: string, requests = REPLAY_REQUESTS): Promise<ReplayResult> {
  const subject = await replaySubject(name, dir, size, origin)
  const order = requestOrder(size, requests)
  try {
    // The warm-up pass also proves every tool answers with the recorded body, not an error page.
    for (const index of order) {
      const body = await subject.send(index)
      if (body !== benchInteraction(index).body) throw new Error(`${name} answered request ${index} with ${JSON.stringify(body).slice(0, 200)}`)
    }
    let best: { total: number; times: Float64Array } | undefined
    for (let pass = 0; pass < MEASURED_PASSES; pass++) {
      await subject.rewind()
      collectGarbage()
      const times = new Float64Array(requests)
      const start = performance.now()
      for (let at = 0; at < requests; at++) {
        const sent = performance.now()
        await subject.send(order[at]!)
        times[at] = performance.now() - sent
      }
      const total = performance.now() - start
      if (!best || total < best.total) best = { total, times }
    }
    const { total, times } = best!
    times.sort()
    return {
      subject: name,
      size,
      requests,
      requestsPerSecond: (requests / total) * 1000,
      meanUs: (total / requests) * 1000,
      p50Us: percentile(times, 0.5) * 1000,
      p99Us: percentile(times, 0.99) * 1000,
    }
  } finally {
    await subject.close()
  }
}
