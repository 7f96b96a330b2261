import { once } from 'node:events'
import type { IncomingHttpHeaders } from 'node:http'
import type { Cassette } from '@vcrjs/core'
import { vcrHooks } from '@vcrjs/got'
import got, { type Method } from 'got'
import type { ClientResponse, ClientUnderTest } from '../conformance/suite.js'

/** The headers as got hands them to its caller, in the suite's form. */
function headersOf(headers: IncomingHttpHeaders): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null)
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value : [value]
  }
  return out
}

// Retries off: a conformance scenario's 500 is one interaction, as for every other client (got's retries have their own tests).
const NO_RETRY = { limit: 0 }

export const gotPromise: ClientUnderTest = {
  id: 'got',
  async send({ method = 'GET', url, headers, body }, cassette?: Cassette): Promise<ClientResponse> {
    const client = got.extend({ hooks: vcrHooks(cassette), throwHttpErrors: false, retry: NO_RETRY })
    const response = await client(url, { method: method as Method, headers, body, responseType: 'buffer' })
    return { status: response.statusCode, headers: headersOf(response.headers), body: Buffer.from(response.body) }
  },
}

export const gotStream: ClientUnderTest = {
  id: 'got.stream',
  async send({ method = 'GET', url, headers, body }, cassette?: Cassette): Promise<ClientResponse> {
    const client = got.extend({ hooks: vcrHooks(cassette), throwHttpErrors: false, retry: NO_RETRY })
    const stream = client.stream(url, { method: method as Method, headers, body })
    const [[response], chunks] = await Promise.all([once(stream, 'response'), stream.toArray()])
    const { statusCode, headers: received } = response as { statusCode: number; headers: IncomingHttpHeaders }
    return { status: statusCode, headers: headersOf(received), body: Buffer.concat(chunks as Uint8Array[]) }
  },
}
