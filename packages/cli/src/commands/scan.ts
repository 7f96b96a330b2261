import { defineCommand } from '../args.js'
import type { CassetteFile } from '../cassette-file.js'
import { readFile } from 'node:fs/promises'
import { findSecrets, scanInteractions } from '@vcrjs/core'
import { EXIT, UsageError } from '../errors.js'
import { plural } from '../io.js'
import { LineFinder } from '../line-finder.js'
import { type LocatedSecret, secretsIn } from '../locations.js'
import { readCassettes } from '../read-cassettes.js'
import { findCassetteFiles } from '../walk.js'

export const SCAN_HELP = `vcrjs scan <path>... [--json]

Runs the secret detector that guards every cassette save over every cassette
under the paths (vcrpy YAML/JSON, Ruby VCR YAML/JSON, HAR; folders are walked,
node_modules and .git skipped; YAML/JSON files that are not cassettes are
skipped). Each finding names the file, line, interaction, where the credential
sits (request header Authorization, request url, response body, ...) and its
kind, and how to filter it. The credential itself is never printed. A file
that cannot be read as a cassette is named on stderr and its raw text is
scanned instead (location "file text", interaction null).
On a terminal, a progress line is drawn on stderr.

  --json   one JSON document on stdout: {"findings": [{file, line, interaction, location, kind, fix}], "cassettes": N, "unreadable": [...]}

Examples:
  vcrjs scan .
  vcrjs scan test/__cassettes__ fixtures/cassettes --json
  vcrjs scan fixtures/ || vcrjs redact fixtures/ --detected

Exit: 0 no credential found, 1 a credential was found, 2 usage error.`

export interface Finding {
  file: string
  line: number | null
  /** null for a file that could not be read as a cassette, whose text was scanned. */
  interaction: number | null
  location: string
  kind: string
  fix: string
}

export const scanCommand = defineCommand('scan', SCAN_HELP, { json: { type: 'boolean' } }, async ({ values, positionals }, io) => {
  if (positionals.length === 0) throw new UsageError('vcrjs scan: name at least one file or folder, e.g. `vcrjs scan .`', 'scan')
  const files = await findCassetteFiles(positionals, 'scan')
  const findings: Finding[] = []
  const unreadable: Array<{ file: string; problem: string }> = []
  let cassettes = 0
  const progress = (n: number) => {
    if (n % 25 === 0) io.progress(`vcrjs scan: ${n}/${files.length} files, ${plural(findings.length, 'finding')}`)
  }
  for await (const read of readCassettes(files, { beforeEach: progress })) {
    if ('unreadable' in read) {
      unreadable.push({ file: read.path, problem: read.unreadable.message })
      io.err(`vcrjs scan: cannot read ${read.unreadable.message}; its text was scanned instead`)
      findings.push(...(await textFindings(read.path)))
    } else {
      cassettes++
      findings.push(...findingsOf(read.file))
    }
  }
  io.progress('')
  if (values.json) {
    io.out(JSON.stringify({ findings, cassettes, unreadable }, null, 2))
  } else {
    for (const finding of findings) {
      const where = finding.interaction === null ? finding.location : `interaction ${finding.interaction}, ${finding.location}`
      io.out(`${finding.file}:${finding.line ?? '?'}: ${where}: ${finding.kind}`)
      io.out(`    fix: ${finding.fix}`)
    }
    const where = new Set(findings.map((finding) => finding.file)).size
    io.out(
      findings.length === 0
        ? `vcrjs scan: no credentials in ${plural(cassettes, 'cassette')}`
        : `vcrjs scan: ${plural(findings.length, 'credential')} in ${where} of ${plural(cassettes, 'cassette')}; remove them with \`vcrjs redact <path> --detected\` (or the filters each fix names), then rotate them: they were committed.`,
    )
  }
  return findings.length > 0 ? EXIT.failure : EXIT.ok
})

/**
 * A file the core cannot read (a syntax error, a format it refuses) may still
 * hold a credential: its raw text goes through the same detector, each hit
 * reported at its line with location `file text`.
 */
async function textFindings(path: string): Promise<Finding[]> {
  let text: string
  try {
    text = (await readFile(path)).toString('latin1')
  } catch {
    return []
  }
  const lines = new LineFinder(text, 0)
  return findSecrets(text).map(({ kind, start, end }) => ({
    file: path,
    line: lines.lineOf(0, 'file text', text.slice(start, end)),
    interaction: null,
    location: 'file text',
    kind,
    fix: 'remove it from the file (it cannot be read as a cassette, so vcrjs redact cannot rewrite it), then rotate it',
  }))
}

function findingsOf(file: CassetteFile): Finding[] {
  const found = scanInteractions(file.interactions)
  if (found.length === 0) return []
  const lines = new LineFinder(file.text, file.interactions.length)
  // Two findings of one kind at one location (two Set-Cookie headers) are its first and second credential there.
  const seen = new Map<string, number>()
  const located = new Map<number, LocatedSecret[]>()
  return found.map(({ interaction, location, kind, fix }) => {
    const key = `${interaction}\0${location}\0${kind}`
    const nth = seen.get(key) ?? 0
    seen.set(key, nth + 1)
    if (!located.has(interaction)) located.set(interaction, secretsIn(file.interactions[interaction]!))
    const value = located.get(interaction)!.filter((secret) => secret.location === location && secret.kind === kind)[nth]?.value ?? null
    return { file: file.path, line: lines.lineOf(interaction, location, value), interaction, location, kind, fix }
  })
}
