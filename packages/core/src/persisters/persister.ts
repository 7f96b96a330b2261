import type { CassetteData, Serializer } from '../serializers/serializer.js'

/**
 * What is stored at a cassette's path when a save is about to write it:
 * nothing, the very file the cassette was loaded from (`'unchanged'`, told
 * without reading it), another content, or a file that cannot be read.
 */
export type StoredCassette =
  | { readonly state: 'absent' }
  | { readonly state: 'unchanged' }
  | { readonly state: 'present'; readonly data: unknown }
  | { readonly state: 'unreadable'; readonly error: unknown }

export interface SaveOptions {
  /**
   * Builds what to write from what is stored now. A persister that several
   * writers share calls it while it holds the cassette's lock, so what
   * another writer saved since this cassette was loaded is merged, not lost.
   * A persister that does not call it writes `data`.
   */
  merge?: (stored: StoredCassette) => CassetteData
  /**
   * What the persister put under `STORED_VERSION` on the value `loadCassette`
   * returned when the cassette was inserted (the built-in filesystem persister
   * puts the file's identity and modification time there): lets it answer
   * `'unchanged'` without reading the file again.
   */
  loadedVersion?: unknown
}

/** Where a persister may leave the version of what it loaded, on the value `loadCassette` returns (non-enumerable). */
export const STORED_VERSION = Symbol.for('vcrjs.persister.stored-version')

/**
 * Where cassettes live; vcrpy's persister interface.
 *
 * `loadCassette` returns the deserialized data, throws `CassetteNotFoundError`
 * when there is no cassette at `path` (the core then starts an empty one), and
 * `CassetteLoadError` when there is one that cannot be read.
 * `saveCassette` must not leave a half-written cassette behind.
 */
export interface Persister {
  loadCassette(path: string, serializer: Serializer): Promise<unknown>
  saveCassette(path: string, data: CassetteData, serializer: Serializer, options?: SaveOptions): Promise<void>
}
