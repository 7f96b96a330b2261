import type { CassetteData, Serializer } from '../serializers/serializer.js'

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
  saveCassette(path: string, data: CassetteData, serializer: Serializer): Promise<void>
}
