import type { Cassette } from '@vcrjs/core'
import type { AxiosAdapter } from 'axios'
import { fetchTransport } from './fetch-transport.js'
import { httpTransport } from './http-transport.js'
import { validateOptions, type VcrAdapterOptions } from './options.js'

/**
 * An axios adapter that records and replays through a vcrjs cassette. It runs
 * axios's own adapter (`transport: 'http'` or `'fetch'`) over a vcrjs
 * transport, so redirects (each hop its own interaction), decompression,
 * `maxContentLength`, `validateStatus`, cancellation, timeouts and errors are
 * exactly those of live axios. A request that can be neither replayed nor
 * recorded rejects with axios's own error for a failed connection, whose
 * `cause` is the `CannotOverwriteExistingCassetteError`.
 *
 * @param cassette The cassette to use; when omitted, the cassette of the
 *   innermost `vcr.useCassette` around each request.
 * @param options `transport` (default `'http'`) and `allowHttpWithoutCassette` (default `true`).
 * @example
 * const client = axios.create({ adapter: vcrAdapter(cassette) })
 * @example
 * // one client for the whole app; each test's useCassette decides where requests go
 * const client = axios.create({ adapter: vcrAdapter(undefined, { transport: 'fetch' }) })
 * await vcr.useCassette('users.yaml', () => client.get('https://api.example.com/users'))
 */
export function vcrAdapter(cassette?: Cassette, options?: VcrAdapterOptions): AxiosAdapter {
  const { transport, allowHttpWithoutCassette } = validateOptions(cassette, options)
  return transport === 'fetch' ? fetchTransport(cassette, allowHttpWithoutCassette) : httpTransport(cassette, allowHttpWithoutCassette)
}
