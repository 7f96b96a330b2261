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

/**
 * Streamed completions from the scripted SSE server (test/support/sse-server.ts,
 * `SSE_ROUTES`), as the openai and @anthropic-ai/sdk clients request them:
 * the interop suite's streaming scenarios, in both directions.
 */
export const SSE_PEER_SCENARIOS: readonly PeerScenario[] = [
  {
    name: 'sse-openai',
    requests: [
      {
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: '{"model":"gpt-test","messages":[{"role":"user","content":"Hi"}],"stream":true}',
      },
    ],
  },
  {
    name: 'sse-anthropic',
    requests: [
      {
        method: 'POST',
        path: '/v1/messages',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: '{"model":"claude-test","max_tokens":64,"messages":[{"role":"user","content":"Hi"}],"stream":true}',
      },
    ],
  },
]
