import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'

const EVENTS = ['data: {"delta":"Hel"}\n\n', 'data: {"delta":"lo"}\n\n', 'data: {"delta":"!"}\n\n', 'data: [DONE]\n\n']
const GAP_MS = 150

/**
 * A streamed call (Server-Sent Events, as LLM APIs send them) through global
 * fetch: while recording, the first event reaches the caller as soon as the
 * server sends it, not when the stream ends; replay gives the same events
 * offline. Returns whether the replay matched.
 */
export async function demonstrateStreaming(vcr: VCR, dir: string): Promise<boolean> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' })
    EVENTS.forEach((event, i) => setTimeout(() => (i === EVENTS.length - 1 ? res.end(event) : res.write(event)), i * GAP_MS))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/stream`
  const dispatcher = vcrDispatcher()
  const read = async () => {
    const start = performance.now()
    // Node's RequestInit types lack `dispatcher`, which its fetch accepts.
    const response = await fetch(url, { dispatcher } as unknown as RequestInit)
    const got: { text: string; ms: number }[] = []
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) got.push({ text: Buffer.from(chunk).toString(), ms: performance.now() - start })
    return got
  }
  console.log(`\n== streaming (fetch, SSE, one event every ${GAP_MS} ms): recording against ${url}`)
  const live = await vcr.useCassette('streaming.yaml', read)
  for (const event of live) console.log(`   ${event.ms.toFixed(1).padStart(7)} ms  ${JSON.stringify(event.text)}`)
  console.log(`   the first event arrived at ${live[0]!.ms.toFixed(1)} ms, while the server was still streaming`)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  console.log("== streaming: server stopped, replaying offline (replayTiming 'instant')")
  const replayed = await vcr.useCassette('streaming.yaml', read, { recordMode: 'none' })
  for (const event of replayed) console.log(`   ${event.ms.toFixed(1).padStart(7)} ms  ${JSON.stringify(event.text)}`)
  await dispatcher.close()
  const text = await readFile(join(dir, 'streaming.yaml'), 'utf8')
  console.log(`\n-- ${join(dir, 'streaming.yaml')} (response.stream)`)
  console.log(text.slice(text.indexOf('    stream:')).trimEnd())
  console.log('--')
  const same = JSON.stringify(replayed.map((e) => e.text)) === JSON.stringify(live.map((e) => e.text))
  console.log(same ? '   the replay delivered the same events, one by one' : '   the replay differed from the live run')
  return same
}
