import { describe, expect, it } from 'vitest'
import { Response } from './response.js'

/** Chunks as a network hands them over: each its own buffer. */
function parts(): Buffer[] {
  return [Buffer.from('data: 1\n\n'), Buffer.from('data: 22\n\n'), Buffer.from('data: 333\n\n')]
}

describe('a Response whose body is held as the chunks it arrived in (#15)', () => {
  it('gives its length and its parts without concatenating them', () => {
    const chunks = parts()
    const response = new Response({ status: 200, bodyParts: chunks })
    expect(response.bodyLength).toBe(30)
    // Still the very chunks: a concatenation would have dropped them for the one buffer.
    expect(response.bodyParts).toHaveLength(3)
    expect(response.bodyParts.every((part, index) => part === chunks[index])).toBe(true)
  })

  it('concatenates on the first read of body, into a buffer of its own, then holds that and drops the chunks', () => {
    const chunks = parts()
    const response = new Response({ status: 200, bodyParts: chunks })
    const body = response.body
    expect(Buffer.from(body).toString()).toBe('data: 1\n\ndata: 22\n\ndata: 333\n\n')
    expect(response.body).toBe(body)
    expect(response.bodyParts).toEqual([body])
    expect(response.bodyLength).toBe(30)
    body.fill(0x2a)
    expect(chunks.map(String)).toEqual(['data: 1\n\n', 'data: 22\n\n', 'data: 333\n\n'])
  })

  it('carries its body through a spread, as a hook that returns { ...response, headers } does', () => {
    const response = new Response({ status: 200, bodyParts: parts() })
    const rewritten = new Response({ ...response, headers: { 'X-Rewritten': 'yes' } })
    expect(Buffer.from(rewritten.body).toString()).toBe('data: 1\n\ndata: 22\n\ndata: 333\n\n')
    expect(rewritten.headers.get('x-rewritten')).toBe('yes')
  })

  it('keeps chunk timing that adds up to the body, unconcatenated, and drops timing that does not', () => {
    const timing = [9, 10, 11].map((size) => ({ size, delayMs: 5 }))
    const kept = new Response({ status: 200, bodyParts: parts(), chunks: timing })
    expect(kept.chunks).toBe(timing)
    expect(kept.bodyParts).toHaveLength(3)
    expect(new Response({ status: 200, bodyParts: parts(), chunks: timing.slice(1) }).chunks).toBeUndefined()
  })

  it('clones without concatenating', () => {
    const chunks = parts()
    const copy = new Response({ status: 200, bodyParts: chunks }).clone()
    expect(copy.bodyParts.every((part, index) => part === chunks[index])).toBe(true)
  })

  it('one part is the body as it is, and no parts an empty body', () => {
    const only = Buffer.from('whole')
    expect(new Response({ status: 200, bodyParts: [only] }).body).toBe(only)
    expect(new Response({ status: 204, bodyParts: [] }).body).toHaveLength(0)
  })
})
