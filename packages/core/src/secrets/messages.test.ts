import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Cassette } from '../cassette.js'
import { CannotOverwriteExistingCassetteError, CassetteLoadError } from '../errors.js'
import { handleRequest } from '../handle-request.js'
import { Request, type RequestInit } from '../request.js'
import { Response } from '../response.js'
import { VCR } from '../vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-messages-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const send = (cassette: Cassette, init: RequestInit) =>
  handleRequest({ cassette, request: new Request(init), sendReal: async () => new Response({ status: 200 }) })

// A cassette recorded before any filter existed (or by a peer): credentials in the URL, the headers and the query.
const RECORDED = {
  userinfo: 'olduser:oldpass-4242',
  authorization: 'Bearer recorded-token-4242',
  cookie: 'session=recorded-cookie-4242',
  apiKey: 'recorded-key-4242',
  custom: 'recorded-custom-4242',
}
const LIVE = {
  userinfo: 'newuser:newpass-9898',
  authorization: 'Bearer live-token-9898',
  cookie: 'session=live-cookie-9898',
  apiKey: 'live-key-9898',
  custom: 'live-custom-9898',
}

async function writeRecorded(name: string) {
  await writeFile(
    join(dir, name),
    `interactions:
- request:
    body: null
    headers:
      Authorization:
      - ${RECORDED.authorization}
      Cookie:
      - ${RECORDED.cookie}
      X-Custom-Secret:
      - ${RECORDED.custom}
    method: GET
    uri: http://${RECORDED.userinfo}@h.test/data?api_key=${RECORDED.apiKey}&page=1
  response:
    body:
      string: ok
    headers: {}
    status:
      code: 200
      message: OK
version: 1
`,
  )
}

const liveRequest: RequestInit = {
  method: 'GET',
  url: `http://${LIVE.userinfo}@h.test/data?api_key=${LIVE.apiKey}&page=2`,
  headers: { Authorization: LIVE.authorization, Cookie: LIVE.cookie, 'X-Custom-Secret': LIVE.custom },
}

function expectNoCredential(message: string) {
  for (const values of [RECORDED, LIVE]) {
    for (const value of Object.values(values)) {
      for (const part of [value, ...value.split(/[:= ]/)].filter((piece) => piece.length >= 8)) expect(message, `leaks ${part}`).not.toContain(part)
    }
  }
}

describe('no credential in the no-match error', () => {
  for (const matchOn of [['method', 'uri', 'headers'], ['method', 'host', 'path', 'query', 'headers'], ['method', 'url']]) {
    it(`with no filters at all, matchOn ${matchOn.join(', ')}`, async () => {
      await writeRecorded('c.yaml')
      const vcr = new VCR({ cassetteLibraryDir: dir, filterDefaults: false, matchOn, recordMode: 'none' })
      const error = await vcr.useCassette('c.yaml', (c) => send(c, liveRequest)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(CannotOverwriteExistingCassetteError)
      const { message } = error as Error
      expect(message).toMatch(/matcher failed: (uri|url|headers|query)/)
      expect(message).toContain('<redacted>')
      expect(message).toContain('page=2')
      // The same for the fields the error carries.
      const { request, closest } = error as CannotOverwriteExistingCassetteError
      expectNoCredential(JSON.stringify({ url: request?.url, headers: request?.headers.entries(), closest: closest.map((c) => ({ ...c, request: [c.request.url, c.request.headers.entries()] })) }))
      if (matchOn.includes('headers')) expect(message).toMatch(/\(values differ\)|the two differ in a value hidden here/)
      expectNoCredential(message)
    })
  }

  it('values of headers the user filters are not shown from the recorded side either', async () => {
    await writeRecorded('f.yaml')
    const vcr = new VCR({ cassetteLibraryDir: dir, filterHeaders: ['x-custom-secret'], matchOn: ['method', 'headers'], recordMode: 'none' })
    const { message } = (await vcr.useCassette('f.yaml', (c) => send(c, liveRequest)).catch((e: unknown) => e)) as Error
    expect(message).toContain('matcher failed: headers')
    expectNoCredential(message)
  })
})

describe('no credential in a load error', () => {
  it("the parser's quoted lines and the cause are cleaned", async () => {
    await writeFile(
      join(dir, 'bad.yaml'),
      `interactions:
- request:
    headers:
      Authorization:
      - ${RECORDED.authorization}
      X-Api-Key:
      - ${RECORDED.apiKey}
     bad: indentation
    uri: http://${RECORDED.userinfo}@h.test/
version: 1
`,
    )
    const error = await new VCR({ cassetteLibraryDir: dir }).useCassette('bad.yaml', async () => {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CassetteLoadError)
    const { message, cause, stack } = error as Error & { cause: Error }
    expect(message).toContain('bad indentation')
    for (const text of [message, cause.message, String(cause.stack), String(stack)]) expectNoCredential(text)
  })
})

describe('no credential in the other errors that name requests', () => {
  it('NoCassetteError and UnusedInteractionsError', async () => {
    const noCassette = await handleRequest({
      request: new Request({ method: 'GET', url: `http://${LIVE.userinfo}@h.test/?api_key=${LIVE.apiKey}` }),
      sendReal: async () => new Response({ status: 200 }),
      allowHttpWithoutCassette: false,
    }).then(
      () => expect.fail('expected NoCassetteError'),
      (e: unknown) => e as Error,
    )
    expect(noCassette.message).toContain('api_key=<redacted>')
    expectNoCredential(noCassette.message)
    await writeRecorded('u.yaml')
    const unused = await new VCR({ cassetteLibraryDir: dir })
      .useCassette('u.yaml', async () => {}, { allowUnusedInteractions: false })
      .then(
        () => expect.fail('expected UnusedInteractionsError'),
        (e: unknown) => e as Error,
      )
    expect(unused.message).toContain('GET http://h.test/data?api_key=<redacted>&page=1')
    expectNoCredential(unused.message)
  })
})

describe('a reason whose two sides differ only in hidden values', () => {
  it('says so instead of showing x != x', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, filterDefaults: false, matchOn: ['method', 'query'] })
    await vcr.useCassette('q.yaml', (c) => send(c, { method: 'GET', url: `http://h.test/?api_key=${RECORDED.apiKey}` }))
    const { message } = (await vcr
      .useCassette('q.yaml', (c) => send(c, { method: 'GET', url: `http://h.test/?api_key=${LIVE.apiKey}` }))
      .then(
        () => expect.fail('expected no match'),
        (e: unknown) => e as Error,
      )) as Error
    expect(message).toMatch(/matcher failed: query: .*<redacted>.* \(the two differ in a value hidden here\)/)
    expectNoCredential(message)
  })
})
