import type { Request } from './request.js'
import { redactText } from './secrets/redact.js'
import type { SecretFinding } from './secrets/scan.js'

/**
 * Every error vcrjs raises is a `VcrError` with a stable `code`.
 *
 * `instanceof` is answered by a `Symbol.for` brand rather than the prototype
 * chain, so it holds across two installed copies of @vcrjs/core and across its
 * ESM and CJS builds loaded side by side (an adapter resolved as CJS, a test as
 * ESM). The brand is set once, here: each error carries the names of the
 * classes it was built as, and `instanceof SomeVcrError` asks for that name.
 */
const BRAND = Symbol.for('vcrjs.error')

export class VcrError extends Error {
  readonly code: string

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'VcrError'
    this.code = code
    const kinds: string[] = []
    for (let cls: unknown = new.target; typeof cls === 'function' && cls !== Error; cls = Object.getPrototypeOf(cls)) kinds.push(cls.name)
    Object.defineProperty(this, BRAND, { value: Object.freeze(kinds) })
  }

  /** `error instanceof VcrError` (or any subclass): true for an error of this kind from any copy or build of @vcrjs/core. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const kinds = typeof value === 'object' && value !== null ? (value as { [BRAND]?: unknown })[BRAND] : undefined
    return Array.isArray(kinds) && kinds.includes(this.name)
  }
}

/** A recorded request the no-match error names as close to the one that found no match. */
export interface ClosestRequest {
  /** The recorded request, redacted: no `user:password@` in its URL, credential header values masked. */
  readonly request: Request
  /** Its position among the interactions loaded from the cassette file, from 0. */
  readonly index: number
  /** Whether it was already played in this run (a match that already played is listed with no failed matcher). */
  readonly played: boolean
  /** Names of the matchers in `matchOn` that accepted it. */
  readonly passed: readonly string[]
  /** The matchers that rejected it, each with why: `'page=2' != 'page=1'`, or a custom matcher's thrown message. */
  readonly failed: readonly { readonly name: string; readonly reason: string }[]
}

/**
 * A request that no recorded interaction matches, in a record mode that forbids
 * recording it. The message names the request, the cassette, the mode, and the
 * closest recorded requests with the matchers that failed; the same facts are
 * fields, for tools and test helpers.
 *
 * @example
 * catch (error) {
 *   if (error instanceof CannotOverwriteExistingCassetteError) console.log(error.request.url, error.closest[0]?.failed)
 * }
 */
export class CannotOverwriteExistingCassetteError extends VcrError {
  readonly cassettePath: string
  readonly recordMode: string
  /**
   * The request that found no match, as the cassette matched it (after the
   * filters and `beforeRecordRequest`), redacted: no `user:password@` in its
   * URL, credential header values (Authorization, Cookie, API keys) masked.
   */
  readonly request: Request | undefined
  /**
   * Up to three recorded requests closest to `request` (fewest failing
   * matchers first, then recorded order), each redacted, with the matchers
   * that passed and those that failed and why. Empty when the cassette is empty.
   */
  readonly closest: readonly ClosestRequest[]

  constructor(
    message: string,
    details: { cassettePath: string; recordMode: string; request?: Request | undefined; closest?: readonly ClosestRequest[] | undefined },
  ) {
    super('VCR_CANNOT_OVERWRITE_EXISTING_CASSETTE', message)
    this.name = 'CannotOverwriteExistingCassetteError'
    this.cassettePath = details.cassettePath
    this.recordMode = details.recordMode
    this.request = details.request
    this.closest = details.closest ?? []
  }
}


/**
 * A cassette file exists but cannot be read: bad syntax, an unknown format
 * version, a serializer that throws. The file is left untouched; only record
 * mode `all`, which re-records a cassette from scratch, replaces it.
 */
export class CassetteLoadError extends VcrError {
  readonly cassettePath: string

