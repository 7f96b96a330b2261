import { describe, expect, it } from 'vitest'
import { Request } from '../request.js'
import { Response } from '../response.js'
import { findSecrets, findSecretsInBytes, SCAN_WINDOW_BYTES } from './detect.js'
import { base62, FAKE } from './fake-secrets.test-support.js'
import { scanInteractions } from './scan.js'

/** A body built piece by piece, padded with lines of dots (no credential starts with one) to put a piece where a test wants it. */
class Body {
  #text = ''

  get length(): number {
    return this.#text.length
  }

  /** Pads with dot lines so that the next piece starts at `position`. */
  padTo(position: number): this {
    const gap = position - this.#text.length
    if (gap < 0) throw new Error(`already past ${position}`)
    if (gap > 0) this.#text += `${'.'.repeat(gap - 1)}\n`
    return this
  }

  add(piece: string): this {
    this.#text += piece
    return this
  }

  bytes(): Buffer {
    return Buffer.from(this.#text, 'latin1')
  }
}

/** A PEM block whose body (what lies between the BEGIN line's last dash and the END line's first) is `length` characters. */
function pem(length: number, inside = ''): string {
  const filler = 'A'.repeat(length - inside.length - 2)
  return `-----BEGIN RSA PRIVATE KEY-----\n${inside}${filler}\n-----END RSA PRIVATE KEY-----\n`
}

const whole = (bytes: Buffer) => findSecrets(bytes.toString('latin1'))

describe('findSecretsInBytes: a large body read in windows finds what the whole text holds', () => {
  it('finds a token cut by the window size, one right after a cut, a PEM block across a cut and a Bearer inside it, as the whole text', () => {
    const body = new Body()
      // The window size falls inside this token: the cut moves to the line feed after it.
      .padTo(SCAN_WINDOW_BYTES - 10)
      .add(`token ${FAKE.github[0]} end\n`)
      // The first characters of the next window.
      .add(`${FAKE.aws[0]} then ${FAKE.stripeLive[0]}\n`)
    const secondCut = body.length + SCAN_WINDOW_BYTES
    body
      .padTo(secondCut - 5)
      // The cut falls after the BEGIN line: the block's body is in the next window, its longest allowed.
      .add(pem(20_000, `\nAuthorization: Bearer ${base62(30, 'in-pem')}1\n`))
      .add(`Authorization: Bearer ${base62(30, 'after')}1\n`)
      .add(FAKE.jwt)
    const bytes = body.bytes()

    const hits = findSecretsInBytes(bytes)

    expect(hits).toEqual(whole(bytes))
    expect(hits.map((hit) => hit.kind)).toEqual(['GitHub token', 'AWS access key', 'Stripe live key', 'PEM private key', 'bearer credential', 'JWT'])
    const block = hits[3]!
    expect(bytes.subarray(block.start, block.end).toString('latin1')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----[\s\S]+-----END RSA PRIVATE KEY-----$/)
  })

  it.each([
    ['ends 20,000 characters on (found whole)', 20_000],
    ['ends 20,001 characters on (only its BEGIN line is found)', 20_001],
  ])('a PEM block crossing a cut whose END line %s, as in the whole text', (_, length) => {
    const body = new Body().padTo(SCAN_WINDOW_BYTES - 5).add(pem(length)).add('tail\n')
    const bytes = body.bytes()

    const hits = findSecretsInBytes(bytes)

    expect(hits).toEqual(whole(bytes))
    expect(hits).toHaveLength(1)
    const text = bytes.subarray(hits[0]!.start, hits[0]!.end).toString('latin1')
    expect(text.endsWith('-----END RSA PRIVATE KEY-----')).toBe(length === 20_000)
  })

  it('a PEM block crossing a cut that an earlier hit hides still hides the BEGIN line and the Bearer it holds in the next window, as in the whole text', () => {
    const inside = `\n-----BEGIN EC PRIVATE KEY-----\nAuthorization: Bearer ${base62(30, 'in-pem')}1\n`
    const body = new Body()
      .padTo(SCAN_WINDOW_BYTES - 40)
      // An Anthropic key's alphabet takes the dashes: the key is the first and longest hit there, and the block starting inside it is not reported.
      .add(`sk-ant-${base62(24, 'glued')}${pem(1_000, inside)}`)
    const bytes = body.bytes()

    const hits = findSecretsInBytes(bytes)

    expect(hits).toEqual(whole(bytes))
    expect(hits.map((hit) => hit.kind)).toEqual(['Anthropic API key'])
  })

  it('a body without a line feed is one window, whatever its size', () => {
    const bytes = new Body().add('x'.repeat(SCAN_WINDOW_BYTES + 100)).add(` ${FAKE.google} `).add('y'.repeat(100)).bytes()

    expect(findSecretsInBytes(bytes).map((hit) => hit.kind)).toEqual(['Google API key'])
  })
})

describe('scanInteractions: a large response body', () => {
  it('is scanned in windows and its credential reported', () => {
    const bytes = new Body().padTo(SCAN_WINDOW_BYTES * 2 + 7).add(`data: {"key":"${FAKE.openai[2]}"}\n`).bytes()
    const interaction = {
      request: new Request({ method: 'GET', url: 'http://127.0.0.1/big' }),
      response: new Response({ status: 200, body: bytes }),
    }

    expect(scanInteractions([interaction])).toEqual([
      expect.objectContaining({ interaction: 0, location: 'response body', kind: 'OpenAI API key' }),
    ])
  })
})
