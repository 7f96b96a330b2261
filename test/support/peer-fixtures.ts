import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'

/** fixtures/: the cassettes vcrpy and Ruby VCR recorded (fixtures/scripts/record-peers.ts), read-only. */
export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url))

/**
 * The real peers: where their fixtures are, and how to drive them
 * (test/support/peer-driver.ts runs `command` on fixtures/scripts/`driver`;
 * `install` names the Debian packages they need).
 */
export const PEERS = [
  {
    name: 'vcrpy',
    dir: 'vcrpy',
    extension: '.yaml',
    command: '/usr/bin/python3',
    driver: 'vcrpy_peer.py',
    install: 'python3-vcr python3-requests python3-yaml',
  },
  { name: 'Ruby VCR', dir: 'ruby', extension: '.yml', command: '/usr/bin/ruby', driver: 'ruby_peer.rb', install: 'ruby-vcr ruby-webmock' },
] as const

export type Peer = (typeof PEERS)[number]

/** One HTTP exchange as the peer's client saw it live: an entry of a `<cassette>.live.json` sidecar. */
export interface LiveExchange {
  method: string
  /** The URL the client requested (Ruby VCR's cassette holds webmock's normalised spelling of it). */
  uri: string
  requestHeaders: [string, string][]
  requestBodyBase64: string | null
  status: number
  statusMessage: string
  /** As the client received them; a repeated header once per value. */
  headers: [string, string][]
  /** The body before content decoding; null where the client never exposed it. */
  wireBodyBase64: string | null
  /** The body as the client handed it to its caller. */
  bodyBase64: string
}

export interface PeerSidecar {
  /** The peer and its HTTP client, with versions. */
  peer: string
  cassette: string
  /** What each field means for this peer. */
  note: string
  /** One per HTTP exchange (redirect hops included), in cassette order. */
  interactions: LiveExchange[]
}

export function peerDir(peer: Peer): string {
  return join(FIXTURES_DIR, peer.dir)
}

/** The sidecar of `peer`'s cassette `name` (without extension). */
export function readPeerSidecar(peer: Peer, name: string): PeerSidecar {
  return JSON.parse(readFileSync(join(peerDir(peer), `${name}.live.json`), 'utf8')) as PeerSidecar
}

/** The body as the peer stored it in its cassette: the bytes as received where its client exposes them, else as handed over. */
export function storedBody(live: LiveExchange): Buffer {
  return Buffer.from(live.wireBodyBase64 ?? live.bodyBase64, 'base64')
}

/**
 * Whether the exchange says gzip and the peer stored gzip bytes. vcrpy with
 * urllib3 2 stores the body urllib3 already decoded under the server's
 * `Content-Encoding: gzip`; vcrjs serves such a body as is, without the header.
 */
export function storedGzip(live: LiveExchange): boolean {
  const gzipped = live.headers.some(([name, value]) => name.toLowerCase() === 'content-encoding' && value.toLowerCase() === 'gzip')
  if (!gzipped) return false
  if (live.wireBodyBase64 === null) throw new Error(`the sidecar of ${live.uri} says gzip but holds no wire bytes`)
  const stored = storedBody(live)
  return stored[0] === 0x1f && stored[1] === 0x8b
}

/**
 * The body a client that inflates gzip hands its caller. A peer's client may
 * or may not have inflated it itself (Net::HTTP leaves it compressed when the
 * caller chose Accept-Encoding), so this starts from the bytes as stored.
 */
export function decodedBody(live: LiveExchange): Buffer {
  return storedGzip(live) ? gunzipSync(storedBody(live)) : Buffer.from(live.wireBodyBase64 ?? live.bodyBase64, 'base64')
}