  constructor(cassettePath: string, problem: string, options?: ErrorOptions) {
    super(
      'VCR_CASSETTE_LOAD',
      `Cannot load cassette ${cassettePath}: ${redactText(problem)}. The file was left untouched; fix or delete it to record it anew, or re-record it with recordMode 'all', which replaces it.`,
      options,
    )
    // A parser's error quotes the lines around the problem: the cassette's headers and bodies.
    // Test runners print the cause and the cause's cause (a serializer's error wraps the parser's), so the chain is cleaned too.
    let cause = options?.cause
    for (let depth = 0; cause instanceof Error && depth < MAX_CAUSES; depth++, cause = cause.cause) redactError(cause)
    this.name = 'CassetteLoadError'
    this.cassettePath = cassettePath
  }
}

/** How deep a cause chain is cleaned: deeper than any vcrjs builds, and a bound on a chain that loops. */
const MAX_CAUSES = 8

function redactError(error: Error): void {
  const message = redactText(error.message)
  if (message === error.message) return
  try {
    if (typeof error.stack === 'string') error.stack = error.stack.replace(error.message, message)
    error.message = message
  } catch {
    // A frozen error cannot be cleaned; the message of the CassetteLoadError itself is.
  }
}

/**
 * A built-in serializer cannot turn text into cassette data (not valid YAML or
 * JSON, a Python tag that would run code, YAML aliases that expand far beyond
 * the file) or cassette data into text (a value the format cannot hold). The
 * serializer does not know the file: loading and saving wrap this error in a
 * `CassetteLoadError` or `CassetteSaveError` that names it. It reaches you
 * as itself only when you call a serializer yourself.
 */
export class CassetteSerializationError extends VcrError {
  constructor(message: string, options?: ErrorOptions) {
    super('VCR_CASSETTE_SERIALIZATION', message, options)
    this.name = 'CassetteSerializationError'
  }
}

/** Writing a cassette failed; the previous file, if any, is intact. */
export class CassetteSaveError extends VcrError {
  readonly cassettePath: string

  constructor(cassettePath: string, problem: string, options?: ErrorOptions) {
    super('VCR_CASSETTE_SAVE', `Cannot save cassette ${cassettePath}: ${problem}. The previous file, if any, is intact.`, options)
    this.name = 'CassetteSaveError'
    this.cassettePath = cassettePath
  }
}


/** An option has a value vcrjs does not accept; the message lists the allowed values. */
export class InvalidOptionError extends VcrError {
  readonly option: string

  constructor(option: string, message: string) {
    super('VCR_INVALID_OPTION', message)
    this.name = 'InvalidOptionError'
    this.option = option
  }
}


/** A request reached a cassette that was already ejected. */
export class CassetteEjectedError extends VcrError {
  readonly cassettePath: string

  /** `inFlight`: the request was sent before the eject, which stopped waiting for its answer. */
  constructor(cassettePath: string, { inFlight = false }: { inFlight?: boolean } = {}) {
    super(
      'VCR_CASSETTE_EJECTED',
      inFlight
        ? `Cassette ${cassettePath} was ejected while this request was in flight, and eject() stopped waiting for it: its response was not recorded. Await every request before the cassette ejects.`
        : `Cassette ${cassettePath} was already ejected; insert it again (vcr.useCassette or vcr.insertCassette) before making requests through it.`,
    )
    this.name = 'CassetteEjectedError'
    this.cassettePath = cassettePath
  }
}


/**
 * Raised by a persister when no cassette exists at a path. The core catches
 * it and starts an empty cassette; any other error while loading is fatal.
 */
export class CassetteNotFoundError extends VcrError {
  readonly cassettePath: string

  constructor(cassettePath: string, options?: ErrorOptions) {
    super('VCR_CASSETTE_NOT_FOUND', `No cassette at ${cassettePath}.`, options)
    this.name = 'CassetteNotFoundError'
    this.cassettePath = cassettePath
  }
}


/** Raised on eject with `allowUnusedInteractions: false` when recorded interactions were never played. */
export class UnusedInteractionsError extends VcrError {
  readonly cassettePath: string
  /** `GET https://...` of every unplayed interaction, in recorded order. */
  readonly unused: readonly string[]

  constructor(cassettePath: string, unused: readonly string[]) {
    super(
      'VCR_UNUSED_INTERACTIONS',
      [
        `Cassette ${cassettePath} has ${unused.length} interaction(s) the test never played (allowUnusedInteractions is false):`,
        ...unused.map((request) => `  - ${request}`),
        "Remove them from the cassette, re-record it (recordMode 'all'), or set allowUnusedInteractions: true.",
      ].join('\n'),
    )
    this.name = 'UnusedInteractionsError'
    this.cassettePath = cassettePath
    this.unused = unused
  }
}


