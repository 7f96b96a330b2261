import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { UsageError } from './errors.js'

export const CASSETTE_EXTENSIONS = /\.(ya?ml|json|har)$/i
// Folders that never hold a project's cassettes, and files that look like cassettes but are not.
const SKIPPED_FOLDERS = new Set(['node_modules', '.git'])
export const SKIPPED_FILES = /(^\.vcrjs-usage\.json$|\.tmp$)/

export interface FoundFile {
  readonly path: string
  /** Named on the command line (its problems are errors) rather than found in a folder (a file that is no cassette is skipped). */
  readonly named: boolean
}

/** The cassette files a command works on: each named file, and every YAML, JSON and HAR file under each named folder, in a stable order. */
export async function findCassetteFiles(paths: readonly string[], command: string): Promise<FoundFile[]> {
  const found: FoundFile[] = []
  for (const path of paths) {
    let info
    try {
      info = await stat(path)
    } catch {
      throw new UsageError(`vcrjs ${command}: ${path} does not exist. Name a cassette file or a folder of cassettes.`, command)
    }
    if (info.isDirectory()) {
      for (const file of await walk(path)) found.push({ path: file, named: false })
    } else {
      found.push({ path, named: true })
    }
  }
  return found
}

async function walk(dir: string): Promise<string[]> {
  return walkFiles(dir, (name) => CASSETTE_EXTENSIONS.test(name) && !SKIPPED_FILES.test(name))
}

/** Every file under `dir` whose name `accept`s, in name order, outside node_modules and .git. */
export async function walkFiles(dir: string, accept: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const out: string[] = []
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) out.push(...(await walkFiles(path, accept)))
    } else if (entry.isFile() && accept(entry.name)) {
      out.push(path)
    }
  }
  return out
}
