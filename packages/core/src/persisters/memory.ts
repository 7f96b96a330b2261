import { CassetteLoadError, CassetteNotFoundError } from '../errors.js'
import type { CassetteData, Serializer } from '../serializers/serializer.js'
import type { Persister } from './persister.js'

/**
 * Keeps serialized cassettes in a Map: for tests of code that uses vcrjs, and
 * as the model for custom persisters. The text is stored, not the data, so a
 * round trip goes through the serializer exactly as on disk.
 */
export class MemoryPersister implements Persister {
  readonly files = new Map<string, string>()

  async loadCassette(path: string, serializer: Serializer): Promise<unknown> {
    const text = this.files.get(path)
    if (text === undefined) throw new CassetteNotFoundError(path)
    try {
      return serializer.deserialize(text)
    } catch (error) {
      throw new CassetteLoadError(path, `its content cannot be deserialized (${(error as Error).message})`, { cause: error })
    }
  }

  async saveCassette(path: string, data: CassetteData, serializer: Serializer): Promise<void> {
    this.files.set(path, serializer.serialize(data))
  }
}
