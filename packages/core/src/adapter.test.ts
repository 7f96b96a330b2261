import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EventEmitter } from 'node:events'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  assertAdapterOptions,
  assertCassetteArgument,
  type HandledRequest,
  handleRequest,
  InvalidOptionError,
  readRequestBody,
  type RealResponse,
  toNodeHeaders,
  UnsupportedRequestError,
  wholeBodyBytes,
} from './adapter.js'
import type { Cassette } from './cassette.js'
import { VCR } from './vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-adapter-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** A real body the test feeds chunk by chunk, as a network would. */
function controlledBody() {
  const chunks: (Buffer | Error | null)[] = []
  let wake = () => {}
  let destroyed = false
  const body = {
    destroy: () => {
      destroyed = true
      wake()
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (destroyed) return
        const next = chunks.shift()
        if (next === undefined) await new Promise<void>((resolve) => (wake = resolve))
        else if (next === null) return
        else if (next instanceof Error) throw next
        else yield next
      }
    },
  }
  const feed = (item: Buffer | Error | null) => {
    chunks.push(item)
    wake()
  }
  return { body, feed, get destroyed() { return destroyed } }
}

const GET = { method: 'GET', url: 'http://h.test/stream' }

function send(cassette: Cassette | undefined, real: RealResponse, request = GET): Promise<HandledRequest> {
  return handleRequest({ cassette, request, sendReal: async () => real })
}

async function text(handled: HandledRequest): Promise<string> {
  let out = ''
  for await (const chunk of handled.response.body) out += Buffer.from(chunk).toString()
  return out
}

