import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CassetteLoadError, VCR } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import type { ClientUnderTest } from './conformance/suite.js'
import { nodeHttpClient } from './http/clients.js'
import { INTEROP_CLIENTS } from './interop/client-views.js'
import { FIXTURES_DIR } from './support/peer-fixtures.js'

// Every cassette shape the peers write (fixtures/shapes/README.md), through
// every client: the status, body bytes and Set-Cookie values each client hands
// its caller are those the peer's own client gets from the peer's replay.

const SHAPES_DIR = join(FIXTURES_DIR, 'shapes')

interface ShapeRequest {
  method: string
  url: string
  headers?: Record<string, string>
  body?: string
}

interface ShapeResponse {
  status: number
  /** The body as text (UTF-8), or as bytes in base64. */
  body?: string
  bodyBase64?: string
  setCookie: string[]
}

/** A `<cassette>.expect.json`: where the shape comes from, and what the peer's client gets. */
interface Shape {
  cassette: string
  writtenBy: string
  shape: string
  serializer?: 'json'
  requests?: ShapeRequest[]
  responses?: ShapeResponse[]
  /** Headers (lower-case names) each response must carry with exactly these values. */
  responseHeaders?: Record<string, string[]>[]
  /** The request bodies the cassette holds, as text. */
  requestBodies?: string[]
  /** The request headers the cassette holds (lower-case names). */
  requestHeaders?: Record<string, string[]>[]
  matchOn?: string[]
  /** The cassette is refused: CassetteLoadError's message matches this. */
  loadError?: string
  /** The `sensitiveData` the cassette needs to replay. */
  sensitiveData?: Record<string, string>
  /** Without `sensitiveData`, the first request fails with a no-match error whose message matches this. */
  noMatchWithout?: string
}

const SHAPES: Shape[] = readdirSync(SHAPES_DIR)
  .filter((name) => name.endsWith('.expect.json'))
  .sort()
  .map((name) => JSON.parse(readFileSync(join(SHAPES_DIR, name), 'utf8')) as Shape)

const CLIENTS: readonly ClientUnderTest[] = [...INTEROP_CLIENTS, nodeHttpClient]

const vcrFor = (shape: Shape, { withSensitiveData = true } = {}) =>
  new VCR({
    cassetteLibraryDir: SHAPES_DIR,
    serializer: shape.serializer ?? 'yaml',
    sensitiveData: withSensitiveData ? (shape.sensitiveData ?? {}) : {},
    ...(shape.matchOn ? { matchOn: shape.matchOn } : {}),
  })

function expectedBody(response: ShapeResponse): Buffer {
  return response.bodyBase64 === undefined ? Buffer.from(response.body ?? '', 'utf8') : Buffer.from(response.bodyBase64, 'base64')
}

it('every shape names the peer version and source that write it, and its cassette exists', () => {
  expect(SHAPES.length).toBeGreaterThanOrEqual(12)
  for (const shape of SHAPES) {
    expect(shape.writtenBy, shape.cassette).toMatch(/vcrpy|Ruby VCR|not a peer/)
    expect(readdirSync(SHAPES_DIR)).toContain(shape.cassette)
  }
})

for (const shape of SHAPES.filter((s) => s.loadError !== undefined)) {
  it(`${shape.cassette} is refused with a CassetteLoadError that says what to do`, async () => {
    const before = readFileSync(join(SHAPES_DIR, shape.cassette), 'utf8')
    const error = await vcrFor(shape)
      .useCassette(shape.cassette, () => undefined, { recordMode: 'new_episodes' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CassetteLoadError)
    expect((error as Error).message).toMatch(new RegExp(shape.loadError!))
    expect(readFileSync(join(SHAPES_DIR, shape.cassette), 'utf8')).toBe(before)
  })
}

for (const shape of SHAPES.filter((s) => s.loadError === undefined)) {
  describe(`${shape.cassette} (${shape.writtenBy})`, () => {
    it('loads with the request bodies the peer stored', async () => {
      await vcrFor(shape).useCassette(
        shape.cassette,
        (cassette) => {
          expect(cassette.length).toBe(shape.responses!.length)
          if (shape.requestBodies) {
            expect(cassette.requests.map((request) => Buffer.from(request.body ?? []).toString())).toEqual(shape.requestBodies)
          }
          if (shape.requestHeaders) expect(cassette.requests.map((request) => request.headers.toLowerCaseMultiMap())).toEqual(shape.requestHeaders)
        },
        { recordMode: 'none' },
      )
    })

    if (shape.noMatchWithout !== undefined) {
      it('without sensitiveData, a request fails with an error that names the placeholders to give', async () => {
        const error = await vcrFor(shape, { withSensitiveData: false })
          .useCassette(shape.cassette, (cassette) => CLIENTS[1]!.send(shape.requests![0]!, cassette), { recordMode: 'none' })
          .catch((e: unknown) => e)
        expect(String((error as Error).message)).toMatch(new RegExp(shape.noMatchWithout!, 's'))
      })
    }

    for (const client of CLIENTS) {
      it(`replays through ${client.id} as the peer's client gets it`, async () => {
        const { seen, allPlayed } = await vcrFor(shape).useCassette(
          shape.cassette,
          async (cassette) => {
            const seen = []
            for (const request of shape.requests!) seen.push(await client.send(request, cassette))
            return { seen, allPlayed: cassette.allPlayed }
          },
          { recordMode: 'none' },
        )
        const view = seen.map((response) => ({ status: response.status, body: response.body.toString('base64'), setCookie: response.headers['set-cookie'] ?? [] }))
        const expected = shape.responses!.map((response) => ({ status: response.status, body: expectedBody(response).toString('base64'), setCookie: response.setCookie }))
        expect(view).toEqual(expected)
        shape.responseHeaders?.forEach((headers, i) => expect(seen[i]!.headers).toMatchObject(headers))
        // Served as stored: no Content-Encoding left over a body that is not so encoded.
        for (const response of seen) expect(response.headers['content-encoding']).toBeUndefined()
        expect(allPlayed).toBe(true)
      })
    }
  })
}
