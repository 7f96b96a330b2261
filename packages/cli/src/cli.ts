#!/usr/bin/env node
import { VcrError } from '@vcrjs/core'
import type { Command } from './args.js'
import { convertCommand } from './commands/convert.js'
import { inspectCommand } from './commands/inspect.js'
import { pruneCommand } from './commands/prune.js'
import { redactCommand } from './commands/redact.js'
import { scanCommand } from './commands/scan.js'
import { CliError, EXIT, type ExitCode, UsageError } from './errors.js'
import { type Io, processIo } from './io.js'
import { VERSION } from './version.js'

const COMMANDS: Record<string, Command> = {
  inspect: inspectCommand,
  scan: scanCommand,
  redact: redactCommand,
  convert: convertCommand,
  prune: pruneCommand,
}

const firstLine = (help: string) => help.split('\n', 1)[0]

export const HELP = `vcrjs: look into, clean up and convert HTTP cassettes (vcrjs, vcrpy, Ruby VCR, HAR)

Usage:
  ${Object.values(COMMANDS)
    .map(({ help }) => firstLine(help))
    .join('\n  ')}

Run \`vcrjs <command> --help\` for a command's options and examples.

Examples:
  vcrjs inspect test/__cassettes__/api.test.ts/
  vcrjs scan .                                  # exit 1 when a credential is found
  vcrjs redact fixtures/ --header Authorization --secret "$API_KEY=<API_KEY>"
  vcrjs convert recording.har --to yaml -o test/cassettes/recording.yaml
  vcrjs prune test/ --dry-run

Exit codes (every command):
  0  success; scan: no credential found
  1  scan: a credential was found; inspect, redact, convert, prune: a file
     could not be read, written or converted (the message names the file and
     the fix; scan reads such a file's raw text instead)
  2  usage error (unknown command or option, missing argument)`

async function main(argv: string[], io: Io): Promise<ExitCode> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP)
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  if (name === '--version' || name === '-v') {
    io.out(VERSION)
    return EXIT.ok
  }
  const command = COMMANDS[name]
  if (!command) throw new UsageError(`vcrjs: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}.`)
  return command.run(rest, io)
}

const io = processIo()
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      io.err(error.message.startsWith('vcrjs') ? error.message : `vcrjs: ${error.message}`)
      process.exitCode = error.exitCode
    } else if (error instanceof VcrError) {
      io.err(`vcrjs: ${error.message}`)
      process.exitCode = EXIT.failure
    } else {
      io.err(`vcrjs: unexpected error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      process.exitCode = EXIT.failure
    }
  },
)
