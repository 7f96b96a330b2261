import { vcrHooks } from '@vcrjs/got'
import type { DemoClient, DemoResponse } from '../demo-client.js'

// The got major that runs on this Node: got 16 needs Node 22+, got 14 serves Node 20.
const { default: got } = (await import(Number(process.versions.node.split('.')[0]) >= 22 ? 'got16' : 'got14')) as typeof import('got14')

/** got, extended once with the vcrjs hooks. */
export const gotClient: DemoClient = {
  name: 'got',
  start() {
    const client = got.extend({ hooks: vcrHooks(), throwHttpErrors: false, retry: { limit: 0 } })
    return {
      async send(url, { method, headers, body }) {
        const response = await client(url, { method, headers, body })
        const out: DemoResponse['headers'] = {}
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) out[name] = Array.isArray(value) ? value : [value]
        }
        return { status: response.statusCode, headers: out, body: response.body }
      },
      close: async () => undefined,
    }
  },
}
