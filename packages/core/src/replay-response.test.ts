import * as zlib from 'node:zlib'
import { describe, expect, it, vi } from 'vitest'
import { replayResponse } from './replay-response.js'
import { Response } from './response.js'

// A spy that still decodes: counts how often the replay path decodes a brotli body.
vi.mock('node:zlib', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:zlib')>()
  return { ...actual, brotliDecompressSync: vi.fn(actual.brotliDecompressSync) }
})

const TEXT = '{"hello":"world","items":[1,2,3]}'

function stored(coding: string | undefined, body: Buffer, length: number = body.length): Response {
  const headers: [string, string][] = [['Content-Type', 'application/json']]
  if (coding !== undefined) headers.push(['Content-Encoding', coding])
  headers.push(['Content-Length', String(length)])
  return new Response({ status: 200, headers, body })
}

const ENCODERS: Record<string, (text: string) => Buffer> = {
  gzip: (text) => zlib.gzipSync(text),
  'x-gzip': (text) => zlib.gzipSync(text),
  deflate: (text) => zlib.deflateSync(text),
  br: (text) => zlib.brotliCompressSync(text),
}

describe('replayResponse: Content-Encoding over a body that is not so encoded (vcrpy 4.3.1+ with urllib3 2, aiohttp, old httpx)', () => {
  for (const coding of ['gzip', 'x-gzip', 'deflate', 'br', 'zstd']) {
    it(`${coding}: an already decoded body is served as stored, without Content-Encoding, its length corrected`, () => {
      const response = replayResponse(stored(coding, Buffer.from(TEXT), 7), 'GET')
      expect(response.headers.has('content-encoding')).toBe(false)
      expect(response.headers.get('content-length')).toBe(String(TEXT.length))
      expect(Buffer.from(response.body).toString()).toBe(TEXT)
    })
  }

  for (const [coding, encode] of Object.entries(ENCODERS)) {
    it(`${coding}: an encoded body keeps its header and is handed over untouched`, () => {
      const original = stored(coding, encode(TEXT))
      expect(replayResponse(original, 'GET')).toBe(original)
    })
  }

  it('raw deflate (no zlib header), which servers also send as deflate, is recognised as encoded', () => {
    const original = stored('deflate', zlib.deflateRawSync(TEXT))
    expect(replayResponse(original, 'GET')).toBe(original)
  })

  it('zstd frames are told by their magic number, on any Node (no decoder needed)', () => {
    const frame = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.from('rest of a frame')])
    const original = stored('zstd', frame)
    expect(replayResponse(original, 'GET')).toBe(original)
  })

  it('the outermost coding (the last listed) is the one checked', () => {
    const decodedThenGzipped = stored('br, gzip', zlib.gzipSync(zlib.brotliCompressSync(TEXT)))
    expect(replayResponse(decodedThenGzipped, 'GET').headers.get('content-encoding')).toBe('br, gzip')
    const notGzipped = replayResponse(stored('gzip, br', Buffer.from(TEXT)), 'GET')
    expect(notGzipped.headers.has('content-encoding')).toBe(false)
  })

  it('an unknown coding is left to the client', () => {
    const original = stored('compress', Buffer.from(TEXT))
    expect(replayResponse(original, 'GET').headers.get('content-encoding')).toBe('compress')
  })

  it('an empty body (HEAD, 304) keeps its Content-Encoding', () => {
    const original = new Response({ status: 304, headers: [['Content-Encoding', 'gzip']], body: '' })
    expect(replayResponse(original, 'GET')).toBe(original)
  })

  it('a brotli verdict is reached once per stored response, however often it replays', () => {
    const decode = vi.mocked(zlib.brotliDecompressSync)
    decode.mockClear()
    const original = stored('br', Buffer.from(TEXT))
    for (let i = 0; i < 3; i++) expect(replayResponse(original, 'GET').headers.has('content-encoding')).toBe(false)
    expect(decode).toHaveBeenCalledTimes(1)
  })
})

describe('replayResponse: Content-Length agrees with the stored body', () => {
  it('a length kept from before the peer inflated the body (Ruby 3.1 Net::HTTP) becomes the stored body length', () => {
    const response = replayResponse(stored(undefined, Buffer.from(TEXT), 108), 'GET')
    expect(response.headers.getAll('content-length')).toEqual([String(TEXT.length)])
    expect(response.headers.entries().map(([name]) => name)).toEqual(['Content-Type', 'Content-Length'])
  })

  it('a response that already agrees is handed over as stored, without a copy', () => {
    const original = stored(undefined, Buffer.from(TEXT))
    expect(replayResponse(original, 'GET')).toBe(original)
  })

  it('HEAD, 204 and 304 keep the length of the body they describe', () => {
    const head = stored(undefined, Buffer.alloc(0), 219)
    expect(replayResponse(head, 'HEAD').headers.get('content-length')).toBe('219')
    for (const status of [204, 304]) {
      const original = new Response({ status, headers: [['Content-Length', '219']], body: '' })
      expect(replayResponse(original, 'GET').headers.get('content-length')).toBe('219')
    }
  })

  it('without secrets to reveal, a stored response is worked out once: later replays get the same answer without redoing it', () => {
    const original = stored('gzip', Buffer.from(TEXT), 7)
    const first = replayResponse(original, 'GET')
    expect(first).not.toBe(original)
    expect(replayResponse(original, 'GET')).toBe(first)
    // HEAD keeps the length of the body it describes, so it is not answered from the GET's result.
    expect(replayResponse(original, 'HEAD').headers.get('content-length')).toBe('7')
  })

  it('the length is taken after the secrets are revealed', () => {
    const original = stored(undefined, Buffer.from('token=<TOKEN>'))
    const revealed = replayResponse(original, 'GET', (response) => new Response({ ...response, body: 'token=a-much-longer-secret' }))
    expect(revealed.headers.get('content-length')).toBe(String('token=a-much-longer-secret'.length))
  })
})
