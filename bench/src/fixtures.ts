import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { handleRequest, VCR } from '@vcrjs/core'
import { Dispatcher, getGlobalDispatcher, setGlobalDispatcher, SnapshotAgent } from 'undici'
import { benchInteraction, interactionPath, REQUEST_HEADERS } from './interactions.js'

/** Where each tool's copy of the same `size` interactions lives. */
export interface FixturePaths {
  readonly vcrYaml: string
  readonly vcrJson: string
  readonly snapshot: string
  readonly nock: string
  /** Polly's recordings folder and recording name (Polly adds a hash to the folder it writes). */
  readonly pollyDir: string
  readonly pollyName: string
}

export function fixturePaths(dir: string, size: number): FixturePaths {
  return {
    vcrYaml: join(dir, `vcrjs-${size}.yaml`),
    vcrJson: join(dir, `vcrjs-${size}.json`),
    snapshot: join(dir, `snapshot-${size}.json`),
    nock: join(dir, `nock-${size}.json`),
    pollyDir: join(dir, 'polly'),
    pollyName: `bench-${size}`,
  }
}

/**
 * Writes the cassettes of every size in vcrjs's YAML and JSON (through
 * vcrjs itself, so they are exactly what it writes) and in SnapshotAgent's
 * format; nock's and Polly's only for `peerSize`, the cassette the slowest
 * peers are compared on. Returns the origin the URLs point at: a port on
 * 127.0.0.1 that nothing listens on once generation is over, so a replay
 * that leaked to the network would fail instead of passing.
 */
export async function writeFixtures(dir: string, sizes: readonly number[], peerSize: number): Promise<string> {
  const server = createServer((req, res) => {
    const index = Number(/^\/items\/(\d+)/.exec(req.url ?? '')?.[1])
    const interaction = benchInteraction(index)
    res.writeHead(interaction.status, interaction.responseHeaders)
    res.end(interaction.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    const fetchOpts = await probeFetchDispatch(`${origin}${interactionPath(0)}`)
    for (const size of [...sizes, peerSize]) {
      const paths = fixturePaths(dir, size)
      await writeVcrCassette(dir, paths.vcrYaml, size, origin)
      await writeVcrCassette(dir, paths.vcrJson, size, origin)
      await writeSnapshots(paths.snapshot, size, origin, fetchOpts)
    }
    const peers = fixturePaths(dir, peerSize)
    await writeFile(peers.nock, JSON.stringify(nockDefinitions(peerSize, origin), null, 2))
    await recordPolly(peers, peerSize, origin)
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
  return origin
}

async function writeVcrCassette(dir: string, path: string, size: number, origin: string): Promise<void> {
  const vcr = new VCR({ cassetteLibraryDir: dir, serializer: path.endsWith('.json') ? 'json' : 'yaml' })
  const cassette = await vcr.insertCassette(path, { recordMode: 'all' })
  for (let index = 0; index < size; index++) {
    const interaction = benchInteraction(index)
    await handleRequest({
      cassette,
      request: { method: 'GET', url: `${origin}${interaction.path}`, headers: interaction.requestHeaders, body: null },
      sendReal: async () => ({ status: interaction.status, headers: interaction.responseHeaders, body: interaction.body }),
    })
  }
  await cassette.eject()
}

/**
 * The dispatch options Node's global fetch produces for the bench's request:
 * SnapshotAgent keys a snapshot by a hash of them (headers included), so the
 * file must hold the hash the replayed fetch will compute.
 */
async function probeFetchDispatch(url: string): Promise<Dispatcher.DispatchOptions> {
  let seen: Dispatcher.DispatchOptions | undefined
  class Probe extends Dispatcher {
    override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      seen = opts
      const error = new Error('probe')
      handler.onError?.(error)
      return true
    }
  }
  const previous = getGlobalDispatcher()
  setGlobalDispatcher(new Probe())
  try {
    await fetch(url, { headers: REQUEST_HEADERS }).catch(() => undefined)
  } finally {
    setGlobalDispatcher(previous)
  }
  if (!seen) throw new Error('the global fetch did not reach the probe dispatcher')
  return seen
}

async function writeSnapshots(path: string, size: number, origin: string, fetchOpts: Dispatcher.DispatchOptions): Promise<void> {
  const agent = new SnapshotAgent({ mode: 'record' })
  const recorder = agent.getRecorder()
  for (let index = 0; index < size; index++) {
    const interaction = benchInteraction(index)
    await recorder.record(
      { ...fetchOpts, origin, path: interaction.path },
      { statusCode: interaction.status, headers: lowerCaseKeys(interaction.responseHeaders), body: Buffer.from(interaction.body), trailers: {} },
    )
  }
  await recorder.saveSnapshots(path)
  await agent.close()
}

function nockDefinitions(size: number, origin: string): unknown[] {
  return Array.from({ length: size }, (_, index) => nockDefinition(index, origin))
}

/** The definition of one bench interaction that `nock.back` reads from a fixture, as nock's recorder writes it. */
export function nockDefinition(index: number, origin: string): unknown {
  const interaction = benchInteraction(index)
  return {
    scope: origin,
    method: 'GET',
    path: interaction.path,
    body: '',
    status: interaction.status,
    response: JSON.parse(interaction.body) as unknown,
    rawHeaders: Object.entries(interaction.responseHeaders).flat(),
    responseIsBinary: false,
  }
}

/** Polly writes its HAR itself, so it records the interactions from the generator's server. */
async function recordPolly(paths: FixturePaths, size: number, origin: string): Promise<void> {
  // Imported here: Polly patches global fetch and Node's http module on import.
  const { pollyFor } = await import('./peers.js')
  const polly = await pollyFor(paths, 'fetch', 'record')
  for (let index = 0; index < size; index++) {
    const response = await fetch(`${origin}${interactionPath(index)}`, { headers: REQUEST_HEADERS })
    await response.text()
  }
  await polly.stop()
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
}
