import { basename, dirname } from 'node:path'
import { type CassetteOptions, VCR } from '@vcrjs/core'
import { type FetchResult, sendAll, type SentRequest } from './record.js'

/** Replays `requests` from the cassette at `path` through global fetch, record mode `none`: a request it cannot answer fails. */
export async function replayThroughFetch(path: string, origin: string, requests: readonly SentRequest[], options: CassetteOptions = {}): Promise<{ results: FetchResult[]; allPlayed: boolean }> {
  const vcr = new VCR({ cassetteLibraryDir: dirname(path), recordMode: 'none', ...options })
  return vcr.useCassette(basename(path), async (cassette) => {
    const results = await sendAll(cassette, origin, requests)
    return { results, allPlayed: cassette.allPlayed }
  })
}
