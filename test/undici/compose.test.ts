import { type Cassette, VCR } from '@vcrjs/core'
import { vcrInterceptor } from '@vcrjs/undici'
import { Agent, type Dispatcher, fetch as undiciFetch, interceptors, request } from 'undici'
import { describe, expect, it } from 'vitest'
import { JSON_BODY, startTestServer } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'

describe('vcrInterceptor composed onto an Agent', () => {
  const clients: Record<string, (url: string, dispatcher: Dispatcher) => Promise<{ status: number; body: string }>> = {
    'undici.request': async (url, dispatcher) => {
      const response = await request(url, { dispatcher })
      return { status: response.statusCode, body: await response.body.text() }
    },
    'undici.fetch': async (url, dispatcher) => {
      const response = await undiciFetch(url, { dispatcher })
      return { status: response.status, body: await response.text() }
    },
  }

  it.each(Object.entries(clients))('%s: records through the Agent and replays offline', async (_id, send) => {
    const server = await startTestServer()
    const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir() })
    const run = () =>
      vcr.useCassette('composed.yaml', async (cassette: Cassette) => {
        const agent = new Agent()
        try {
          return await send(server.url('/redirect/1'), agent.compose(interceptors.redirect({ maxRedirections: 3 }), vcrInterceptor(cassette)))
        } finally {
          await agent.close()
        }
      })
    const live = await run()
    await server.close()
    const replayed = await run()
    expect(replayed).toEqual(live)
    expect(live).toEqual({ status: 200, body: JSON_BODY })
    expect(server.hits).toBe(2)
  })

  it('without a cassette it uses the current one, and undici interceptors below it run only when recording', async () => {
    const server = await startTestServer()
    const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir() })
    const below: string[] = []
    const spy: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
      below.push(String(opts.path))
      return dispatch(opts, handler)
    }
    const agent = new Agent()
    const dispatcher = agent.compose(spy, vcrInterceptor())
    const run = () => vcr.useCassette('current.yaml', async () => (await request(server.url('/text?x=1'), { dispatcher })).body.text())
    const live = await run()
    await server.close()
    const replayed = await run()
    await agent.close()
    expect(replayed).toBe(live)
    expect(live).toBe('query: x=1')
    expect(below).toEqual(['/text?x=1'])
  })
})
