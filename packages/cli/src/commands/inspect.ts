import { redactUrl } from '@vcrjs/core'
import { defineCommand } from '../args.js'
import { isStreamed } from '../cassette-file.js'
import { EXIT, type ExitCode, UsageError } from '../errors.js'
import { plural } from '../io.js'
import { readCassettes } from '../read-cassettes.js'
import { findCassetteFiles } from '../walk.js'

export const INSPECT_HELP = `vcrjs inspect <cassette>... [--json]

One line per interaction: index, method, URL (user:password removed), status,
request and response body sizes, recorded_at, and whether the response was
streamed ("streamed" when the interaction carries chunk data, "-" otherwise);
then a summary per file. A folder stands for every cassette under it.
Reads vcrpy YAML/JSON, Ruby VCR YAML/JSON and HAR.

  --json   one JSON document on stdout: {"files": [{path, format, interactions: [...], summary}]}

Examples:
  vcrjs inspect test/__cassettes__/users.test.ts/lists\\ users.yaml
  vcrjs inspect fixtures/ --json | jq '.files[].summary'

Exit: 0 every file read, 1 a file could not be read (named on stderr), 2 usage error.`

export interface InspectedInteraction {
  index: number
  method: string
  url: string
  status: number
  requestBodyBytes: number
  responseBodyBytes: number
  recordedAt: string | null
  streamed: boolean
}

export const inspectCommand = defineCommand('inspect', INSPECT_HELP, { json: { type: 'boolean' } }, async ({ values, positionals }, io) => {
  if (positionals.length === 0) throw new UsageError('vcrjs inspect: name at least one cassette.', 'inspect')
  let exit: ExitCode = EXIT.ok
  const files: object[] = []
  for await (const read of readCassettes(await findCassetteFiles(positionals, 'inspect'))) {
    if ('unreadable' in read) {
      io.err(`vcrjs inspect: ${read.unreadable.message}`)
      exit = EXIT.failure
      continue
    }
    const { path, file } = read
    const rows = file.interactions.map((interaction, index): InspectedInteraction => ({
      index,
      method: interaction.request.method,
      url: redactUrl(interaction.request.url),
      status: interaction.response.status.code,
      requestBodyBytes: interaction.request.body?.length ?? 0,
      responseBodyBytes: interaction.response.body.length,
      recordedAt: interaction.recordedAt?.toISOString() ?? null,
      streamed: isStreamed(interaction),
    }))
    const summary = summarize(rows)
    if (values.json) {
      files.push({ path, format: file.format, interactions: rows, summary })
      continue
    }
    io.out(`${path} (${file.format}, ${plural(rows.length, 'interaction')})`)
    for (const row of rows) {
      io.out(
        [
          `  ${String(row.index).padStart(3)}`,
          row.method.padEnd(6),
          row.url,
          String(row.status),
          `req ${bytes(row.requestBodyBytes)}`,
          `res ${bytes(row.responseBodyBytes)}`,
          row.recordedAt ?? '-',
          row.streamed ? 'streamed' : '-',
        ].join('  '),
      )
    }
    io.out(
      `  = ${plural(rows.length, 'interaction')}; ${summary.hosts.join(', ') || 'no hosts'}; statuses ${Object.entries(summary.statuses)
        .map(([code, count]) => `${code}x${count}`)
        .join(' ') || '-'}; bodies ${bytes(summary.requestBodyBytes)} sent, ${bytes(summary.responseBodyBytes)} received; ${summary.streamed} streamed`,
    )
    for (const note of file.notes ?? []) io.err(`vcrjs inspect: ${path}: ${note}`)
  }
  if (values.json) io.out(JSON.stringify({ files }, null, 2))
  return exit
})

function summarize(rows: readonly InspectedInteraction[]) {
  const statuses: Record<string, number> = {}
  const hosts = new Set<string>()
  for (const row of rows) {
    statuses[row.status] = (statuses[row.status] ?? 0) + 1
    hosts.add(new URL(row.url).host)
  }
  return {
    interactions: rows.length,
    hosts: [...hosts],
    statuses,
    requestBodyBytes: rows.reduce((sum, row) => sum + row.requestBodyBytes, 0),
    responseBodyBytes: rows.reduce((sum, row) => sum + row.responseBodyBytes, 0),
    streamed: rows.filter((row) => row.streamed).length,
    firstRecordedAt: rows.map((row) => row.recordedAt).filter((at) => at !== null).sort()[0] ?? null,
    lastRecordedAt: rows.map((row) => row.recordedAt).filter((at) => at !== null).sort().at(-1) ?? null,
  }
}

function bytes(count: number): string {
  if (count < 1024) return `${count} B`
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KB`
  return `${(count / 1024 / 1024).toFixed(1)} MB`
}
