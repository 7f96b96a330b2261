import { describe, expect, it } from 'vitest'
import { BodyCapture, type CapturedBody } from './body-capture.js'

const KIB = 1024

/** `count` chunks of `size` bytes, each filled with its own index, as a network source hands them over (each its own buffer). */
function networkChunks(count: number, size: number): Buffer[] {
  return Array.from({ length: count }, (_, index) => Buffer.alloc(size, index))
}

async function* source(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield chunk
}

/** Captures `chunks` and reads the body to its end as a client does: what the client got, and what was stored. */
async function captureAll(chunks: readonly Buffer[], declaredLength: number | undefined): Promise<{ read: Uint8Array[]; stored: CapturedBody }> {
  let stored: CapturedBody | undefined
  const capture = new BodyCapture(source(chunks), declaredLength, (body) => (stored = body))
  const read: Uint8Array[] = []
  for await (const chunk of capture) read.push(chunk)
  await capture.settled
  return { read, stored: stored! }
}

describe('BodyCapture holds the body once (#15)', () => {
  for (const declared of [true, false]) {
    it(`${declared ? 'with' : 'without'} a declared length, the client is handed the very chunks the network yielded, and they are what is stored`, async () => {
      const chunks = networkChunks(16, 64 * KIB)
      const { read, stored } = await captureAll(chunks, declared ? 16 * 64 * KIB : undefined)
      expect(read).toHaveLength(16)
      expect(stored.parts).toHaveLength(16)
      for (const [index, chunk] of chunks.entries()) {
        // Compared as booleans: a failing toBe would print two 64 KiB buffers.
        expect(read[index] === chunk).toBe(true)
        expect(stored.parts[index] === chunk).toBe(true)
      }
      expect(stored.chunks.map((chunk) => chunk.size)).toEqual(chunks.map((chunk) => chunk.length))
    })
  }

  it('a chunk given as a Uint8Array or a string is stored as the Buffer the client reads, over the same memory for a Uint8Array', async () => {
    const array = new Uint8Array([1, 2, 3])
    let stored: CapturedBody | undefined
    const capture = new BodyCapture(
      (async function* () {
        yield array
        yield 'text'
      })(),
      undefined,
      (body) => (stored = body),
    )
    const read: Uint8Array[] = []
    for await (const chunk of capture) read.push(chunk)
    expect(read[0]!.buffer === array.buffer).toBe(true)
    expect(read[0] === stored!.parts[0]).toBe(true)
    expect(read[1] === stored!.parts[1]).toBe(true)
    expect(Buffer.concat(stored!.parts).toString('latin1')).toBe('\x01\x02\x03text')
  })

  it('a body cut short is stored as the very chunks the client read, marked cut short', async () => {
    const chunks = networkChunks(16, 64 * KIB)
    let stored: CapturedBody | undefined
    const capture = new BodyCapture(source(chunks), 16 * 64 * KIB, (body) => (stored = body))
    const reader = capture[Symbol.asyncIterator]()
    const read = [(await reader.next()).value!, (await reader.next()).value!]
    await reader.return!()
    await capture.settled
    expect(stored!.cutShort).toBe(true)
    expect(stored!.parts).toHaveLength(2)
    expect(stored!.parts[0] === read[0] && stored!.parts[1] === read[1]).toBe(true)
    expect(stored!.chunks).toHaveLength(2)
  })

  it('a body longer than its declared length, or a declared length no buffer can hold, is still stored whole', async () => {
    const chunks = networkChunks(4, 10 * KIB)
    // The pump stops keeping bytes only once exactly the declared length arrived; a chunk that crosses it is kept.
    const crossing = await captureAll(chunks, 25 * KIB)
    expect(Buffer.compare(Buffer.concat(crossing.stored.parts), Buffer.concat(chunks))).toBe(0)
    const absurd = await captureAll(chunks, Number.MAX_SAFE_INTEGER)
    expect(Buffer.compare(Buffer.concat(absurd.stored.parts), Buffer.concat(chunks))).toBe(0)
  })

  it('a declared length that lies is not allocated ahead of the bytes', async () => {
    const lie = 1024 * 1024 * KIB
    let stored: CapturedBody | undefined
    const before = process.memoryUsage().arrayBuffers
    const capture = new BodyCapture(source(networkChunks(1, KIB)), lie, (body) => (stored = body))
    const reader = capture[Symbol.asyncIterator]()
    await reader.next()
    // A buffer of the declared size would be 1 GiB of ArrayBuffers held by the capture while it reads.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(lie / 8)
    expect((await reader.next()).done).toBe(true)
    expect(stored!.parts).toHaveLength(1)
  })
})

