import { readdirSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import type { RecordMode } from './record-mode.js'
import type { Request } from './request.js'

const SIMILAR_SHOWN = 3

/**
 * The message for a request in a mode that may not record, into a cassette
 * whose file does not exist: most often a typo'd or renamed cassette, so the
 * files of that folder with the closest names are listed.
 */
export function missingCassetteMessage(request: Request, cassettePath: string, recordMode: RecordMode, listFolder: boolean): string {
  const lines = [
    `Cassette ${cassettePath} does not exist, and record mode '${recordMode}' does not record: ${request} cannot be replayed.`,
  ]
  if (listFolder) lines.push(similarFilesLine(cassettePath))
  lines.push(
    process.env.CI
      ? `Record the cassette where CI is not set (the runner integrations default to record mode 'none' under CI), or fix the cassette's name.`
      : `Record it with recordMode 'once' or 'new_episodes' (or VCR_RECORD_MODE=once), or fix the cassette's name.`,
  )
  return lines.join('\n')
}

function similarFilesLine(cassettePath: string): string {
  const folder = dirname(cassettePath)
  let names: string[]
  try {
    names = readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
  } catch {
    return `The folder ${folder} does not exist either.`
  }
  const wanted = basename(cassettePath)
  const similar = names
    .map((name) => ({ name, distance: editDistance(wanted.toLowerCase(), name.toLowerCase()) }))
    .filter(({ distance }) => distance <= Math.max(3, Math.floor(wanted.length / 2)))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, SIMILAR_SHOWN)
    .map(({ name }) => name)
  if (similar.length > 0) return `Similar files in ${folder}: ${similar.join(', ')}`
  return names.length === 0 ? `The folder ${folder} holds no cassettes.` : `No file in ${folder} has a similar name.`
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}
