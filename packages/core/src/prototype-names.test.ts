import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { handleRequest } from './handle-request.js'
import { VCR } from './vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-proto-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty']

describe('prototype-named headers in every serializer', () => {
  for (const serializer of ['yaml', 'json', 'ruby-yaml']) {
    it(`${serializer}: stored, loaded and matched (matchOn headers) like any other name`, async () => {
      const vcr = new VCR({ cassetteLibraryDir: dir, serializer, matchOn: ['method', 'uri', 'headers'] })
      const headers = NAMES.map((name) => [name, `request-${name}`] as [string, string])
      const request = { method: 'GET', url: 'http://h.test/p', headers }
      const response = { status: { code: 200 }, headers: NAMES.map((name) => [name, `response-${name}`] as [string, string]), body: 'ok' }
      await vcr.useCassette('p', (cassette) => handleRequest({ cassette, request, sendReal: async () => response }))
      const replayed = await vcr.useCassette('p', async (cassette) => {
        for (const name of NAMES) expect(cassette.requests[0]!.headers.get(name), name).toBe(`request-${name}`)
        return handleRequest({ cassette, request, sendReal: async () => ({ status: { code: 500 } }) })
      }, { recordMode: 'none' })
      expect(NAMES.map((name) => replayed.headers.get(name))).toEqual(NAMES.map((name) => `response-${name}`))
    })
  }
})
