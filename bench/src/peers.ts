import { Polly, type PollyConfig } from '@pollyjs/core'
import FetchAdapter from '@pollyjs/adapter-fetch'
import NodeHttpAdapter from '@pollyjs/adapter-node-http'
import FSPersister from '@pollyjs/persister-fs'
import type { FixturePaths } from './fixtures.js'

/** A Polly instance on the bench's recording (see `pollyConfig`). */
export async function pollyFor(paths: FixturePaths, adapter: 'fetch' | 'node-http', mode: 'record' | 'replay'): Promise<Polly> {
  registerPolly(adapter)
  return new Polly(paths.pollyName, pollyConfig(paths.pollyDir, adapter, mode))
}

/** Registers the fs persister and the adapter; once per process, as Polly adds a listener per call. */
export function registerPolly(adapter: 'fetch' | 'node-http'): void {
  Polly.register(plugin(FSPersister))
  Polly.register(plugin(adapter === 'fetch' ? FetchAdapter : NodeHttpAdapter))
}

/**
 * Requests are matched on method and URL alone (as vcrjs matches by default),
 * so the recording made through fetch also answers axios through the
 * node-http adapter, and Polly does no header or order bookkeeping the other
 * tools are not asked to do.
 */
export function pollyConfig(recordingsDir: string, adapter: 'fetch' | 'node-http', mode: 'record' | 'replay'): PollyConfig {
  return {
    mode,
    adapters: [adapter],
    adapterOptions: { fetch: { context: globalThis } },
    persister: 'fs',
    persisterOptions: { fs: { recordingsDir }, disableSortingHarEntries: true },
    recordIfMissing: false,
    logLevel: 'silent',
    matchRequestsBy: { headers: false, body: false, order: false },
  }
}

type PollyPlugin = Parameters<typeof Polly.register>[0]

/** Polly's packages are CommonJS with `exports.default`; Node's ESM loader may hand over the whole `exports`. */
function plugin(module: unknown): PollyPlugin {
  return ((module as { default?: PollyPlugin }).default ?? module) as PollyPlugin
}