/** A source the test feeds by hand, as a network does: a chunk, the end or an error, each when the test says. */
function handFed(): { source: AsyncIterable<Buffer>; push(chunk: Buffer): void; end(): void; fail(error: Error): void } {
  const queue: (Buffer | { end: true } | { error: Error })[] = []
  let wake: (() => void) | undefined
  const add = (item: Buffer | { end: true } | { error: Error }) => {
    queue.push(item)
    wake?.()
  }
  return {
    source: (async function* () {
      for (;;) {
        const item = queue.shift()
        if (item === undefined) {
          await new Promise<void>((resolve) => (wake = resolve))
          continue
        }
        if (Buffer.isBuffer(item)) yield item
        else if ('end' in item) return
        else throw item.error
      }
    })(),
    push: (chunk) => add(chunk),
    end: () => add({ end: true }),
    fail: (error) => add({ error }),
  }
}

/** Lets the capture's pump take in what the source was given. */
const pumped = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('BodyCapture hands over what has arrived without waiting (nextReady)', () => {
  it('gives each chunk once it has arrived, nothing before, and the end only once the body is stored', async () => {
    const network = handFed()
    const stored: CapturedBody[] = []
    const capture = new BodyCapture(network.source, undefined, (body) => stored.push(body))
    const reader = capture[Symbol.asyncIterator]()
    await pumped()
    expect(reader.nextReady()).toBeUndefined()
    network.push(Buffer.from('one'))
    network.push(Buffer.from('two'))
    await pumped()
    expect(Buffer.from(reader.nextReady()!.value!).toString()).toBe('one')
    // What nextReady handed over is not handed over again: next() continues after it.
    expect(Buffer.from((await reader.next()).value!).toString()).toBe('two')
    expect(reader.nextReady()).toBeUndefined()
    network.push(Buffer.from('three'))
    network.end()
    await pumped()
    expect(stored).toHaveLength(1)
    expect(Buffer.from(reader.nextReady()!.value!).toString()).toBe('three')
    expect(reader.nextReady()).toEqual({ done: true, value: undefined })
    expect(Buffer.concat(stored[0]!.parts).toString()).toBe('onetwothree')
  })

  it('throws the network error after the chunks that came before it, as next() rejects with it', async () => {
    const network = handFed()
    const capture = new BodyCapture(network.source, undefined, () => {})
    const reader = capture[Symbol.asyncIterator]()
    const cut = new Error('socket hang up')
    network.push(Buffer.from('partial'))
    network.fail(cut)
    await pumped()
    expect(Buffer.from(reader.nextReady()!.value!).toString()).toBe('partial')
    expect(() => reader.nextReady()).toThrow(cut)
    await expect(reader.next()).rejects.toBe(cut)
  })

  it('throws what the store refused the body with (a beforeRecordResponse hook), instead of the end', async () => {
    const network = handFed()
    const refused = new Error('hook says no')
    const capture = new BodyCapture(network.source, undefined, () => {
      throw refused
    })
    const reader = capture[Symbol.asyncIterator]()
    network.push(Buffer.from('body'))
    network.end()
    await pumped()
    expect(Buffer.from(reader.nextReady()!.value!).toString()).toBe('body')
    expect(() => reader.nextReady()).toThrow(refused)
  })
})
