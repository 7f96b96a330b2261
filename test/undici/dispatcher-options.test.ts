import { InvalidOptionError, VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import { Agent, type Dispatcher, request } from 'undici'
import { describe, expect, it } from 'vitest'
import { JSON_BODY, startTestServer } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'

/** An Agent that counts the requests dispatched through it. */
function countingAgent() {
  const seen: string[] = []
  const agent = new Agent()
  const counting: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
    seen.push(`${opts.method} ${opts.path}`)
    return dispatch(opts, handler)
  }
  return { agent, dispatcher: agent.compose(counting), seen }
}

describe('vcrDispatcher options', () => {
  it('realDispatcher performs the recorded requests, is not used on replay, and is left open by close()', async () => {
    const server = await startTestServer()
    const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir() })
    const real = countingAgent()
    const send = () =>
      vcr.useCassette('real.yaml', async (cassette) => {
        const dispatcher = vcrDispatcher(cassette, { realDispatcher: real.dispatcher })
        const body = await (await request(server.url('/json'), { dispatcher })).body.text()
        await dispatcher.close()
        return body
      })
    expect(await send()).toBe(JSON_BODY)
    expect(real.seen).toEqual(['GET /json'])
    expect(await send()).toBe(JSON_BODY)
    expect(real.seen).toEqual(['GET /json'])
    // Still open: the vcrjs dispatcher closes only the Agent it created itself.
    expect(real.agent.closed).toBe(false)
    expect(await (await request(server.url('/json'), { dispatcher: real.dispatcher })).body.text()).toBe(JSON_BODY)
    await real.agent.close()
    await server.close()
  })

  it('a closed vcrjs dispatcher rejects further requests with undici ClientClosedError', async () => {
    const dispatcher = vcrDispatcher()
    await dispatcher.close()
    await expect(request('http://127.0.0.1:9/json', { dispatcher })).rejects.toMatchObject({ code: 'UND_ERR_CLOSED' })
  })

  it('rejects unknown options, listing the valid ones', () => {
    expect(() => vcrDispatcher(undefined, { realDispatchr: new Agent() } as never)).toThrow(InvalidOptionError)
    expect(() => vcrDispatcher(undefined, { realDispatchr: new Agent() } as never)).toThrow(
      "Unknown vcrDispatcher option 'realDispatchr'; the options are: allowHttpWithoutCassette, realDispatcher",
    )
  })

  it('rejects options passed where the cassette goes', () => {
    expect(() => vcrDispatcher({ realDispatcher: new Agent() } as never)).toThrow(/takes a Cassette .* as its first argument/)
  })

  it('rejects a realDispatcher without dispatch()', () => {
    expect(() => vcrDispatcher(undefined, { realDispatcher: {} as Dispatcher })).toThrow(/'realDispatcher' must be an undici Dispatcher/)
    expect(() => vcrDispatcher(undefined, { allowHttpWithoutCassette: 'no' } as never)).toThrow(/'allowHttpWithoutCassette' must be true or false; got "no"/)
  })
})
