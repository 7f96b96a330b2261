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