/** A request was made with no cassette in use while `allowHttpWithoutCassette` is false. */
export class NoCassetteError extends VcrError {
  constructor(request: string) {
    super(
      'VCR_NO_CASSETTE',
      `${request} was made outside any cassette and allowHttpWithoutCassette is false. Run it inside vcr.useCassette(...) (or vcr.withCassette), pass a cassette to the adapter, or set allowHttpWithoutCassette: true to let it reach the network.`,
    )
    this.name = 'NoCassetteError'
  }
}


/**
 * A request an adapter cannot record or replay: a protocol upgrade (a
 * WebSocket), a `CONNECT`, or a body the adapter cannot see. Adapters raise it
 * with a message that says what to change.
 */
export class UnsupportedRequestError extends VcrError {
  constructor(message: string, options?: ErrorOptions) {
    super('VCR_UNSUPPORTED_REQUEST', message, options)
    this.name = 'UnsupportedRequestError'
  }
}
/**
 * `secretScan: 'error'` found a credential in a cassette about to be saved;
 * nothing was written. Each finding names the interaction, where the
 * credential sits, its kind and the option that keeps it out; never its value.
 */
export class SecretInCassetteError extends VcrError {
  readonly cassettePath: string
  readonly findings: readonly SecretFinding[]

  constructor(cassettePath: string, findings: readonly SecretFinding[]) {
    super('VCR_SECRET_IN_CASSETTE', secretMessage(cassettePath, findings, 'was not saved: the file was left as it was'))
    this.name = 'SecretInCassetteError'
    this.cassettePath = cassettePath
    this.findings = findings
  }
}

const FINDINGS_SHOWN = 10

/** The text of `SecretInCassetteError` and of the `'warn'` warning: one line per finding and the ways out. */
export function secretMessage(cassettePath: string, findings: readonly SecretFinding[], outcome: string): string {
  const lines = [`Cassette ${cassettePath} ${outcome}; it would hold ${findings.length} credential(s):`]
  for (const { interaction, location, kind, fix } of findings.slice(0, FINDINGS_SHOWN)) {
    lines.push(`  - interactions[${interaction}] ${location}: ${kind}. Fix: ${fix}`)
  }
  if (findings.length > FINDINGS_SHOWN) lines.push(`  ... and ${findings.length - FINDINGS_SHOWN} more`)
  lines.push(
    "Add the option named above to the cassette's or the VCR's options and record again. A value that only looks like a credential: secretScan: 'warn' saves and warns, 'off' skips the scan.",
  )
  return lines.join('\n')
}

/**
 * vcrjs can tell that the global `fetch` will not reach its dispatcher: the
 * test runs in a separate realm (a `vm` context: Jest, vitest's vm pools)
 * whose `fetch` belongs to the outer realm and ignores this realm's global
 * dispatcher. Raised at setup instead of letting requests go live.
 */
export class GlobalFetchNotRoutedError extends VcrError {
  constructor(message: string) {
    super('VCR_GLOBAL_FETCH_NOT_ROUTED', message)
    this.name = 'GlobalFetchNotRoutedError'
  }
}

/**
 * A runner integration started a test's cassette while another test of the
 * same file still had its own in: the tests run concurrently, and with the
 * runner's hooks both would record into whichever cassette is current.
 * Raised at the second test instead of mixing their requests.
 */
export class ConcurrentTestsError extends VcrError {
  /** The describe titles and title of the test that was refused, and of the one still running. */
  readonly test: readonly string[]
  readonly running: readonly string[]

  constructor(test: readonly string[], running: readonly string[], fix: string) {
    super(
      'VCR_CONCURRENT_TESTS',
      `Test "${test.join(' > ')}" started while test "${running.join(' > ')}" still has its cassette in: tests of one file that run concurrently would record into one cassette. ${fix}`,
    )
    this.name = 'ConcurrentTestsError'
    this.test = test
    this.running = running
  }
}
