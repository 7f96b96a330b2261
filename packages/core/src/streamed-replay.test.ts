import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { handleRequest, type HandledRequest, InvalidOptionError } from './adapter.js'
import type { Cassette } from './cassette.js'
import type { ReplayTiming } from './options.js'
import { VCR } from './vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-stream-'))
})
afterEach(async () => {
  vi.useRealTimers()
  await rm(dir, { recursive: true, force: true })
})

const EVENTS = ['data: {"delta":"Hel"}\n\n', 'data: {"delta":"lo"}\n\n', 'data: [DONE]\n\n']
const GET = { method: 'GET', url: 'http://h.test/sse' }

/** A real body from a list of chunks, whose timing `now` controls (performance.now is what the capture reads). */
async function* chunksOf(list: readonly string[], between: () => void): AsyncGenerator<Buffer> {
  for (const chunk of list) {
    between()
    yield Buffer.from(chunk)
  }
}

/** Records EVENTS with 100 ms before the head and 250 ms before each chunk, by a stubbed clock. */
async function recordEvents(serializer = 'yaml', name = 'sse.yaml'): Promise<string> {
  let clock = 1000
  const now = vi.spyOn(performance, 'now').mockImplementation(() => clock)
  const vcr = new VCR({ cassetteLibraryDir: dir, serializer })
  await vcr.useCassette(name, async (cassette) => {
    const handled = await handleRequest({
      cassette,
      request: GET,
      sendReal: async () => {
        clock += 100
        return { status: 200, headers: { 'Content-Type': 'text/event-stream' }, body: chunksOf(EVENTS, () => (clock += 250)) }
      },
    })
    for await (const _chunk of handled.response.body);
  })
  now.mockRestore()
  return readFile(join(dir, name), 'utf8')
}

function replay(cassette: Cassette): Promise<HandledRequest> {
  return handleRequest({ cassette, request: GET, sendReal: () => Promise.reject(new Error('replay must not reach the network')) })
}

describe('a streamed body in the cassette', () => {
  it('is stored whole in body.string, with [byte length, delay ms] pairs and the head wait under response.stream', async () => {
    const text = await recordEvents()
    expect(text).toContain(`      string: ${JSON.stringify(EVENTS.join(''))}`)
    expect(text).toContain(['    stream:', '      head_ms: 100', '      chunks:', '      - [23, 250]', '      - [22, 250]', '      - [14, 250]'].join('\n'))
  })

  it('reads back the same through PyYAML (vcrpy), with the body whole and readable', async () => {
    const text = await recordEvents()
    const python = spawnSync(
      '/usr/bin/python3',
      ['-c', 'import sys, json, yaml; print(json.dumps(yaml.load(sys.stdin.read(), Loader=yaml.SafeLoader)))'],
      { input: text, encoding: 'utf8' },
    )
    expect(python.stderr, 'needs PyYAML: apt-get install python3-yaml').toBe('')
    const response = JSON.parse(python.stdout).interactions[0].response
    expect(response.body.string).toBe(EVENTS.join(''))
    expect(response.stream).toEqual({ head_ms: 100, chunks: [[23, 250], [22, 250], [14, 250]] })
  })

  it.each(['yaml', 'json', 'ruby-yaml'])('round-trips through the %s serializer', async (serializer) => {
    await recordEvents(serializer, `sse.${serializer}`)
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer })
    const cassette = await vcr.insertCassette(`sse.${serializer}`, { recordMode: 'none' })
    const stored = cassette.responses[0]!
    expect(stored.chunks).toEqual([23, 22, 14].map((size) => ({ size, delayMs: 250 })))
    expect(stored.headDelayMs).toBe(100)
    await cassette.eject()
  })

  it('a broken stream key fails the load naming where', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const text = (await recordEvents()).replace('- [23, 250]', '- [23]')
    await writeFile(join(dir, 'broken.yaml'), text)
    await expect(vcr.insertCassette('broken.yaml')).rejects.toThrow('interactions[0].response.stream.chunks[0] should be a [byte length, delay ms] pair')
  })
})

