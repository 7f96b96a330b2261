/** One HTTP request of a scenario; `path` is resolved against the test server. */
export interface PeerRequest {
  method: string
  path: string
  headers?: Record<string, string>
  /** UTF-8 request body. */
  body?: string
}

/** One cassette: its file name (without extension) and the requests a client sends into it. */
export interface PeerScenario {
  name: string
  requests: PeerRequest[]
  /** The client follows redirects, so each hop becomes its own interaction. */
  followRedirects?: boolean
  /** A response body is not UTF-8 as stored (binary, or gzip kept compressed): vcrpy's JSON serializer refuses to write it. */
  binaryBody?: boolean
}

const get = (path: string): PeerRequest => ({ method: 'GET', path })

/**
 * What vcrpy, Ruby VCR and every vcrjs adapter record, each into its own
 * cassettes: the committed fixtures (fixtures/scripts/record-peers.ts) and
 * the interop suite (test/interop/) alike.
 */
export const PEER_SCENARIOS: readonly PeerScenario[] = [
  { name: 'text-query', requests: [get('/text?b=2&a=1&q=caf%C3%A9+au+lait')] },
  { name: 'json-get', requests: [get('/json')] },
  {
    name: 'json-post',
    requests: [{ method: 'POST', path: '/echo', headers: { 'Content-Type': 'application/json' }, body: '{"name":"vcrjs","tags":["a","b"]}' }],
  },
  { name: 'not-found', requests: [get('/status/404')] },
  { name: 'utf8', requests: [get('/utf8')] },
  { name: 'gzip', requests: [get('/gzip')], binaryBody: true },
  // Net::HTTP leaves the body compressed when the caller chose Accept-Encoding, so Ruby VCR stores gzip bytes too.
  { name: 'gzip-accept-encoding', requests: [{ method: 'GET', path: '/gzip', headers: { 'Accept-Encoding': 'gzip' } }], binaryBody: true },
  { name: 'binary', requests: [get('/binary')], binaryBody: true },
  { name: 'counter', requests: [get('/counter'), get('/counter'), get('/counter')] },
  { name: 'cookies', requests: [get('/cookies')] },
  { name: 'redirect', requests: [get('/redirect/2')], followRedirects: true },
]

/** The scenarios a JSON cassette can hold as vcrpy writes one. */
export const JSON_PEER_SCENARIOS: readonly PeerScenario[] = PEER_SCENARIOS.filter((scenario) => !scenario.binaryBody)
