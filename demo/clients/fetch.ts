import { vcrDispatcher } from '@vcrjs/undici'
import type { DemoClient, DemoResponse } from '../demo-client.js'

/** Node's built-in fetch, with the vcrjs dispatcher in undici's `dispatcher` option. */
export const fetchClient: DemoClient = {
  name: 'fetch',
  start() {
    const dispatcher = vcrDispatcher()
    return {
      async send(url, { method, headers, body }) {
        // @types/node types `dispatcher` with the undici-types of Node's bundled undici, which undici 7's Dispatcher type does not satisfy.
        const response = await fetch(url, { method, headers, body, dispatcher } as unknown as RequestInit)
        const out: DemoResponse['headers'] = {}
        for (const [name, value] of response.headers) (out[name] ??= []).push(value)
        return { status: response.status, headers: out, body: await response.text() }
      },
      close: () => dispatcher.close(),
    }
  },
}
