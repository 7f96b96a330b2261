import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { Request } from '../request.js'
import { Response } from '../response.js'
import { FAKE } from './fake-secrets.test-support.js'
import { scanInteractions } from './scan.js'

const interaction = (request: ConstructorParameters<typeof Request>[0], response: ConstructorParameters<typeof Response>[0] = { status: 200 }) => ({
  request: new Request(request),
  response: new Response(response),
})

describe('scanInteractions', () => {
  it('names the interaction, the location, the kind and the option that filters it, never the value', () => {
    const interactions = [
      interaction({ method: 'GET', url: 'http://h.test/ok' }),
      interaction(
        {
          method: 'POST',
          url: `http://h.test/v1?key=${FAKE.google}&page=2`,
          headers: { Authorization: 'Bearer 0123456789abcdef', 'X-Trace': 'abc' },
          body: JSON.stringify({ model: 'x', api_token: FAKE.openai[0] }),
        },
        {
          status: 200,
          headers: [['Set-Cookie', `session=${FAKE.jwt}; HttpOnly`]],
          body: JSON.stringify({ deploy_key: FAKE.pem }),
        },
      ),
      interaction({ method: 'POST', url: 'http://h.test/form', body: `grant_type=x&client_secret=${FAKE.stripeLive[0]}` }),
    ]
    const findings = scanInteractions(interactions)
    expect(findings).toEqual([
      { interaction: 1, location: 'request url', kind: 'Google API key', fix: "filterQueryParameters: ['key']" },
      { interaction: 1, location: 'request header Authorization', kind: 'bearer credential', fix: "filterHeaders: ['authorization']" },
      { interaction: 1, location: 'request body', kind: 'OpenAI API key', fix: "filterPostDataParameters: ['api_token']" },
      { interaction: 1, location: 'response header Set-Cookie', kind: 'JWT', fix: "filterResponseHeaders: ['set-cookie']" },
      { interaction: 1, location: 'response body', kind: 'PEM private key', fix: expect.stringContaining("sensitiveData: { '<PEM_PRIVATE_KEY>'") },
      { interaction: 2, location: 'request body', kind: 'Stripe live key', fix: "filterPostDataParameters: ['client_secret']" },
    ])
    const printed = JSON.stringify(findings)
    for (const secret of [FAKE.google, '0123456789abcdef', FAKE.openai[0]!, FAKE.jwt, 'MIIEowIBAAKCAQEA', FAKE.stripeLive[0]!]) {
      expect(printed).not.toContain(secret)
    }
  })

  it('reports a credential repeated in one place once', () => {
    const findings = scanInteractions([interaction({ method: 'GET', url: 'http://h.test/' }, { status: 200, body: `${FAKE.google} ${FAKE.google}` })])
    expect(findings).toHaveLength(1)
  })

  it('reads a compressed body decoded, and says to store it decoded so sensitiveData can replace the credential', () => {
    const body = gzipSync(JSON.stringify({ token: FAKE.github[1] }))
    const findings = scanInteractions([interaction({ method: 'GET', url: 'http://h.test/' }, { status: 200, headers: [['Content-Encoding', 'gzip']], body })])
    expect(findings).toEqual([
      { interaction: 0, location: 'response body', kind: 'GitHub token', fix: expect.stringMatching(/^decodeCompressedResponse: true, sensitiveData: \{ '<GITHUB_TOKEN>'/) },
    ])
  })

  it('reads binary bodies too, and finds nothing in a clean cassette', () => {
    const binary = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(FAKE.aws[0]!), Buffer.from([0x80])])
    expect(scanInteractions([interaction({ method: 'GET', url: 'http://h.test/' }, { status: 200, body: binary })]).map((f) => f.kind)).toEqual([
      'AWS access key',
    ])
    expect(scanInteractions([interaction({ method: 'GET', url: 'http://h.test/?q=1', headers: { Authorization: '<FILTERED>' } })])).toEqual([])
  })
})
