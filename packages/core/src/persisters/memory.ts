import { CassetteLoadError, CassetteNotFoundError } from '../errors.js'
import type { CassetteData, Serializer } from '../serializers/serializer.js'
import type { Persister, SaveOptions, StoredCassette } from './persister.js'

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
    return this.#deserialize(path, text, serializer)
  }

  async saveCassette(path: string, data: CassetteData, serializer: Serializer, options?: SaveOptions): Promise<void> {
    // Nothing runs between reading and writing the Map, so no lock is needed.
    const final = options?.merge ? options.merge(this.#stored(path, serializer)) : data
    this.files.set(path, serializer.serialize(final))
  }

  #stored(path: string, serializer: Serializer): StoredCassette {
    const text = this.files.get(path)
    if (text === undefined) return { state: 'absent' }
    try {
      return { state: 'present', data: this.#deserialize(path, text, serializer) }
    } catch (error) {
      return { state: 'unreadable', error }
    }
  }

  #deserialize(path: string, text: string, serializer: Serializer): unknown {
    try {
      return serializer.deserialize(text)
    } catch (error) {
      throw new CassetteLoadError(path, `its content cannot be deserialized (${(error as Error).message})`, { cause: error })
    }
  }
}
