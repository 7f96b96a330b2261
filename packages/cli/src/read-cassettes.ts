import { type CassetteFile, isNotACassette, readCassetteFile } from './cassette-file.js'
import { CliError } from './errors.js'
import type { FoundFile } from './walk.js'

/** One file a command works on, read: the cassette, or the error that names the file and why it cannot be read. */
export type ReadCassette = { readonly path: string; readonly file: CassetteFile } | { readonly path: string; readonly unreadable: CliError }

/**
 * Reads the files a command works on, one at a time and in order. A file
 * found in a folder that is no cassette at all (a package.json) is skipped;
 * a named one is unreadable, like a cassette that cannot be read: the command
 * says what that means for it (skipped, kept, left as it was).
 * `beforeEach` is told the index in `found` of each file about to be read (skipped ones too), for a progress line.
 */
export async function* readCassettes(found: readonly FoundFile[], options: { beforeEach?: (index: number) => void } = {}): AsyncGenerator<ReadCassette> {
  for (const [index, { path, named }] of found.entries()) {
    options.beforeEach?.(index)
    let file: CassetteFile
    try {
      file = await readCassetteFile(path)
    } catch (error) {
      if (isNotACassette(error) && !named) continue
      // readCassetteFile names every problem it can meet in a CliError; anything else is a bug, reported as one.
      if (!(error instanceof CliError)) throw error
      yield { path, unreadable: error }
      continue
    }
    yield { path, file }
  }
}
