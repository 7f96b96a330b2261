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
  it('with a declared length, every chunk the client reads is a view of the stored body, which is not a copy made at the end', async () => {
    const chunks = networkChunks(16, 64 * KIB)
    const { read, stored } = await captureAll(chunks, 16 * 64 * KIB)
    expect(Buffer.compare(stored.bytes, Buffer.concat(chunks))).toBe(0)
    expect(stored.bytes.buffer.byteLength).toBe(stored.bytes.length)
    expect(read).toHaveLength(16)
    let offset = 0
    for (const [index, chunk] of read.entries()) {
      // Compared as booleans: a failing toBe would print two 1 MiB buffers.
      expect(chunk.buffer === stored.bytes.buffer).toBe(true)
      expect(chunk.byteOffset).toBe(stored.bytes.byteOffset + offset)
      expect(chunk.byteLength).toBe(chunks[index]!.length)
      offset += chunk.byteLength
    }
    expect(stored.chunks.map((chunk) => chunk.size)).toEqual(chunks.map((chunk) => chunk.length))
  })

  it('without a declared length, the stored body is the buffer the client read its last chunks from, with less than half of it spare', async () => {
    const chunks = networkChunks(40, 32 * KIB)
    const { read, stored } = await captureAll(chunks, undefined)
    expect(Buffer.compare(stored.bytes, Buffer.concat(chunks))).toBe(0)
    expect(Buffer.compare(Buffer.concat(read), stored.bytes)).toBe(0)
    const last = read.at(-1)!
    expect(last.buffer === stored.bytes.buffer).toBe(true)
    expect(last.byteOffset + last.byteLength).toBe(stored.bytes.byteOffset + stored.bytes.length)
    expect(stored.bytes.buffer.byteLength).toBeLessThan(2 * stored.bytes.length)
    // The network's own chunks are not what the client holds: it reads the stored copy.
    for (const chunk of read) expect(chunks.some((network) => network.buffer === chunk.buffer)).toBe(false)
  })

  it('a body cut short is stored as the chunks the client read, in a buffer of their size, not the declared one', async () => {
    const chunks = networkChunks(16, 64 * KIB)
    let stored: CapturedBody | undefined
    const capture = new BodyCapture(source(chunks), 16 * 64 * KIB, (body) => (stored = body))
    const reader = capture[Symbol.asyncIterator]()
    const read = [(await reader.next()).value!, (await reader.next()).value!]
    await reader.return!()
    await capture.settled
    expect(stored!.cutShort).toBe(true)
    expect(Buffer.compare(stored!.bytes, Buffer.concat(read))).toBe(0)
    expect(stored!.bytes.length).toBe(2 * 64 * KIB)
    expect(stored!.bytes.buffer.byteLength).toBe(2 * 64 * KIB)
    expect(stored!.chunks).toHaveLength(2)
  })

  it('a body longer than its declared length, or a declared length no buffer can hold, is still stored whole', async () => {
    const chunks = networkChunks(4, 10 * KIB)
    // The pump stops keeping bytes only once exactly the declared length arrived; a chunk that crosses it is kept.
    const crossing = await captureAll(chunks, 25 * KIB)
    expect(Buffer.compare(crossing.stored.bytes, Buffer.concat(chunks))).toBe(0)
    const absurd = await captureAll(chunks, Number.MAX_SAFE_INTEGER)
    expect(Buffer.compare(absurd.stored.bytes, Buffer.concat(chunks))).toBe(0)
  })
})
