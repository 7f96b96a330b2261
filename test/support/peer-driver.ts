import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { LiveExchange, Peer } from './peer-fixtures.js'
import type { PeerScenario } from './peer-scenarios.js'

/** One batch of scenarios for a peer: recorded against `origin` (`all`), or replayed from `dir` (`none`). */
export interface PeerRun {
  /** Where the requests go: the live test server, or the one the cassettes were recorded from. */
  origin: string
  /** The folder of the cassettes, one per scenario, named `<scenario>.<serializer>` (`.yml` for Ruby VCR). */
  dir: string
  /** vcrpy: 'yaml' or 'json'; Ruby VCR: 'yaml'. */
  serializer: 'yaml' | 'json'
  recordMode: 'all' | 'none'
  scenarios: readonly PeerScenario[]
}

/** What the peer's client saw for one scenario. */
export interface PeerOutcome {
  /** The cassette's file name. */
  cassette: string
  /** One per HTTP exchange (redirect hops included), in order. */
  interactions: LiveExchange[]
  /** After a replay: whether the peer played every interaction of the cassette; null after a recording. */
  allPlayed: boolean | null
  /** What the peer raised for this scenario, or null. */
  error: string | null
}

export interface PeerReport {
  /** The peer and its HTTP client, with versions. */
  peer: string
  /** What each field of an exchange means for this peer. */
  note: string
  /** Per run, per scenario, in the order given. */
  runs: PeerOutcome[][]
}

/**
 * Runs every batch in one process of the peer (Python and Ruby start slowly),
 * asynchronously, since the test server answers on this event loop. Rejects,
 * naming the Debian packages to install, when the peer is missing.
 */
export function runPeer(peer: Peer, runs: readonly PeerRun[]): Promise<PeerReport> {
  const driver = fileURLToPath(new URL(`../../fixtures/scripts/${peer.driver}`, import.meta.url))
  const missing = `${peer.name} is needed for the cassette-compatibility tests; on Debian: apt-get install ${peer.install}`
  return new Promise((resolve, reject) => {
    const child = spawn(peer.command, [driver], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', (error) => reject(new Error(`cannot run ${peer.command} (${error.message}). ${missing}`)))
    child.on('close', (code) => {
      if (code === 3) reject(new Error(`${peer.command} cannot load ${peer.name} (${stderr.trim()}). ${missing}`))
      else if (code !== 0) reject(new Error(`${peer.command} ${peer.driver} failed (exit ${code}):\n${stderr}`))
      else resolve(JSON.parse(stdout) as PeerReport)
    })
    child.stdin.end(JSON.stringify({ runs }))
  })
}
