import { type Cassette, type CassetteOptions, VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'

export interface SentRequest {
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string | Buffer
}

/** Records `requests` with global fetch (through a vcrDispatcher) into `dir/name`, in the given serializer, and returns the cassette path. */
export async function recordCassette(
  dir: string,
  name: string,
  origin: string,
  requests: readonly SentRequest[],
  options: CassetteOptions = {},
): Promise<string> {
  const vcr = new VCR({ cassetteLibraryDir: dir, ...options })
  await vcr.useCassette(name, (cassette) => sendAll(cassette, origin, requests))
  return `${dir}/${name}`
}

/** Sends `requests` in order through `cassette`, returning what fetch received. */
export async function sendAll(cassette: Cassette, origin: string, requests: readonly SentRequest[]): Promise<FetchResult[]> {
  const dispatcher = vcrDispatcher(cassette)
  const out: FetchResult[] = []
  try {
    for (const request of requests) {
      const response = await fetch(`${origin}${request.path}`, {
        method: request.method ?? 'GET',
        headers: request.headers ?? {},
        ...(request.body === undefined ? {} : { body: request.body }),
        redirect: 'manual',
        dispatcher,
      } as unknown as RequestInit)
      out.push({ status: response.status, headers: [...response.headers], body: Buffer.from(await response.arrayBuffer()) })
    }
  } finally {
    await dispatcher.close()
  }
  return out
}

export interface FetchResult {
  status: number
  headers: [string, string][]
  body: Buffer
}
