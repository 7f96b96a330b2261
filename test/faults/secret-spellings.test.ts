import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { VCR } from '@vcrjs/core'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { ClientUnderTest } from '../conformance/suite.js'
import { nodeFetchClient, nodeHttpClient, superagentClient } from '../http/clients.js'
import { axiosClient } from '../support/axios-clients.js'
import { gotPromise, gotStream } from '../support/got-clients.js'
import { startTestServer } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'
import { globalFetchWithDispatcherOption, undiciFetchClient, undiciRequestClient } from '../undici/clients.js'

const CLIENTS: ClientUnderTest[] = [
  globalFetchWithDispatcherOption,
  undiciFetchClient,
  undiciRequestClient,
  nodeHttpClient,
  superagentClient,
  nodeFetchClient,
  gotPromise,
  gotStream,
  axiosClient('http'),
  axiosClient('fetch'),
]

// A secret with every character that gets spelled differently on the way: space, ! " \ ' + & / and non-ASCII.
const SECRET = `s3cr3t w!th"\\'+&/ü`
const SPELLINGS = {
  raw: SECRET,
  'encodeURIComponent': encodeURIComponent(SECRET),
  'URLSearchParams (form)': new URLSearchParams({ s: SECRET }).toString().slice(2),
  'JSON-escaped': JSON.stringify(SECRET).slice(1, -1),
  'JSON-escaped, ASCII only': JSON.stringify(SECRET).slice(1, -1).replace('ü', '\\u00fc'),
}

describe('every secret spelling through every client: the cassette holds none, replay gives each back', () => {
  for (const client of CLIENTS) {
    it(client.id, async () => {
      const server = await startTestServer()
      let closed = false
      onTestFinished(() => (closed ? undefined : server.close()))
      const dir = await tempCassetteDir()
      const vcr = new VCR({ cassetteLibraryDir: dir, sensitiveData: { '<SECRET>': SECRET } })
      const request = {
        method: 'POST',
        url: server.url(`/secret/${SPELLINGS.encodeURIComponent}?pw=${SPELLINGS['URLSearchParams (form)']}&token=${SPELLINGS.encodeURIComponent}`),
        headers: { 'content-type': 'application/json', 'x-secret': SPELLINGS.encodeURIComponent, authorization: `Bearer ${SPELLINGS.encodeURIComponent}` },
        body: JSON.stringify({ pw: SECRET, ascii: SECRET }).replace(`"ascii":"${SPELLINGS['JSON-escaped']}"`, `"ascii":"${SPELLINGS['JSON-escaped, ASCII only']}"`),
      }
      const live = await vcr.useCassette('s.yaml', (cassette) => client.send(request, cassette))
      await server.close()
      closed = true
      const replayed = await vcr.useCassette('s.yaml', (cassette) => client.send(request, cassette), { recordMode: 'none' })
      expect(JSON.parse(live.body.toString('utf8'))).toEqual({ fromQuery: SECRET, fromHeader: SECRET, fromBody: SECRET, fromPath: SECRET })
      expect(replayed).toEqual(live)
      const file = await readFile(join(dir, 's.yaml'), 'utf8')
      for (const [name, spelling] of Object.entries(SPELLINGS)) expect(file.includes(spelling), `the cassette holds the ${name} spelling`).toBe(false)
      expect(file).not.toMatch(/w!th|w%21th|%C3%BC|\\u00fc/)
    })
  }
})
