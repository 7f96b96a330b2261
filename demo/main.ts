/**
 * The vcrjs demo (`pnpm demo`): for each client in demo/clients.ts, make a
 * few realistic calls against an embedded local server while recording a
 * cassette, stop the server, replay the same calls offline, and show the
 * cassette and both timings. Exits non-zero unless every replay matched its
 * live run without reaching the network.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { type RecordMode, VCR } from '@vcrjs/core'
import { startTestServer } from '../test/support/server.js'
import { CALLS } from './calls.js'
import { CLIENTS } from './clients.js'
import { demonstrateStreaming } from './streaming.js'
import type { DemoClient, DemoResponse } from './demo-client.js'

interface CallResult {
  response: DemoResponse
  ms: number
}

async function main(): Promise<boolean> {
  // The demo sets the record mode of each phase itself; an exported
  // VCR_RECORD_MODE (which overrides every mode) would turn the offline
  // replay into a live call against the stopped server.
  if (process.env.VCR_RECORD_MODE) console.log(`(ignoring VCR_RECORD_MODE=${process.env.VCR_RECORD_MODE}: the demo picks each phase's mode)`)
  delete process.env.VCR_RECORD_MODE
  const dir = await mkdtemp(join(tmpdir(), 'vcrjs-demo-'))
  const vcr = new VCR({ cassetteLibraryDir: dir })
  console.log('vcrjs demo: record real HTTP traffic into a cassette, then replay it offline.')
  console.log(`Cassettes go to ${dir}`)
  let allMatched = true
  for (const client of CLIENTS) allMatched = (await demonstrate(client, vcr, dir)) && allMatched
  allMatched = (await demonstrateStreaming(vcr, dir)) && allMatched
  console.log(allMatched ? '\nEvery replay matched its live run.' : '\nSome replays did not match their live run.')
  return allMatched
}

async function demonstrate(client: DemoClient, vcr: VCR, dir: string): Promise<boolean> {
  const cassette = `${client.name}.yaml`
  const server = await startTestServer()
  console.log(`\n== ${client.name}: recording against ${server.origin}`)
  const live = await timed(() => runCalls(client, vcr, cassette, server.origin, 'once'))
  const liveHits = server.hits
  printCalls(live.value)
  console.log(`   recorded ${CALLS.length} calls in ${ms(live.ms)} (the server answered ${liveHits} requests)`)

  await server.close()
  console.log(`== ${client.name}: server stopped, replaying offline (record mode 'none')`)
  const replayed = await timed(() => runCalls(client, vcr, cassette, server.origin, 'none'))
  const matches = replayed.value.map((result, i) => isDeepStrictEqual(result.response, live.value[i]!.response))
  printCalls(replayed.value, matches)
  const offline = server.hits === liveHits
  console.log(`   replayed ${CALLS.length} calls in ${ms(replayed.ms)} (the server answered ${server.hits - liveHits} requests)`)

  console.log(`\n-- ${join(dir, cassette)}`)
  console.log((await readFile(join(dir, cassette), 'utf8')).trimEnd())
  console.log('--')

  const matched = offline && matches.every(Boolean)
  const speedup = replayed.ms > 0 ? ` (${Math.round(live.ms / replayed.ms)}x faster)` : ''
  console.log(
    matched
      ? `${client.name}: the replay matched the live run. Recorded in ${ms(live.ms)}, replayed in ${ms(replayed.ms)}${speedup}.`
      : `${client.name}: the replay did NOT match the live run${offline ? '' : ', and it reached the network'}.`,
  )
  return matched
}

/** Makes every call through one client session inside `vcr.useCassette`, as a test would. */
async function runCalls(client: DemoClient, vcr: VCR, cassette: string, origin: string, recordMode: RecordMode): Promise<CallResult[]> {
  const session = client.start()
  try {
    return await vcr.useCassette(
      cassette,
      async () => {
        const results: CallResult[] = []
        for (const call of CALLS) {
          const { value: response, ms } = await timed(() => session.send(`${origin}${call.path}`, call))
          results.push({ response, ms })
        }
        return results
      },
      { recordMode },
    )
  } finally {
    await session.close()
  }
}

function printCalls(results: CallResult[], matches?: boolean[]): void {
  results.forEach(({ response, ms: took }, i) => {
    const call = CALLS[i]!
    const mark = matches ? (matches[i] ? ' same as live' : ' DIFFERS from live') : ''
    console.log(
      `   ${call.method.padEnd(4)} ${call.path.padEnd(14)} ${response.status}  ${String(response.body.length).padStart(4)} B  ${ms(took).padStart(8)}  ${call.label}${mark}`,
    )
  })
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await fn()
  return { value, ms: performance.now() - started }
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`
}

main().then(
  (ok) => {
    process.exitCode = ok ? 0 : 1
  },
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  },
)
