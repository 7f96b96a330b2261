import { type AxiosTransport, vcrAdapter } from '@vcrjs/axios'
import type { Cassette } from '@vcrjs/core'
import axios, { type AxiosResponseHeaders, type RawAxiosResponseHeaders } from 'axios'
import type { ClientUnderTest } from '../conformance/suite.js'

/** axios with `vcrAdapter` over its own `transport` adapter ('http' or 'fetch'), bodies as bytes, no status errors. */
export function axiosClient(transport: AxiosTransport): ClientUnderTest {
  return {
    id: `axios (${transport})`,
    async send({ url, method = 'GET', headers, body }, cassette?: Cassette) {
      const client = axios.create({ adapter: vcrAdapter(cassette, { transport }), validateStatus: () => true, responseType: 'arraybuffer' })
      const response = await client.request<ArrayBuffer>({ url, method, headers, data: body })
      return { status: response.status, headers: multiValued(response.headers), body: Buffer.from(response.data) }
    },
  }
}

function multiValued(headers: RawAxiosResponseHeaders | AxiosResponseHeaders): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null)
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : [String(value)]
  }
  return out
}