describe('replay of a streamed body', () => {
  it('delivers the recorded chunks one by one, as views into the stored bytes', async () => {
    await recordEvents()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const cassette = await vcr.insertCassette('sse.yaml', { recordMode: 'none' })
    const chunks: Uint8Array[] = []
    for await (const chunk of (await replay(cassette)).response.body) chunks.push(chunk)
    expect(chunks.map((chunk) => Buffer.from(chunk).toString())).toEqual(EVENTS)
    const stored = cassette.responses[0]!.body
    expect(chunks.every((chunk) => chunk.buffer === stored.buffer)).toBe(true)
    await cassette.eject()
  })

  it('a response without chunk data (vcrpy, Ruby VCR, older vcrjs) replays as one chunk', async () => {
    const text = await recordEvents()
    await writeFile(join(dir, 'plain.yaml'), text.replace(/ {4}stream:\n( {6}.*\n)+/, ''))
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const cassette = await vcr.insertCassette('plain.yaml', { recordMode: 'none' })
    const chunks: string[] = []
    for await (const chunk of (await replay(cassette)).response.body) chunks.push(Buffer.from(chunk).toString())
    expect(chunks).toEqual([EVENTS.join('')])
    await cassette.eject()
  })

  /** What the client has received after each step of fake time: the head, then chunks. */
  async function timeline(replayTiming: ReplayTiming | undefined, steps: readonly number[]): Promise<string[]> {
    await recordEvents()
    vi.useFakeTimers()
    const vcr = new VCR({ cassetteLibraryDir: dir, ...(replayTiming === undefined ? {} : { replayTiming }) })
    const cassette = await vcr.insertCassette('sse.yaml', { recordMode: 'none' })
    const seen: string[] = []
    const reading = replay(cassette).then(async (handled) => {
      seen.push('head')
      for await (const chunk of handled.response.body) seen.push(Buffer.from(chunk).toString())
    })
    const after: string[] = []
    for (const ms of steps) {
      await vi.advanceTimersByTimeAsync(ms)
      after.push(`${ms}:${seen.length}`)
    }
    await vi.runAllTimersAsync()
    await reading
    expect(seen).toEqual(['head', ...EVENTS])
    await cassette.eject()
    return after
  }

  it("'instant' (the default) waits none of the recorded time (100 ms, then 250 ms per chunk)", async () => {
    expect(await timeline(undefined, [1])).toEqual(['1:4'])
  })

  it("'recorded' waits the recorded time before the head and before each chunk", async () => {
    // head at 100 ms, chunks at 350, 600, 850
    expect(await timeline('recorded', [99, 1, 249, 1, 250, 249, 1])).toEqual(['99:0', '1:1', '249:1', '1:2', '250:3', '249:3', '1:4'])
  })

  it('{ speed: n } divides the recorded waits by n', async () => {
    // head at 10 ms, chunks at 35, 60, 85
    expect(await timeline({ speed: 10 }, [9, 1, 24, 1, 25, 25])).toEqual(['9:0', '1:1', '24:1', '1:2', '25:3', '25:4'])
  })

  it.each([['slow'], [{ speed: 0 }], [{ speed: -1 }], [{ speed: Number.NaN }], [{}], [null]])(
    'an invalid replayTiming (%j) fails at construction, listing what is allowed',
    (replayTiming) => {
      const construct = () => new VCR({ replayTiming: replayTiming as ReplayTiming })
      expect(construct).toThrow(InvalidOptionError)
      expect(construct).toThrow("replayTiming must be 'instant', 'recorded' or { speed: n }")
    },
  )
})

describe('a stream the client stops reading while recording', () => {
  it('is stored with what the client received, marked cut_short, and replays those chunks then ends', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    let n = 0
    // Endless, one event per chunk (object mode keeps them apart); the capture destroys it when the client stops.
    const endless = new Readable({ objectMode: true, read: () => void endless.push(Buffer.from(`data: ${++n}\n\n`)) })
    await vcr.useCassette('cut.yaml', async (cassette) => {
      const handled = await handleRequest({ cassette, request: GET, sendReal: async () => ({ status: 200, body: endless }) })
      let read = 0
      for await (const _chunk of handled.response.body) if (++read === 2) break
    })
    expect(endless.destroyed).toBe(true)
    const text = await readFile(join(dir, 'cut.yaml'), 'utf8')
    expect(text).toContain('      string: "data: 1\\n\\ndata: 2\\n\\n"')
    expect(text).toContain('      cut_short: true')
    const cassette = await vcr.insertCassette('cut.yaml', { recordMode: 'none' })
    expect(cassette.responses[0]!.cutShort).toBe(true)
    const chunks: string[] = []
    for await (const chunk of (await replay(cassette)).response.body) chunks.push(Buffer.from(chunk).toString())
    expect(chunks).toEqual(['data: 1\n\n', 'data: 2\n\n'])
    await cassette.eject()
  })
})
