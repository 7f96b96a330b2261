import { VCR, handleRequest } from './index.js'
import { it, expect } from 'vitest'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
it('smoke', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'x'))
  const vcr = new VCR({ cassetteLibraryDir: dir })
  let n = 0
  const send = async () => ({ status: 200, headers: [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['Content-Type', 'x']] as [string,string][], body: `n=${++n}` })
  await vcr.useCassette('a.yaml', async () => {
    await handleRequest({ request: { method: 'get', url: 'http://h/p?x=1' }, sendReal: send })
    await handleRequest({ request: { method: 'get', url: 'http://h/p?x=1' }, sendReal: send })
    await handleRequest({ request: { method: 'post', url: 'http://h/bin', body: Buffer.from([0xff, 0, 1]) }, sendReal: async () => ({ status: 201, body: Buffer.from([0xfe, 0xff]) }) })
  })
  console.log(readFileSync(join(dir, 'a.yaml'), 'utf8'))
  const r = await vcr.useCassette('a.yaml', async () => [
    await handleRequest({ request: { method: 'get', url: 'http://h/p?x=1' }, sendReal: send }),
    await handleRequest({ request: { method: 'get', url: 'http://h/p?x=1' }, sendReal: send }),
  ])
  expect(r.map(x => Buffer.from(x.body).toString())).toEqual(['n=1', 'n=2'])
  const e = await vcr.useCassette('a.yaml', async () => handleRequest({ request: { method: 'get', url: 'http://u:p@h/p?x=2' }, sendReal: send })).catch(e => e)
  console.log(e.message)
})
