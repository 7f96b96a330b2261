import axios from 'axios'
import { vcrAdapter } from '@vcrjs/axios'
import type { DemoClient, DemoResponse } from '../demo-client.js'

/** axios, created once with the vcrjs adapter in its `adapter` option. */
export const axiosClient: DemoClient = {
  name: 'axios',
  start() {
    const client = axios.create({ adapter: vcrAdapter(), responseType: 'text', validateStatus: () => true })
    return {
      async send(url, { method, headers, body }) {
        const response = await client.request<string>({ url, method, headers, data: body })
        const out: DemoResponse['headers'] = {}
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined && value !== null) out[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : [String(value)]
        }
        return { status: response.status, headers: out, body: response.data }
      },
      close: async () => undefined,
    }
  },
}