describe('handleRequest', () => {
  it("says what it did: 'record', then 'replay'; 'passthrough' without a cassette or for an ignored host", async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, ignoreHosts: ['ignored.test'] })
    const real = { status: 200, body: 'live' }
    const actions = await vcr.useCassette('a.yaml', async (cassette) => [
      (await send(cassette, real)).action,
      (await send(cassette, real, { method: 'GET', url: 'http://ignored.test/' })).action,
    ])
    const replayed = await vcr.useCassette('a.yaml', (cassette) => send(cassette, real), { recordMode: 'none' })
    expect([...actions, replayed.action, (await send(undefined, real)).action]).toEqual(['record', 'passthrough', 'replay', 'passthrough'])
    expect(await text(replayed)).toBe('live')
  })

  it('hands the client each chunk as it arrives and stores the interaction, with its chunk boundaries, only when the body ends', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const cassette = await vcr.insertCassette('s.yaml')
    const source = controlledBody()
    const handled = await send(cassette, { status: 200, headers: { 'Content-Type': 'text/event-stream' }, body: source.body })
    const reader = handled.response.body[Symbol.asyncIterator]()
    source.feed(Buffer.from('data: 1\n\n'))
    expect(Buffer.from((await reader.next()).value!).toString()).toBe('data: 1\n\n')
    expect(cassette.length).toBe(0)
    source.feed(Buffer.from('data: 2\n\n'))
    source.feed(null)
    expect(Buffer.from((await reader.next()).value!).toString()).toBe('data: 2\n\n')
    expect((await reader.next()).done).toBe(true)
    expect(cassette.length).toBe(1)
    const stored = cassette.responses[0]!
    expect(Buffer.from(stored.body).toString()).toBe('data: 1\n\ndata: 2\n\n')
    expect(stored.chunks?.map((chunk) => chunk.size)).toEqual([9, 9])
    expect(stored.chunks?.every((chunk) => chunk.delayMs >= 0)).toBe(true)
    await cassette.eject()
  })

  it('a body that fails mid-way fails the client with that error and is not stored', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const source = controlledBody()
    const cut = Object.assign(new Error('aborted'), { code: 'ECONNRESET' })
    const outcome = await vcr.useCassette('f.yaml', async (cassette) => {
      const handled = await send(cassette, { status: 200, body: source.body })
      source.feed(Buffer.from('half'))
      source.feed(cut)
      return { error: await text(handled).catch((error: unknown) => error), length: cassette.length }
    })
    expect(outcome).toEqual({ error: cut, length: 0 })
    await expect(readFile(join(dir, 'f.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('a client that stops reading cancels the real body; what it received is stored, marked cut short', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const source = controlledBody()
    const stored = await vcr.useCassette('c.yaml', async (cassette) => {
      const handled = await send(cassette, { status: 200, body: source.body })
      source.feed(Buffer.from('first'))
      source.feed(Buffer.from('second'))
      for await (const _chunk of handled.response.body) break
      return cassette.responses.map((response) => [Buffer.from(response.body).toString(), response.cutShort])
    })
    expect(stored).toEqual([['first', true]])
    expect(source.destroyed).toBe(true)
    expect(await readFile(join(dir, 'c.yaml'), 'utf8')).toContain('cut_short: true')
  })

  it('a client that stops before any chunk cancels the real body, and nothing is stored', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const source = controlledBody()
    const length = await vcr.useCassette('n.yaml', async (cassette) => {
      const handled = await send(cassette, { status: 200, body: source.body })
      await handled.response.body[Symbol.asyncIterator]().return?.()
      return cassette.length
    })
    expect(length).toBe(0)
    expect(source.destroyed).toBe(true)
    await expect(readFile(join(dir, 'n.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('eject waits for a body still arriving that the client never reads, then saves it', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const cassette = await vcr.insertCassette('e.yaml')
    const source = controlledBody()
    await send(cassette, { status: 200, body: source.body })
    const ejected = cassette.eject()
    source.feed(Buffer.from('late body'))
    source.feed(null)
    await ejected
    expect(await readFile(join(dir, 'e.yaml'), 'utf8')).toContain('late body')
  })

  it('an error beforeRecordResponse throws fails the client when its body ends', async () => {
    const failure = new Error('hook refused')
    const vcr = new VCR({
      cassetteLibraryDir: dir,
      beforeRecordResponse: () => {
        throw failure
      },
    })
    const source = controlledBody()
    const error = await vcr.useCassette('h.yaml', async (cassette) => {
      const handled = await send(cassette, { status: 200, body: source.body })
      source.feed(Buffer.from('body'))
      source.feed(null)
      return text(handled).catch((e: unknown) => e)
    })
    expect(error).toBe(failure)
  })

  it('every replay hands out its own response: changing one changes neither the cassette nor the next', async () => {
    await writeFile(
      join(dir, 'r.yaml'),
      "interactions:\n- request:\n    body: null\n    headers: {}\n    method: GET\n    uri: http://h.test/stream\n  response:\n    body:\n      string: 'kept'\n    headers:\n      Set-Cookie:\n      - a=1\n    status:\n      code: 200\n      message: OK\nversion: 1\n",
    )
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none', allowPlaybackRepeats: true })
    const [first, second, stored] = await vcr.useCassette('r.yaml', async (cassette) => {
      const one = await send(cassette, { status: 500 })
      one.response.headers.delete('set-cookie')
      return [one.response, (await send(cassette, { status: 500 })).response, cassette.responses[0]!]
    })
    expect(first).not.toBe(second)
    expect(second!.headers.get('set-cookie')).toBe('a=1')
    expect(stored!.headers.get('set-cookie')).toBe('a=1')
  })

  it('wholeBodyBytes gives the bytes of a body the core holds whole (a replay), and nothing for one still streaming', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const cassette = await vcr.insertCassette('w.yaml')
    const real = controlledBody()
    const recording = await send(cassette, { status: 200, body: real.body })
    expect(wholeBodyBytes(recording.response.body)).toBeUndefined()
    real.feed(Buffer.from('whole'))
    real.feed(null)
    expect(await text(recording)).toBe('whole')
    await cassette.eject()
    const again = await vcr.insertCassette('w.yaml', { recordMode: 'none' })
    const replay = await send(again, { status: 500 })
    expect(replay.action).toBe('replay')
    expect(Buffer.from(wholeBodyBytes(replay.response.body)!).toString()).toBe('whole')
    expect(await text(replay)).toBe('whole')
    await again.eject()
  })

  it('fails by rejecting, never by throwing, whatever it is given', async () => {
    const notACassette = { path: 'x.yaml' } as unknown as Cassette
    let returned: Promise<HandledRequest> | undefined
    expect(() => (returned = handleRequest({ cassette: notACassette, request: GET, sendReal: async () => ({ status: 200 }) }))).not.toThrow()
    await expect(returned).rejects.toThrow(TypeError)
    const ejected = await new VCR({ cassetteLibraryDir: dir }).insertCassette('e.yaml')
    await ejected.eject()
    await expect(send(ejected, { status: 200 })).rejects.toMatchObject({ code: 'VCR_CASSETTE_EJECTED' })
  })
})

describe('what every adapter needs once', () => {
  it('assertCassetteArgument accepts a cassette or undefined and refuses options in its place, saying how to call it', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const cassette = await vcr.insertCassette('x.yaml')
    expect(() => assertCassetteArgument(cassette, 'vcrThing', 'vcrThing(undefined, {})')).not.toThrow()
    expect(() => assertCassetteArgument(undefined, 'vcrThing', 'vcrThing(undefined, {})')).not.toThrow()
    const error = (() => {
      try {
        assertCassetteArgument({ allowHttpWithoutCassette: false }, 'vcrThing', 'vcrThing(undefined, { allowHttpWithoutCassette: false })')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect((error as InvalidOptionError).option).toBe('cassette')
    expect((error as Error).message).toBe(
      'vcrThing(cassette, options) takes a Cassette (from vcr.useCassette or vcr.insertCassette) or undefined as its first argument; ' +
        'got an object with keys allowHttpWithoutCassette. Pass options second, e.g. vcrThing(undefined, { allowHttpWithoutCassette: false }).',
    )
    await cassette.eject()
  })

  it('assertAdapterOptions: allowHttpWithoutCassette for every adapter, its own checks, unknown names refused unless passed on', () => {
    const spec = { factory: 'vcrThing', options: { level: (v: unknown) => (v === undefined || v === 1 ? undefined : 'must be 1') } }
    expect(() => assertAdapterOptions({ allowHttpWithoutCassette: false, level: 1 }, spec)).not.toThrow()
    expect(() => assertAdapterOptions({ allowHttpWithoutCassette: 'yes' }, spec)).toThrow("vcrThing option 'allowHttpWithoutCassette' must be true or false; got \"yes\"")
    expect(() => assertAdapterOptions({ level: 2 }, spec)).toThrow("vcrThing option 'level' must be 1")
    expect(() => assertAdapterOptions({ levl: 1 }, spec)).toThrow("Unknown vcrThing option 'levl'; the options are: allowHttpWithoutCassette, level")
    expect(() => assertAdapterOptions({ keepAlive: true }, { ...spec, passesOn: 'http.Agent options' })).not.toThrow()
    expect(() => assertAdapterOptions(null, spec)).toThrow(InvalidOptionError)
  })

  it('readRequestBody reads every body form into bytes, null for none or empty, and refuses what it cannot read', async () => {
    async function* generated() {
      yield 'a'
      yield new Uint8Array([0x62])
    }
    const oldStyle = Object.assign(new EventEmitter(), { resume() {} })
    const read = readRequestBody(oldStyle)
    oldStyle.emit('data', Buffer.from('old-'))
    oldStyle.emit('data', 'style')
    oldStyle.emit('end')
    expect((await read)?.toString()).toBe('old-style')
    expect((await readRequestBody('text'))?.toString()).toBe('text')
    expect((await readRequestBody(new Uint8Array([1, 2])))?.equals(Buffer.from([1, 2]))).toBe(true)
    expect((await readRequestBody(new Blob(['blob'])))?.toString()).toBe('blob')
    expect((await readRequestBody(generated()))?.toString()).toBe('ab')
    expect(await readRequestBody('')).toBeNull()
    expect(await readRequestBody(undefined)).toBeNull()
    await expect(readRequestBody(42)).rejects.toBeInstanceOf(UnsupportedRequestError)
    await expect(readRequestBody([{}])).rejects.toThrow('a streamed body must yield strings or bytes')
  })

  it("toNodeHeaders folds as IncomingMessage.headers does: single-valued keep the first, Set-Cookie a list, others joined", () => {
    const headers = toNodeHeaders([
      ['Content-Type', 'text/plain'],
      ['content-type', 'text/html'],
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['X-Many', '1'],
      ['x-many', '2'],
      ['Cookie', 'c=3'],
      ['cookie', 'd=4'],
    ])
    expect(headers).toEqual({ 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'], 'x-many': '1, 2', cookie: 'c=3; d=4' })
  })
})
