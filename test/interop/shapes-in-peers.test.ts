import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES_DIR, PEERS } from '../support/peer-fixtures.js'

// What test/peer-shapes.test.ts expects each client to get from a cassette of
// fixtures/shapes/ is what the installed peer itself builds from that file:
// Debian's vcrpy (its YAML loader, then the body as its stubs hand it over)
// and Ruby VCR (VCR::HTTPInteraction.from_hash, with filter_sensitive_data's
// before_playback substitution). Cassettes that must be refused are not given
// to them: Debian's vcrpy 4.2.1 loads YAML with PyYAML's unsafe loader.

const SHAPES_DIR = join(FIXTURES_DIR, 'shapes')
const [VCRPY, RUBY_VCR] = PEERS

interface Expected {
  cassette: string
  loadError?: string
  sensitiveData?: Record<string, string>
  responses?: { status: number; body?: string; bodyBase64?: string; setCookie: string[] }[]
}

interface PeerView {
  status: number
  bodyBase64: string
  setCookie: string[]
}

const shapes = readdirSync(SHAPES_DIR)
  .filter((name) => name.endsWith('.expect.json'))
  .map((name) => JSON.parse(readFileSync(join(SHAPES_DIR, name), 'utf8')) as Expected)
  .filter((shape) => shape.loadError === undefined && !shape.cassette.startsWith('hand-edited'))

const expectedViews = (shape: Expected): PeerView[] =>
  shape.responses!.map((response) => ({
    status: response.status,
    bodyBase64: (response.bodyBase64 === undefined ? Buffer.from(response.body ?? '', 'utf8') : Buffer.from(response.bodyBase64, 'base64')).toString('base64'),
    setCookie: response.setCookie,
  }))

// vcrpy 8.x reads the old httpx shape as `content` with `status_code` (httpx_stubs.py _deserialize_response);
// Debian's 4.2.1 would run decode_response on it, which raises on a decoded body, so the view is built as vcrpy 8 does.
const VCRPY_VIEWS = String.raw`
import base64, json, sys
from vcr.serialize import deserialize
from vcr.serializers import yamlserializer
_, responses = deserialize(open(sys.argv[1]).read(), yamlserializer)
def headers_of(headers):
    return headers.items() if isinstance(headers, dict) else headers
out = []
for r in responses:
    if "status_code" in r:
        body, code = r["content"].encode("utf-8"), r["status_code"]
    else:
        body, code = r["body"].get("string", b""), r["status"]["code"]
    if isinstance(body, str): body = body.encode("utf-8")
    cookies = [v for k, vs in headers_of(r["headers"]) if k.lower() == "set-cookie" for v in vs]
    out.append({"status": code, "bodyBase64": base64.b64encode(body or b"").decode(), "setCookie": cookies})
print(json.dumps(out))
`

const RUBY_VIEWS = String.raw`
require 'vcr'; require 'json'; require 'base64'
data = VCR.cassette_serializers[:yaml].deserialize(File.read(ARGV[0]))
secrets = JSON.parse(ARGV[1])
out = data['http_interactions'].map do |hash|
  interaction = VCR::HTTPInteraction::HookAware.new(VCR::HTTPInteraction.from_hash(hash))
  secrets.each { |placeholder, value| interaction.filter!(placeholder, value) }
  response = interaction.response
  cookies = response.headers.select { |k, _| k.downcase == 'set-cookie' }.values.flatten
  { status: response.status.code, bodyBase64: Base64.strict_encode64(response.body), setCookie: cookies }
end
puts JSON.generate(out)
`

function peerViews(command: string, args: string[]): PeerView[] {
  const run = spawnSync(command, args, { encoding: 'utf8' })
  if (run.error || run.status !== 0) throw new Error(`${command} failed: ${run.error?.message ?? run.stderr}`)
  return JSON.parse(run.stdout) as PeerView[]
}

describe("fixtures/shapes: what each peer's client gets is what the shape tests expect", () => {
  for (const shape of shapes) {
    const ruby = shape.cassette.endsWith('.yml')
    const peer = ruby ? RUBY_VCR : VCRPY
    it(`${shape.cassette} in ${peer.name}`, () => {
      const path = join(SHAPES_DIR, shape.cassette)
      const views = ruby
        ? peerViews(peer.command, ['-e', RUBY_VIEWS, path, JSON.stringify(shape.sensitiveData ?? {})])
        : peerViews(peer.command, ['-c', VCRPY_VIEWS, path])
      expect(views).toEqual(expectedViews(shape))
    })
  }
})
