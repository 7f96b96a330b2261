import { VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import { fetch } from 'undici'
import { expect, it, onTestFinished } from 'vitest'
import { expectNoMatch } from '../support/errors.js'
import { startTestServer } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'

const query = 'query Item($id: ID!) { item(id: $id) { id name } }'

it('GraphQL-style POSTs to one URL replay by body (additionalMatchers), offline, whatever the key order; a new body fails with the fields', async () => {
  const server = await startTestServer()
  // Closed mid-test to prove replay; the cleanup covers a test that fails before that.
  onTestFinished(() => server.close().catch(() => undefined))
  const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir(), additionalMatchers: ['body'] })
  const dispatcher = vcrDispatcher()
  onTestFinished(() => dispatcher.close())
  const post = async (body: string) => {
    const response = await fetch(server.url('/echo'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk-live-graphql' },
      body,
      dispatcher,
    })
    const echoed = (await response.json()) as { body: string }
    return JSON.parse(Buffer.from(echoed.body, 'base64').toString()) as { variables: { id: number } }
  }

  await vcr.useCassette('graphql.yaml', async () => {
    for (const id of [1, 2, 3]) expect((await post(JSON.stringify({ query, variables: { id } }))).variables.id).toBe(id)
  })
  await server.close()

  await vcr.useCassette(
    'graphql.yaml',
    async () => {
      for (const id of [3, 1, 2]) expect((await post(JSON.stringify({ variables: { id }, query }))).variables.id).toBe(id)
      const error = await expectNoMatch(post(JSON.stringify({ query, variables: { id: 4 } })))
      expect(error.request!.method).toBe('POST')
      expect(error.request!.headers.get('authorization')).toBe('<redacted>')
      expect(error.closest).toHaveLength(3)
      expect(error.closest[0]!.passed).toEqual(['method', 'scheme', 'host', 'port', 'path', 'query'])
      expect(error.closest[0]!.failed.map((failure) => failure.name)).toEqual(['body'])
      expect(error.message).not.toContain('sk-live-graphql')
    },
    { recordMode: 'none' },
  )
  expect(server.hits).toBe(3)
})
