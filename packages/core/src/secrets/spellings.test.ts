import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Cassette } from '../cassette.js'
import { handleRequest } from '../handle-request.js'
import { Request, type RequestInit } from '../request.js'
import { Response, type ResponseInit } from '../response.js'
import { VCR } from '../vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-spellings-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function send(cassette: Cassette, init: RequestInit, answer?: ResponseInit): Promise<Response> {
  const outcome: unknown = await handleRequest({
    cassette,
    request: new Request(init),
    sendReal: async () => {
      if (!answer) throw new Error('replay expected, but the request went to the network')
      return new Response(answer)
    },
  })
  // The adapter contract resolves to the response, or to `{ response, action }`.
  return (outcome instanceof Response ? outcome : (outcome as { response: Response }).response)
}

const SECRET = `p@ss w!rd"\\é'+&/`
// Each spelling written out by hand, not computed by the code under test.
const SPELLED = {
  raw: SECRET,
  uriComponent: "p%40ss%20w!rd%22%5C%C3%A9'%2B%26%2F",
  form: 'p%40ss+w%21rd%22%5C%C3%A9%27%2B%26%2F',
  urlQuery: "p@ss%20w!rd%22\\%C3%A9%27+&/",
  json: `p@ss w!rd\\"\\\\é'+&/`,
  jsonAscii: `p@ss w!rd\\"\\\\\\u00e9'+&/`,
}

describe('sensitiveData catches every spelling of a secret', () => {
  const options = { sensitiveData: { '<PW>': SECRET }, filterDefaults: false }
  const request: RequestInit = {
    method: 'POST',
    url: `http://h.test/users/${SPELLED.uriComponent}?form=${SPELLED.form}&raw=${SPELLED.urlQuery}`,
    headers: { 'Content-Type': 'application/json', 'X-Pw': SECRET, 'X-Pw-Encoded': SPELLED.uriComponent },
    body: `{"pw":"${SPELLED.json}","ascii":"${SPELLED.jsonAscii}"}`,
  }
  const answer: ResponseInit = {
    status: 200,
    headers: [
      ['Content-Type', 'application/json'],
      ['Location', `/cb?pw=${SPELLED.uriComponent}`],
    ],
    body: JSON.stringify({ echoed: SECRET, form: SPELLED.form }),
  }

  it('none reaches the file, in URL, headers and bodies of request and response', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, ...options })
    await vcr.useCassette('s.yaml', (c) => send(c, request, answer))
    const text = await readFile(join(dir, 's.yaml'), 'utf8')
    for (const [name, spelling] of Object.entries(SPELLED)) expect(text.includes(spelling), name).toBe(false)
    // The YAML emitter escapes too: no piece of the secret longer than its ordinary words survives.
    expect(text).not.toMatch(/w!rd|w%21rd|%C3%A9|\\u00e9/)
    expect(text).toContain('<PW>')
  })

  it('replay turns each placeholder back into the spelling it had: JSON stays JSON, a URL stays encoded', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, ...options })
    const live = await vcr.useCassette('r.yaml', (c) => send(c, request, answer))
    const replayed = await vcr.useCassette('r.yaml', (c) => send(c, request), { recordMode: 'none' })
    expect(JSON.parse(Buffer.from(replayed.body).toString('utf8'))).toEqual({ echoed: SECRET, form: expect.any(String) })
    expect(replayed.headers.get('location')).toBe(`/cb?pw=${SPELLED.uriComponent}`)
    expect(new URLSearchParams(JSON.parse(Buffer.from(replayed.body).toString()).form).toString()).toBe(new URLSearchParams(SPELLED.form).toString())
    expect(Buffer.from(replayed.body).toString()).toBe(Buffer.from(live.body).toString().replace(SPELLED.form, SPELLED.uriComponent))
  })

  it('still works when filterQueryParameters rewrites the query around it', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, ...options, filterQueryParameters: ['drop'] })
    const url = `http://h.test/x?drop=1&pw=${SPELLED.uriComponent}&q=${SPELLED.form}`
    await vcr.useCassette('f.yaml', (c) => send(c, { method: 'GET', url }, { status: 200, body: 'ok' }))
    const text = await readFile(join(dir, 'f.yaml'), 'utf8')
    expect(text).toContain('uri: http://h.test/x?pw=%3CPW%3E&q=%3CPW%3E')
    const replayed = await vcr.useCassette('f.yaml', (c) => send(c, { method: 'GET', url }), { recordMode: 'none' })
    expect(Buffer.from(replayed.body).toString()).toBe('ok')
  })
})
