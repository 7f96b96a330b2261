import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './errors.js'

type Options = NonNullable<ParseArgsConfig['options']>
type WithHelp<O extends Options> = O & { help: { type: 'boolean'; short: 'h' } }
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: WithHelp<O>; allowPositionals: true; strict: true }>>

/** node:util's parseArgs with `--help`/`-h` added, its errors turned into a usage error for `command`. */
export function parseCommandLine<O extends Options>(command: string, args: string[], options: O): Parsed<O> {
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
