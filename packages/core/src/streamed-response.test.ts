import { describe, expect, it } from 'vitest'
import { replayedBody } from './streamed-response.js'

async function read(body: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = []
  for await (const chunk of body) chunks.push(chunk)
  return chunks
}

const timing = (...sizes: number[]) => sizes.map((size) => ({ size, delayMs: 0 }))

describe('replayedBody hands out the stored bytes without copying them per chunk (#15)', () => {
  it('a body loaded from a cassette (one buffer): each chunk is a view into it', async () => {
    const stored = Buffer.from('data: 1\n\ndata: 22\n\n')
    const chunks = await read(replayedBody([stored], timing(9, 10), undefined))
    expect(chunks.map((chunk) => Buffer.from(chunk).toString())).toEqual(['data: 1\n\n', 'data: 22\n\n'])
    expect(chunks.every((chunk) => chunk.buffer === stored.buffer)).toBe(true)
    expect(chunks.map((chunk) => chunk.byteOffset - stored.byteOffset)).toEqual([0, 9])
  })

  it('a body held as the chunks it was recorded in: each chunk is the stored chunk itself', async () => {
    const parts = [Buffer.from('data: 1\n\n'), Buffer.from('data: 22\n\n'), Buffer.from('data: 333\n\n')]
    const chunks = await read(replayedBody(parts, timing(9, 10, 11), undefined))
    expect(chunks).toHaveLength(3)
    expect(chunks.every((chunk, index) => chunk === parts[index])).toBe(true)
  })

  it('chunk data that does not line up with the parts still gives the right chunks', async () => {
    const parts = [Buffer.from('abc'), Buffer.from('defg'), Buffer.from('h')]
    const chunks = await read(replayedBody(parts, timing(2, 0, 4, 2), undefined))
    expect(chunks.map((chunk) => Buffer.from(chunk).toString())).toEqual(['ab', '', 'cdef', 'gh'])
  })

  it('several parts without chunk data are handed out one after the other', async () => {
    const parts = [Buffer.from('one'), Buffer.from('two')]
    const chunks = await read(replayedBody(parts, undefined, undefined))
    expect(chunks.every((chunk, index) => chunk === parts[index])).toBe(true)
  })
})
