import { InvalidOptionError } from '@vcrjs/core'

/** The axios adapters that can perform the real request while recording. */
export const RECORDING_ADAPTERS = ['http', 'fetch'] as const

export type RecordingAdapter = (typeof RECORDING_ADAPTERS)[number]

/** Options of `vcrAdapter`. */
export interface VcrAdapterOptions {
  /**
   * The axios adapter that performs the real request when the cassette records,
   * taken with `axios.getAdapter`. Replayed responses behave as this adapter's
   * live responses do: with `'http'` a `stream` response is a Node `Readable` and
   * `decompress` is honoured; with `'fetch'` it is a web `ReadableStream` and
   * bodies are always decoded, as axios's fetch adapter does.
   * @default 'http'
   * @example axios.create({ adapter: vcrAdapter(cassette, { adapter: 'fetch' }) })
   */
  adapter?: RecordingAdapter
}

export interface NormalizedVcrAdapterOptions {
  adapter: RecordingAdapter
}

export function normalizeOptions(options: VcrAdapterOptions | undefined): NormalizedVcrAdapterOptions {
  if (options === undefined) return { adapter: 'http' }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', `vcrAdapter options must be an object, like { adapter: 'fetch' }; got ${String(options)}.`)
  }
  for (const name of Object.keys(options)) {
    if (name !== 'adapter') {
      throw new InvalidOptionError(name, `Unknown vcrAdapter option '${name}'. Known options: adapter.`)
    }
  }
  const adapter = options.adapter ?? 'http'
  if (!(RECORDING_ADAPTERS as readonly unknown[]).includes(adapter)) {
    throw new InvalidOptionError(
      'adapter',
      `Invalid vcrAdapter option adapter ${JSON.stringify(adapter)}. Allowed values: ${RECORDING_ADAPTERS.map((name) => `'${name}'`).join(', ')}.`,
    )
  }
  return { adapter }
}
