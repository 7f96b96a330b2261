import { type AdapterOptions, InvalidOptionError } from '@vcrjs/core'

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

const OPTION_NAMES = ['transport', 'allowHttpWithoutCassette'] as const
const CASSETTE_HANDLE = Symbol.for('vcrjs.cassette.handle')

/** Fails at the factory, saying what to pass, rather than at the first request. */
export function validateOptions(cassette: unknown, options: unknown = {}): NormalizedVcrAdapterOptions {
  if (cassette !== undefined && typeof (cassette as Record<symbol, unknown> | null)?.[CASSETTE_HANDLE] !== 'function') {
    throw new InvalidOptionError(
      'cassette',
      'vcrAdapter(cassette, options) takes a Cassette (from vcr.useCassette or vcr.insertCassette) or undefined as its first argument; ' +
        "pass options second, e.g. vcrAdapter(undefined, { transport: 'fetch' }).",
    )
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', `vcrAdapter options must be an object with: ${OPTION_NAMES.join(', ')}; got ${String(options)}.`)
  }
  for (const name of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(name)) {
      // `adapter` was this option's name before the transports existed.
      const hint = name === 'adapter' ? " It is now called 'transport'." : ''
      throw new InvalidOptionError(name, `Unknown vcrAdapter option '${name}'; the options are: ${OPTION_NAMES.join(', ')}.${hint}`)
    }
  }
  const { transport = 'http', allowHttpWithoutCassette } = options as VcrAdapterOptions
  if (!(AXIOS_TRANSPORTS as readonly unknown[]).includes(transport)) {
    throw new InvalidOptionError(
      'transport',
      `Invalid vcrAdapter option transport ${JSON.stringify(transport)}. Allowed values: ${AXIOS_TRANSPORTS.map((name) => `'${name}'`).join(', ')}.`,
    )
  }
  if (allowHttpWithoutCassette !== undefined && typeof allowHttpWithoutCassette !== 'boolean') {
    throw new InvalidOptionError('allowHttpWithoutCassette', `vcrAdapter option allowHttpWithoutCassette must be true or false; got ${JSON.stringify(allowHttpWithoutCassette)}.`)
  }
  return { transport, allowHttpWithoutCassette }
}
