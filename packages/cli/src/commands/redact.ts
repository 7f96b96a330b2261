import {
  type FilterSpec,
  type Interaction,
  type SecretFinding,
  Request,
  RequestFilters,
  Response,
  ResponseHeaderFilters,
  scanInteractions,
  SensitiveDataFilter,
} from '@vcrjs/core'
import { defineCommand, splitAssignment } from '../args.js'
import { type CassetteFile, type Extras, isStreamed, serializeCassette, writeCassetteText } from '../cassette-file.js'
import { EXIT, type ExitCode, UsageError } from '../errors.js'
import { plural } from '../io.js'
import { secretsIn } from '../locations.js'
import { readCassettes } from '../read-cassettes.js'
import { findCassetteFiles } from '../walk.js'

export const REDACT_HELP = `vcrjs redact <path>... [--header NAME]... [--query NAME]... [--field NAME]...
                       [--secret VALUE=PLACEHOLDER]... [--defaults] [--detected] [--dry-run]

Rewrites cassettes in place, each in its own format (vcrpy YAML/JSON, Ruby VCR
YAML/JSON, HAR), through the filters vcrjs applies when it records, so a
redacted cassette matches live requests exactly as one recorded with the same
options would. Each file is written atomically (a temporary file renamed over
it); a file with nothing to change is not touched; a file that cannot be read
is named on stderr and left byte-identical.

  --header NAME[=VALUE]          request header: removed, or its value replaced   (filterHeaders)
  --response-header NAME[=VALUE] response header: the same                         (filterResponseHeaders)
  --query NAME[=VALUE]           query parameter: removed or replaced              (filterQueryParameters)
  --field NAME[=VALUE]           form or JSON request body field: the same        (filterPostDataParameters)
  --secret VALUE=PLACEHOLDER     the text VALUE, as is and percent-encoded, in URLs,
                                 headers and text bodies becomes PLACEHOLDER        (sensitiveData)
  --defaults                     the credential headers and query parameters vcrjs
                                 filters by default (Authorization, Cookie, X-Api-Key,
                                 api_key, access_token, ...) become <FILTERED>  (filterDefaults)
  --detected                     every credential \`vcrjs scan\` finds becomes a
                                 placeholder <KIND_N> (same credential, same placeholder)
  --dry-run                      print what would change; write nothing

Give the same options to your VCR (e.g. filterHeaders: ['Authorization'],
sensitiveData: { '<API_KEY>': process.env.API_KEY }) so live requests are
filtered the same way before they are matched.

Examples:
  vcrjs redact test/__cassettes__ --header Authorization --query api_key
  vcrjs redact fixtures/stripe.yaml --secret "$STRIPE_KEY=<STRIPE_KEY>"
  vcrjs redact . --detected --dry-run
  vcrjs redact spec/cassettes --defaults      # old cassettes, as vcrjs now records them

Exit: 0 done (or nothing to do), 1 a file could not be read or written, or a
credential the detector found could not be replaced (named on stderr), 2 usage error.`

