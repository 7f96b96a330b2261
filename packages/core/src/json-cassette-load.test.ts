import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { interactionsToData } from './cassette-format.js'
import { CassetteLoadError } from './errors.js'
import { handleRequest } from './handle-request.js'
import { HttpHeaders } from './headers.js'
import type { Interaction } from './interaction.js'
import { Request } from './request.js'
import { Response } from './response.js'
import { jsonSerializer } from './serializers/json.js'
import { parseFailure } from './serializers/parse-failure.js'
import { VCR } from './vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-json-load-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const recorded: Interaction[] = [0, 1, 2].map((at) => ({
  request: new Request({ method: 'GET', url: `http://127.0.0.1:9/items/${at}?page=${at}`, headers: { Accept: 'application/json' } }),
  response: new Response({
    status: { code: 200 + at, message: 'OK' },
    headers: new HttpHeaders([['Content-Type', at === 1 ? 'application/octet-stream' : 'application/json'], ['Set-Cookie', 'a=1'], ['Set-Cookie', `b=${at}`]]),
    body: at === 1 ? Buffer.from([0, 255, 128, 10]) : `{"item": ${at}, "text": "caf\u00e9 \\"quoted\\"\\n"}`,
  }),
}))

async function writeCassette(edit: (text: string) => string = (text) => text): Promise<string> {
  const path = join(dir, 'cassette.json')
  await writeFile(path, edit(jsonSerializer.serialize(interactionsToData(recorded))))
  return path
}

const noNetwork = () => Promise.reject(new Error('the network was called'))

function play(cassette: Parameters<typeof handleRequest>[0]['cassette'], at: number) {
  return handleRequest({ cassette, request: { method: 'GET', url: recorded[at]!.request.url, headers: { Accept: 'application/json' } }, sendReal: noNetwork })
}

describe('a JSON cassette whose responses are parsed when first played', () => {
  it('replays every response byte for byte, headers in order', async () => {
    await writeCassette()
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json', recordMode: 'none' })
    const cassette = await vcr.insertCassette('cassette.json')
    for (const at of [2, 0, 1]) {
      const response = await play(cassette, at)
      expect(response.status.code).toBe(200 + at)
      expect(Buffer.from(response.body).equals(Buffer.from(recorded[at]!.response.body))).toBe(true)
      expect(new HttpHeaders(response.headers).entries()).toEqual(recorded[at]!.response.headers.entries())
    }
    await cassette.eject()
  })

  it('fails the request that plays a broken response with the load error the whole file gives, after playing the others', async () => {
    // `\q` is no JSON escape: the file is not JSON, but nothing outside the second response says so.
    const path = await writeCassette((text) => text.replace('"string": "{\\"item\\": 2', '"string": "\\q{\\"item\\": 2'))
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json', recordMode: 'none' })
    const cassette = await vcr.insertCassette('cassette.json')
    expect(Buffer.from((await play(cassette, 0)).body).equals(Buffer.from(recorded[0]!.response.body))).toBe(true)
    const error = await play(cassette, 2).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(CassetteLoadError)
    const parsing = (() => {
      try {
        JSON.parse(jsonSerializer.serialize(interactionsToData(recorded)).replace('"string": "{\\"item\\": 2', '"string": "\\q{\\"item\\": 2'))
      } catch (thrown) {
        return parseFailure('JSON', thrown)
      }
      throw new Error('the edited text parsed')
    })()
    expect(error).toMatchObject({ code: 'VCR_CASSETTE_LOAD', cassettePath: path, message: new CassetteLoadError(path, `its content cannot be deserialized (${parsing.message})`).message })
    expect((error as Error).message).toMatch(/not valid JSON: .*position \d+/)
  })

  it('fails the request that plays a response of the wrong shape, naming the interaction and the field', async () => {
    const path = await writeCassette((text) => text.replace('"code": 201,', '"code": "two hundred and one",'))
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json', recordMode: 'none' })
    const cassette = await vcr.insertCassette('cassette.json')
    const error = await play(cassette, 1).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(CassetteLoadError)
    expect(error).toMatchObject({
      cassettePath: path,
      message: expect.stringContaining(`Cannot load cassette ${path}: interactions[1].response.status.code should be an HTTP status code, found "two hundred and one"`),
    })
  })

  it('writes back the responses it never played exactly as they were, when a new episode is saved', async () => {
    const path = await writeCassette()
    const before = JSON.parse(await readFile(path, 'utf8')) as { interactions: unknown[] }
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json', recordMode: 'new_episodes' })
    const cassette = await vcr.insertCassette('cassette.json')
    await play(cassette, 1)
    await handleRequest({ cassette, request: { method: 'GET', url: 'http://127.0.0.1:9/new' }, sendReal: async () => ({ status: 200, headers: [], body: 'new' }) })
    await cassette.eject()
    const after = JSON.parse(await readFile(path, 'utf8')) as { interactions: { request: { uri: string } }[] }
    expect(after.interactions.slice(0, 3)).toEqual(before.interactions)
    expect(after.interactions.map((interaction) => interaction.request.uri).at(-1)).toBe('http://127.0.0.1:9/new')
  })

  it('fails at load, as before, when a request is broken', async () => {
    await writeCassette((text) => text.replace('"method": "GET"', '"method": GET'))
    const vcr = new VCR({ cassetteLibraryDir: dir, serializer: 'json', recordMode: 'none' })
    await expect(vcr.insertCassette('cassette.json')).rejects.toThrow(/its content cannot be deserialized \(not valid JSON: /)
  })
})
