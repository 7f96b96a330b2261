import { runInNewContext } from 'node:vm'
import { GlobalFetchNotRoutedError, VCR } from '@vcrjs/core'
import { installGlobalVcrDispatcher as installForRunners, vcrDispatcher } from '@vcrjs/undici'
import { type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici'
import { describe, expect, it, vi } from 'vitest'
import { startTestServer } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'
import { installGlobalVcrDispatcher, withGlobalDispatcher } from './clients.js'

const COOKIES = ['session=abc123; Path=/; HttpOnly', 'theme=dark; Path=/']

// Node 20's fetch (undici 6) speaks the legacy handler API and reads raw header
// Buffers; through a plain compose() wrapper it gets one merged Set-Cookie
// (https://github.com/nodejs/undici/issues/4389). Node 24's fetch reaches the
// dispatcher through undici 8's Dispatcher1Wrapper. Both must see two cookies.
describe("Node's global fetch through setGlobalDispatcher", () => {
  it('getSetCookie() has both cookies, recorded and replayed offline, with the dispatcher bound to a cassette', async () => {
    const server = await startTestServer()
    const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir() })
    const cookies = () =>
      vcr.useCassette('cookies.yaml', (cassette) =>
        withGlobalDispatcher(vcrDispatcher(cassette), async () => (await fetch(server.url('/cookies'))).headers.getSetCookie()),
      )
    const live = await cookies()
    await server.close()
    const replayed = await cookies()
    expect(live).toEqual(COOKIES)
    expect(replayed).toEqual(COOKIES)
    expect(server.hits).toBe(1)
  })

  it('one vcrDispatcher() installed once serves each useCassette, and the previous global dispatcher comes back', async () => {
    const server = await startTestServer()
    const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir() })
    const before = getGlobalDispatcher()
    const restore = installGlobalVcrDispatcher()
    let replayed: string[]
    try {
      await vcr.useCassette('first.yaml', () => fetch(server.url('/cookies')))
      await server.close()
      replayed = await vcr.useCassette('first.yaml', async () => (await fetch(server.url('/cookies'))).headers.getSetCookie(), {
        recordMode: 'none',
      })
    } finally {
      await restore()
    }
    expect(replayed).toEqual(COOKIES)
    expect(server.hits).toBe(1)
    expect(getGlobalDispatcher()).toBe(before)
  })
})

describe('installGlobalVcrDispatcher (what the runner integrations call)', () => {
  it('routes global fetch through the current cassette, sends real requests through the dispatcher that was global, and installs once', async () => {
    const server = await startTestServer()
    const vcr = new VCR({ cassetteLibraryDir: await tempCassetteDir() })
    const before = getGlobalDispatcher()
    const dispatched: string[] = []
    // The dispatcher the user had installed (a proxy, TLS settings): vcrjs keeps it for the real requests.
    const previous = {
      dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
        dispatched.push(String(options.path))
        return before.dispatch(options, handler)
      },
    } as unknown as Dispatcher
    setGlobalDispatcher(previous)
    try {
      const installed = installForRunners()
      expect(installForRunners()).toBe(installed)
      expect(getGlobalDispatcher()).toBe(installed)
      await vcr.useCassette('installed.yaml', () => fetch(server.url('/json')))
      await server.close()
      const replayed = await vcr.useCassette('installed.yaml', async () => (await fetch(server.url('/json'))).text(), { recordMode: 'none' })
      expect(replayed).toBe('{"hello":"world"}')
      expect(dispatched).toEqual(['/json'])
      expect(server.hits).toBe(1)
    } finally {
      setGlobalDispatcher(before)
    }
  })
})

describe('installGlobalVcrDispatcher where the global fetch belongs to another realm', () => {
  it('throws GlobalFetchNotRoutedError saying what to use, and installs nothing', () => {
    const before = getGlobalDispatcher()
    vi.stubGlobal('fetch', runInNewContext('(function fetch() {})'))
    try {
      expect(() => installForRunners()).toThrow(GlobalFetchNotRoutedError)
      expect(() => installForRunners()).toThrow(/would reach the network\. Under Jest, set testEnvironment: '@vcrjs\/jest\/environment'.*'forks' or 'threads' pool\.$/)
      expect(getGlobalDispatcher()).toBe(before)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