const REDACT_OPTIONS = {
  header: { type: 'string', multiple: true },
  'response-header': { type: 'string', multiple: true },
  query: { type: 'string', multiple: true },
  field: { type: 'string', multiple: true },
  secret: { type: 'string', multiple: true },
  defaults: { type: 'boolean' },
  detected: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const

export const redactCommand = defineCommand('redact', REDACT_HELP, REDACT_OPTIONS, async ({ values, positionals }, io) => {
  if (positionals.length === 0) throw new UsageError('vcrjs redact: name at least one cassette or folder.', 'redact')
  const redaction = new Redaction({
    headers: specs(values.header),
    responseHeaders: specs(values['response-header']),
    query: specs(values.query),
    fields: specs(values.field),
    secrets: secrets(values.secret),
    defaults: values.defaults === true,
    detected: values.detected === true,
  })
  if (redaction.empty) {
    throw new UsageError('vcrjs redact: say what to redact with --header, --response-header, --query, --field, --secret, --defaults or --detected.', 'redact')
  }
  let exit: ExitCode = EXIT.ok
  let changedFiles = 0
  for await (const read of readCassettes(await findCassetteFiles(positionals, 'redact'))) {
    if ('unreadable' in read) {
      io.err(`vcrjs redact: ${read.unreadable.message} (left as it was)`)
      exit = EXIT.failure
      continue
    }
    const { path, file } = read
    let result: RedactionResult
    try {
      result = redaction.apply(file)
    } catch (error) {
      // The message may quote a URL or header holding the credential: name the error only.
      io.err(`vcrjs redact: ${path}: cannot redact it (${(error as Error).name}: an interaction could not be rebuilt); left as it was`)
      exit = EXIT.failure
      continue
    }
    for (const left of result.left) {
      io.err(`vcrjs redact: ${path}: interaction ${left.interaction}, ${left.location}: a ${left.kind} is still there; remove it with a filter (${left.fix})`)
      exit = EXIT.failure
    }
    if (result.changes.length === 0) continue
    changedFiles++
    io.out(`${path} (${file.format}): ${plural(result.changes.length, 'change')}${values['dry-run'] ? ' (dry run, not written)' : ''}`)
    for (const change of result.changes) io.out(`  interaction ${change.interaction}: ${change.what}`)
    for (const { placeholder, kind } of result.placeholders) io.out(`  placeholder ${placeholder}: ${kind}`)
    if (result.placeholders.length > 0) {
      io.out(`  to replay with live credentials: sensitiveData: { '${result.placeholders[0]!.placeholder}': process.env.YOUR_SECRET, ... }`)
    }
    if (values['dry-run']) continue
    try {
      const text = serializeCassette(file.format, result.interactions, {
        extras: result.extras,
        ...(file.recordedWith === undefined ? {} : { recordedWith: file.recordedWith }),
      })
      await writeCassetteText(path, text, file)
    } catch (error) {
      io.err(`vcrjs redact: ${path}: not written, left as it was: ${(error as Error).message}`)
      exit = EXIT.failure
    }
  }
  io.out(`vcrjs redact: ${plural(changedFiles, 'file')} ${values['dry-run'] ? 'would change' : 'changed'}`)
  return exit
})

function specs(values: string[] | undefined): FilterSpec[] {
  return (values ?? []).map((value) => {
    const [name, replacement] = splitAssignment(value)
    return replacement === null ? name : [name, replacement]
  })
}

/** `VALUE=PLACEHOLDER`, split at the last `=`: a secret may hold `=` (base64), a placeholder should not. */
function secrets(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const value of values ?? []) {
    const at = value.lastIndexOf('=')
    if (at <= 0 || at === value.length - 1) {
      // The value is a secret: never echo it.
      throw new UsageError('vcrjs redact: --secret takes VALUE=PLACEHOLDER, e.g. --secret "$API_KEY=<API_KEY>"; one was not of that form.', 'redact')
    }
    out[value.slice(at + 1)] = value.slice(0, at)
  }
  return out
}

interface Change {
  interaction: number
  what: string
}

interface RedactionResult {
  interactions: Interaction[]
  extras: Extras[]
  changes: Change[]
  /** Detector findings that are still there after `--detected`. */
  left: SecretFinding[]
  /** `--detected`: each placeholder written and the kind of credential it stands for. */
  placeholders: Array<{ placeholder: string; kind: string }>
}

/**
 * The filters the core applies to an interaction it records, in the same
 * order (request filters, then sensitive data), applied to stored ones.
 */
class Redaction {
  readonly #requestFilters: RequestFilters
  readonly #responseFilters: ResponseHeaderFilters
  readonly #responseFilterCount: number
  readonly #sensitive: SensitiveDataFilter
  readonly #detected: boolean
  readonly #placeholders = new Placeholders()

