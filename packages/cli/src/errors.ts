import { VcrError } from '@vcrjs/core'

/**
 * Exit codes, the same for every command:
 * 0 success (scan: nothing found), 1 something was found or a file could not
 * be processed (scan: a credential; redact/convert/prune/inspect: a file it
 * could not read or write), 2 the command line was wrong.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

const CLI_ERROR = Symbol.for('vcrjs.error.CliError')

/**
 * An error the command reports as one line and an exit code; the message
 * names the file and the fix. VcrError answers `instanceof` by a brand that
 * every subclass would inherit, so this class brands its own; tell its kinds
 * apart by `code`, not by subclass.
 */
export class CliError extends VcrError {
  readonly exitCode: ExitCode

  constructor(code: string, message: string, exitCode: ExitCode, options?: ErrorOptions) {
    super(code, message, options)
    this.name = 'CliError'
    this.exitCode = exitCode
    Object.defineProperty(this, CLI_ERROR, { value: true })
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CLI_ERROR] === true
  }
}

/** A wrong command line: the message says what is wrong and points at `--help`. */
export class UsageError extends CliError {
  constructor(message: string, command?: string) {
    super('VCR_CLI_USAGE', `${message}\nRun \`vcrjs ${command ? `${command} ` : ''}--help\` for the usage.`, EXIT.usage)
    this.name = 'UsageError'
  }
}

/** What a target format cannot hold (a binary body in vcrpy JSON or in a HAR request); the message names the interaction and a format that can. */
export class CannotHoldError extends CliError {
  constructor(message: string) {
    super('VCR_CLI_CANNOT_HOLD', message, EXIT.failure)
    this.name = 'CannotHoldError'
  }
}
