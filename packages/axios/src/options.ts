import { type AdapterOptionCheck, type AdapterOptions, assertAdapterOptions, assertCassetteArgument, InvalidOptionError } from '@vcrjs/core/adapter'

/** axios's own adapters that `vcrAdapter` runs, each over the vcrjs transport it is built on. */
export const AXIOS_TRANSPORTS = ['http', 'fetch'] as const

export type AxiosTransport = (typeof AXIOS_TRANSPORTS)[number]

/** Options of `vcrAdapter`. */
export interface VcrAdapterOptions extends AdapterOptions {
  /**
   * Which of axios's own adapters performs the request, live and on replay:
   * `'http'` (Node's http/https, with a vcrjs `http.Agent` from @vcrjs/http)
   * or `'fetch'` (global fetch, with a vcrjs dispatcher from @vcrjs/undici,
   * which needs the `undici` package installed). Responses, redirects,
   * decompression, limits and errors are that adapter's, exactly.
   * @default 'http'
   * @example axios.create({ adapter: vcrAdapter(cassette, { transport: 'fetch' }) })
   */
  transport?: AxiosTransport
}

export interface NormalizedVcrAdapterOptions {
  transport: AxiosTransport
  allowHttpWithoutCassette: boolean | undefined
}

const transportOption: AdapterOptionCheck = (value) =>
  value === undefined || (AXIOS_TRANSPORTS as readonly unknown[]).includes(value)
    ? undefined
    : `must be one of ${AXIOS_TRANSPORTS.map((name) => `'${name}'`).join(', ')}; got ${JSON.stringify(value)}`

/** One check per option, so bad input fails at the factory, saying what to pass, rather than at the first request. */
export function validateOptions(cassette: unknown, options: unknown = {}): NormalizedVcrAdapterOptions {
  assertCassetteArgument(cassette, 'vcrAdapter', "vcrAdapter(undefined, { transport: 'fetch' })")
  // `adapter` was `transport`'s name before the transports existed.
  if (typeof options === 'object' && options !== null && Object.hasOwn(options, 'adapter')) {
    throw new InvalidOptionError('adapter', "Unknown vcrAdapter option 'adapter'; it is now called 'transport'.")
  }
  assertAdapterOptions(options, { factory: 'vcrAdapter', options: { transport: transportOption } })
  const { transport = 'http', allowHttpWithoutCassette } = options as VcrAdapterOptions
  return { transport, allowHttpWithoutCassette }
}
