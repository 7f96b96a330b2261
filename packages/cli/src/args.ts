import { parseArgs, type ParseArgsConfig } from 'node:util'
import { EXIT, type ExitCode, UsageError } from './errors.js'
import type { Io } from './io.js'

type Options = NonNullable<ParseArgsConfig['options']>
type WithHelp<O extends Options> = O & { help: { type: 'boolean'; short: 'h' } }
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: WithHelp<O>; allowPositionals: true; strict: true }>>

/** A `vcrjs` command as cli.ts runs it. */
export interface Command {
  readonly help: string
  run(args: string[], io: Io): Promise<ExitCode>
}

/**
 * A command whose `run` gets its command line parsed by `options`; `--help`
 * or `-h` prints `help` instead, and a wrong command line is a usage error
 * that names the command.
 */
export function defineCommand<O extends Options>(name: string, help: string, options: O, run: (line: Parsed<O>, io: Io) => Promise<ExitCode>): Command {
  return {
    help,
    async run(args, io) {
      const line = parseCommandLine(name, args, options)
      // Every command's options include `help` (parseCommandLine adds it); the generic type cannot show it.
      if ((line.values as { help?: boolean }).help) {
        io.out(help)
        return EXIT.ok
      }
      return run(line, io)
    },
  }
}

/** node:util's parseArgs with `--help`/`-h` added, its errors turned into a usage error for `command`. */
function parseCommandLine<O extends Options>(command: string, args: string[], options: O): Parsed<O> {
  const withHelp = { ...options, help: { type: 'boolean', short: 'h' } } as WithHelp<O>
  try {
    return parseArgs({ args, options: withHelp, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(`vcrjs ${command}: ${(error as Error).message}`, command)
  }
}

/** `NAME=VALUE` split at the first `=`; `null` value when there is none. */
export function splitAssignment(text: string): [string, string | null] {
  const at = text.indexOf('=')
  return at === -1 ? [text, null] : [text.slice(0, at), text.slice(at + 1)]
}
