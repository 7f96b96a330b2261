import { vcrDispatcher } from '@vcrjs/undici'
import { type Dispatcher, fetch as undiciFetch, getGlobalDispatcher, interceptors, request, setGlobalDispatcher } from 'undici'
import type { ClientResponse, ClientUnderTest } from '../conformance/suite.js'

/** The WHATWG Response both Node's fetch and undici's fetch resolve to, as far as the suite reads it. */
interface FetchResponse {
  status: number
  headers: Iterable<[string, string]>
  arrayBuffer(): Promise<ArrayBuffer>
}

export async function fromFetchResponse(response: FetchResponse): Promise<ClientResponse> {
  const headers: Record<string, string[]> = Object.create(null)
  // Headers iterate a repeated Set-Cookie as separate entries, so two stay two.
  for (const [name, value] of response.headers) (headers[name.toLowerCase()] ??= []).push(value)
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) }
}

/**
 * Runs `fn` with `dispatcher` as undici's global dispatcher (which Node's own
 * fetch reads too), then restores the previous one and closes `dispatcher`.
 */
export async function withGlobalDispatcher<T>(dispatcher: Dispatcher, fn: () => Promise<T>): Promise<T> {
  const previous = getGlobalDispatcher()
  setGlobalDispatcher(dispatcher)
  try {
    return await fn()
  } finally {
    setGlobalDispatcher(previous)
    await dispatcher.close()
  }
}

/**
 * Node's built-in fetch with `setGlobalDispatcher(vcrDispatcher(cassette))`;
 * a request without a cassette goes through the `vcrDispatcher()` that the
 * test file installs globally for the whole suite (see `installGlobalVcrDispatcher`).
 */
export const globalFetchThroughGlobalDispatcher: ClientUnderTest = {
  id: 'global fetch, setGlobalDispatcher(vcrDispatcher())',
  async send({ url, method, headers, body }, cassette) {
    const call = async () => fromFetchResponse(await fetch(url, { method, headers, body }))
    return cassette ? withGlobalDispatcher(vcrDispatcher(cassette), call) : call()
  },
}

/** Node's built-in fetch with a vcrjs dispatcher per call. */
export const globalFetchWithDispatcherOption: ClientUnderTest = {
  id: 'global fetch, fetch(url, { dispatcher: vcrDispatcher() })',
  async send({ url, method, headers, body }, cassette) {
    const dispatcher = vcrDispatcher(cassette)
    try {
      // @types/node types `dispatcher` with the undici-types of Node's bundled undici 6, which undici 7's Dispatcher type does not satisfy.
      const init = { method, headers, body, dispatcher } as unknown as RequestInit
      return await fromFetchResponse(await fetch(url, init))
    } finally {
      await dispatcher.close()
    }
  },
}

/** undici's own fetch (the major this Node leg tests) with a vcrjs dispatcher per call. */
export const undiciFetchClient: ClientUnderTest = {
  id: 'undici.fetch',
  async send({ url, method, headers, body }, cassette) {
    const dispatcher = vcrDispatcher(cassette)
    try {
      return await fromFetchResponse(await undiciFetch(url, { method, headers, body, dispatcher }))
    } finally {
      await dispatcher.close()
    }
  },
}

/**
 * `undici.request` with undici's redirect and decompress interceptors composed
 * above the vcrjs dispatcher, as an application that wants fetch-like
 * behaviour writes it; each redirect hop still passes through vcrjs.
 */
export const undiciRequestClient: ClientUnderTest = {
  id: 'undici.request',
  async send({ url, method, headers, body }, cassette) {
    const vcr = vcrDispatcher(cassette)
    const dispatcher = vcr.compose(interceptors.redirect({ maxRedirections: 5 }), interceptors.decompress())
    try {
      const response = await request(url, { method: (method ?? 'GET') as Dispatcher.HttpMethod, headers, body, dispatcher })
      const out: Record<string, string[]> = Object.create(null)
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) out[name] = Array.isArray(value) ? value : [value]
      }
      return { status: response.statusCode, headers: out, body: Buffer.from(await response.body.arrayBuffer()) }
    } finally {
      await vcr.close()
    }
  },
}

/** Installs `vcrDispatcher()` (no cassette: the current one) as the global dispatcher, returning the restore step. */
export function installGlobalVcrDispatcher(): () => Promise<void> {
  const previous = getGlobalDispatcher()
  const installed = vcrDispatcher()
  setGlobalDispatcher(installed)
  return async () => {
    setGlobalDispatcher(previous)
    await installed.close()
  }
}
