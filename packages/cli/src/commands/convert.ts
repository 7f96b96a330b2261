import { extname } from 'node:path'
import { defineCommand } from '../args.js'
import { readCassetteFile, serializeCassette, writeCassetteText } from '../cassette-file.js'
import { EXIT, UsageError } from '../errors.js'
import { type Io, plural } from '../io.js'

/** The formats `--to` accepts; `ruby-json` is read and kept by redact but not offered as a target. */
const TARGETS = ['yaml', 'json', 'ruby-yaml', 'har'] as const
type Target = (typeof TARGETS)[number]

export const CONVERT_HELP = `vcrjs convert <in> --to yaml|json|ruby-yaml|har [-o OUT]

Converts one cassette between vcrpy YAML (yaml, what vcrjs writes), vcrpy JSON
(json), Ruby VCR YAML (ruby-yaml) and HAR 1.2 (har: browser devtools, Polly.js,
Playwright). The input's format is read from its content; Ruby VCR JSON is read
too. A .har input becomes a cassette: HTTP/2 pseudo-headers are left out, a
body the browser stored decoded loses its Content-Encoding, entries with no
response (status 0) are skipped and named on stderr.

Lossless where the target can hold it: what vcrjs keeps beside a HAR's fields
goes in the entry's "_vcrjs" key, so cassette -> HAR -> cassette is the same
cassette. What a target cannot hold is an error naming the interaction (a
binary body in vcrpy JSON, a binary request body in HAR); nothing is written.

  --to FORMAT   yaml | json | ruby-yaml | har (required)
  -o, --out OUT write OUT (atomically) instead of stdout

Examples:
  vcrjs convert users.yaml --to har -o users.har
  vcrjs convert devtools-export.har --to yaml -o test/__cassettes__/checkout.yaml
  vcrjs convert spec/cassettes/users.yml --to yaml > users.yaml

Exit: 0 written, 1 unreadable input or a target that cannot hold it, 2 usage error.`

export const convertCommand = defineCommand('convert', CONVERT_HELP, { to: { type: 'string' }, out: { type: 'string', short: 'o' } }, async ({ values, positionals }, io) => {
  if (positionals.length !== 1) throw new UsageError(`vcrjs convert: name exactly one input cassette (got ${positionals.length}).`, 'convert')
  const to = values.to
  if (to === undefined) throw new UsageError(`vcrjs convert: say which format to write with --to ${TARGETS.join('|')}.`, 'convert')
  if (!(TARGETS as readonly string[]).includes(to)) {
    throw new UsageError(`vcrjs convert: unknown format --to ${to}; choose one of ${TARGETS.join(', ')}.`, 'convert')
  }
  const out = values.out
  if (out !== undefined) warnOnExtension(out, to as Target, io)
  const input = positionals[0]!
  const file = await readCassetteFile(input)
  for (const note of file.notes ?? []) io.err(`vcrjs convert: ${input}: ${note}`)
  let text: string
  try {
    text = serializeCassette(to as Target, file.interactions, { extras: file.extras })
  } catch (error) {
    if (error instanceof Error) error.message = `${input}: ${error.message}`
    throw error
  }
  if (out === undefined) {
    process.stdout.write(text)
  } else {
    await writeCassetteText(out, text)
    io.err(`${input} (${file.format}) -> ${out} (${to}): ${plural(file.interactions.length, 'interaction')}`)
  }
  return EXIT.ok
})

/** A .json file holding YAML confuses people and tools; say so without refusing. */
function warnOnExtension(out: string, to: Target, io: Io): void {
  const ext = extname(out).toLowerCase()
  const expected = to === 'har' ? ['.har'] : to === 'json' ? ['.json'] : ['.yaml', '.yml']
  if (ext !== '' && !expected.includes(ext)) io.err(`vcrjs convert: note: writing ${to} to ${out}, whose extension suggests another format`)
}
