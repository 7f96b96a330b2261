import { rm, stat } from 'node:fs/promises'
import { basename, dirname, relative, resolve, sep } from 'node:path'
import { defineCommand } from '../args.js'
import { type CassetteFile, serializeCassette, writeCassetteText } from '../cassette-file.js'
import { CliError, EXIT, type ExitCode, UsageError } from '../errors.js'
import { type Io, plural } from '../io.js'
import { readCassettes } from '../read-cassettes.js'
import { readUsageRecord, USAGE_RECORD_NAME, type UsageRecord } from '../usage-record.js'
import { CASSETTE_EXTENSIONS, SKIPPED_FILES, walkFiles } from '../walk.js'

export const PRUNE_HELP = `vcrjs prune <dir> [--dry-run] [--interactions]

Deletes the cassettes no test used, from the usage records the test-runner
integrations (@vcrjs/vitest, @vcrjs/jest, @vcrjs/node-test) write after each
test file: ${USAGE_RECORD_NAME} in the test file's cassette folder. A cassette
under a folder with a record, and not listed in it, is unused. Run the whole
suite first: a record describes the last run of its test file, so the
cassettes of tests filtered out (-t, .only) or skipped in that run look unused
too; use --dry-run to check.

Never deleted: cassettes under no usage record (listed as unknown), cassettes
written after their record (newer than the last run), files that are not
cassettes or cannot be read.

  --dry-run        list what would be deleted or rewritten; change nothing
  --interactions   also rewrite each used cassette without the interactions
                   its last run did not play (skipped when the cassette no
                   longer has the number of interactions the record saw)

Examples:
  vcrjs prune test/ --dry-run
  vcrjs prune test/ --interactions

Exit: 0 done, 1 a record or cassette could not be read or written (named on stderr), 2 usage error.`

export const pruneCommand = defineCommand('prune', PRUNE_HELP, { 'dry-run': { type: 'boolean' }, interactions: { type: 'boolean' } }, async ({ values, positionals }, io) => {
  if (positionals.length !== 1) throw new UsageError(`vcrjs prune: name exactly one folder (got ${positionals.length}).`, 'prune')
  const root = positionals[0]!
  const rootInfo = await stat(root).catch(() => null)
  if (!rootInfo?.isDirectory()) throw new UsageError(`vcrjs prune: ${root} is not a folder. Name the folder holding your tests' cassettes.`, 'prune')
  const dryRun = values['dry-run'] === true
  const verb = dryRun ? 'would delete' : 'deleted'
  let exit: ExitCode = EXIT.ok

  const { recordFiles, cassetteFiles } = await collect(root)
  const records = new Map<string, UsageRecord>()
  for (const file of recordFiles) {
    try {
      const record = await readUsageRecord(file)
      records.set(record.folder, record)
    } catch (error) {
      if (!(error instanceof CliError)) throw error
      io.err(`vcrjs prune: ${error.message}`)
      exit = EXIT.failure
    }
  }

  const counts = { deleted: 0, unknown: 0, used: 0, rewritten: 0 }
  for await (const read of readCassettes(cassetteFiles.map((path) => ({ path, named: false })))) {
    if ('unreadable' in read) {
      io.err(`vcrjs prune: kept ${read.unreadable.message}`)
      exit = EXIT.failure
      continue
    }
    const { path, file } = read
    const record = governingRecord(path, root, records)
    const shown = path
    if (!record) {
      counts.unknown++
      io.out(`unknown (no ${USAGE_RECORD_NAME} above it; kept): ${shown}`)
      continue
    }
    const key = relative(record.folder, path).split(sep).join('/')
    const uses = record.cassettes.filter((cassette) => normalize(cassette.path) === key)
    if (uses.length === 0) {
      if ((await stat(path)).mtime > record.writtenAt) {
        io.out(`kept (written after its usage record ${record.file}): ${shown}`)
        continue
      }
      counts.deleted++
      io.out(`unused, ${verb}: ${shown}`)
      if (!dryRun) await rm(path)
      continue
    }
    counts.used++
    if (!values.interactions) continue
    const changed = await pruneInteractions(file, shown, uses, dryRun, io)
    if (changed === 'failed') exit = EXIT.failure
    else if (changed) counts.rewritten++
  }
  io.out(
    `vcrjs prune: ${plural(counts.used, 'cassette')} used, ${counts.deleted} unused ${dryRun ? 'to delete' : 'deleted'}, ${counts.unknown} unknown` +
      (values.interactions ? `, ${counts.rewritten} ${dryRun ? 'to rewrite' : 'rewritten'} without unplayed interactions` : '') +
      (dryRun ? ' (dry run: nothing changed)' : ''),
  )
  return exit
})

/** Writes the cassette without the interactions no use played; false when all were played, 'failed' when it could not. */
async function pruneInteractions(
  file: CassetteFile,
  shown: string,
  uses: UsageRecord['cassettes'],
  dryRun: boolean,
  io: Io,
): Promise<boolean | 'failed'> {
  const total = file.interactions.length
  if (uses.some((use) => use.interactions !== total)) {
    io.out(`kept whole (it has ${plural(total, 'interaction')}, its usage record saw ${uses[0]!.interactions}; run the tests again): ${shown}`)
    return false
  }
  const played = new Set(uses.flatMap((use) => use.played))
  const unplayed = file.interactions.map((_, i) => i).filter((i) => !played.has(i))
  if (unplayed.length === 0) return false
  io.out(`unplayed interactions ${unplayed.join(', ')} ${dryRun ? 'would be removed' : 'removed'} (${total - unplayed.length} of ${total} kept): ${shown}`)
  if (dryRun) return true
  const keep = (_: unknown, i: number) => played.has(i)
  try {
    const text = serializeCassette(file.format, file.interactions.filter(keep), {
      extras: file.extras.filter(keep),
      ...(file.recordedWith === undefined ? {} : { recordedWith: file.recordedWith }),
    })
    await writeCassetteText(file.path, text, file)
  } catch (error) {
    io.err(`vcrjs prune: ${shown}: not rewritten, left as it was: ${(error as Error).message}`)
    return 'failed'
  }
  return true
}

function normalize(path: string): string {
  return path.replaceAll('\\', '/').replace(/^\.\//, '')
}

/** The record in the cassette's folder or the nearest folder above it, up to the root. */
function governingRecord(path: string, root: string, records: ReadonlyMap<string, UsageRecord>): UsageRecord | undefined {
  const top = resolve(root)
  let folder = dirname(path)
  for (;;) {
    const record = records.get(folder)
    if (record) return record
    if (resolve(folder) === top || dirname(folder) === folder) return undefined
    folder = dirname(folder)
  }
}

async function collect(root: string): Promise<{ recordFiles: string[]; cassetteFiles: string[] }> {
  const files = await walkFiles(root, (name) => name === USAGE_RECORD_NAME || (CASSETTE_EXTENSIONS.test(name) && !SKIPPED_FILES.test(name)))
  return {
    recordFiles: files.filter((file) => basename(file) === USAGE_RECORD_NAME),
    cassetteFiles: files.filter((file) => basename(file) !== USAGE_RECORD_NAME),
  }
}