  constructor(options: {
    headers: FilterSpec[]
    responseHeaders: FilterSpec[]
    query: FilterSpec[]
    fields: FilterSpec[]
    secrets: Record<string, string>
    defaults: boolean
    detected: boolean
  }) {
    this.#requestFilters = new RequestFilters({
      filterHeaders: options.headers,
      filterQueryParameters: options.query,
      filterPostDataParameters: options.fields,
      filterDefaults: options.defaults,
    })
    this.#responseFilters = new ResponseHeaderFilters(options.responseHeaders)
    this.#responseFilterCount = options.responseHeaders.length
    this.#sensitive = new SensitiveDataFilter(options.secrets)
    this.#detected = options.detected
  }

  get empty(): boolean {
    return this.#requestFilters.empty && this.#responseFilterCount === 0 && this.#sensitive.empty && !this.#detected
  }

  apply(file: CassetteFile): RedactionResult {
    const used = new Map<string, string>()
    const changes: Change[] = []
    const extras: Extras[] = []
    const interactions = file.interactions.map((before, index) => {
      let after = this.#filtered(before)
      if (this.#detected) after = detectedReplaced(after, this.#placeholders, used)
      const what = differences(before, after)
      let extra = file.extras[index] ?? { interaction: {}, response: {} }
      // Chunk sizes recorded for the old body need not add up to the new one: that body replays as one chunk.
      if (what.includes('response body') && isStreamed(before)) {
        const { stream: _dropped, ...response } = extra.response
        extra = { interaction: extra.interaction, response }
        what.push('streaming chunk data dropped (the body changed)')
      }
      extras.push(extra)
      for (const item of what) changes.push({ interaction: index, what: item })
      return after
    })
    const left = this.#detected ? scanInteractions(interactions) : []
    return { interactions, extras, changes, left, placeholders: [...used].map(([placeholder, kind]) => ({ placeholder, kind })) }
  }

  #filtered(interaction: Interaction): Interaction {
    const { request: stored, response } = interaction
    // Function replacements and sensitive-data sources read the live request; here the stored one stands for it.
    let request = this.#requestFilters.apply(stored)
    const hiding = this.#sensitive.hiding(stored)
    request = SensitiveDataFilter.request(request, hiding)
    let filteredResponse = response
    const headers = this.#responseFilters.apply(response.headers, stored)
    if (headers !== response.headers) filteredResponse = new Response({ status: response.status, headers, body: response.body })
    filteredResponse = SensitiveDataFilter.response(filteredResponse, hiding)
    if (request === stored && filteredResponse === response) return interaction
    return withParts(interaction, request, filteredResponse)
  }
}

function withParts(interaction: Interaction, request: Request, response: Response): Interaction {
  return interaction.recordedAt ? { request, response, recordedAt: interaction.recordedAt } : { request, response }
}

/**
 * `<KIND_N>` per distinct credential of the whole run, so one credential gets
 * one placeholder in every file (and one `sensitiveData` entry replays them all).
 */
class Placeholders {
  readonly #bySecret = new Map<string, { placeholder: string; kind: string }>()
  readonly #perKind = new Map<string, number>()

  for(secret: string, kind: string): { placeholder: string; kind: string } {
    let entry = this.#bySecret.get(secret)
    if (entry === undefined) {
      const name = kind.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '') || 'SECRET'
      const n = (this.#perKind.get(name) ?? 0) + 1
      this.#perKind.set(name, n)
      entry = { placeholder: `<${name}_${n}>`, kind }
      this.#bySecret.set(secret, entry)
    }
    return entry
  }
}

/** Every credential the detector finds in the interaction, replaced through the sensitive-data filter (every spelling of it). */
function detectedReplaced(interaction: Interaction, placeholders: Placeholders, used: Map<string, string>): Interaction {
  const spec: Record<string, string> = {}
  for (const { kind, value } of secretsIn(interaction)) {
    const entry = placeholders.for(value, kind)
    spec[entry.placeholder] = value
    used.set(entry.placeholder, entry.kind)
  }
  if (Object.keys(spec).length === 0) return interaction
  const hiding = new SensitiveDataFilter(spec).hiding(interaction.request)
  const request = SensitiveDataFilter.request(interaction.request, hiding)
  const response = SensitiveDataFilter.response(interaction.response, hiding)
  return withParts(interaction, request, response)
}

/** What changed, by location, in the words the detector uses; values are never printed. */
function differences(before: Interaction, after: Interaction): string[] {
  if (before === after) return []
  const out: string[] = []
  if (before.request.url !== after.request.url) out.push('request url')
  out.push(...headerDifferences('request', before.request.headers.entries(), after.request.headers.entries()))
  if (!sameBytes(before.request.body, after.request.body)) out.push('request body')
  out.push(...headerDifferences('response', before.response.headers.entries(), after.response.headers.entries()))
  if (!sameBytes(before.response.body, after.response.body)) out.push('response body')
  return out
}

function headerDifferences(side: string, before: readonly (readonly [string, string])[], after: readonly (readonly [string, string])[]): string[] {
  const group = (entries: readonly (readonly [string, string])[]) => {
    const map = new Map<string, { name: string; values: string[] }>()
    for (const [name, value] of entries) {
      const key = name.toLowerCase()
      const slot = map.get(key) ?? { name, values: [] }
      slot.values.push(value)
      map.set(key, slot)
    }
    return map
  }
  const was = group(before)
  const now = group(after)
  const out: string[] = []
  for (const [key, { name, values }] of was) {
    const next = now.get(key)
    if (!next) out.push(`${side} header ${name} removed`)
    else if (next.values.join('\0') !== values.join('\0')) out.push(`${side} header ${name} replaced`)
  }
  return out
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === b) return true
  if (a === null || b === null) return false
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
}

