import type { ClosestRequest } from './errors.js'
import type { Interaction } from './interaction.js'
import { matches, type ResolvedMatcher, runMatcher } from './matchers.js'
import type { RecordMode } from './record-mode.js'
import { redactedRequest } from './redacted-request.js'
import { type Request, urlPlaceholders } from './request.js'
import { type CredentialNames, redactCredentials } from './secrets/redact.js'

const CLOSEST_SHOWN = 3
const REASON_LIMIT = 300

export interface NoMatch {
  readonly message: string
  /** The request that found no match, redacted. */
  readonly request: Request
  readonly closest: readonly ClosestRequest[]
}

/**
 * What `CannotOverwriteExistingCassetteError` says and carries, modelled on
 * vcrpy's message: what was asked, why it may not be recorded, the closest
 * recorded requests with each failing matcher and its reason, and how to fix
 * it. The only place reasons are computed, and only for the closest few.
 */
export function describeNoMatch(details: {
  request: Request
  cassettePath: string
  recordMode: RecordMode
  matchers: readonly ResolvedMatcher[]
  interactions: readonly Interaction[]
  isPlayed: (id: number) => boolean
  /** Whose values the message and the reasons must not show (matcher reasons quote headers and URLs). */
  credentialNames?: CredentialNames
}): NoMatch {
  const { request, cassettePath, recordMode, matchers, interactions, isPlayed, credentialNames } = details
  const closest = closestRequests(request, matchers, interactions, isPlayed, credentialNames)
  const why =
    recordMode === 'none'
      ? "record mode 'none' never records"
      : "record mode 'once' does not record into a cassette that already exists"
  const lines = [
    `Can't overwrite existing cassette ${cassettePath} in record mode '${recordMode}': no recorded interaction matches ${request} and ${why}.`,
  ]
  if (closest.length === 0) {
    lines.push('The cassette holds no interactions.')
  } else {
    lines.push(`Closest recorded requests (matching on ${matchers.map((m) => m.name).join(', ')}):`)
    closest.forEach((entry, rank) => {
      const note =
        entry.failed.length === 0 && entry.played
          ? ' (matches, but was already played: each recorded interaction plays once; set allowPlaybackRepeats to replay it again)'
          : entry.played
            ? ' (already played)'
            : ''
      lines.push(`  ${rank + 1}. ${entry.request}${note}`)
      if (entry.passed.length > 0) lines.push(`     matchers succeeded: ${entry.passed.join(', ')}`)
      for (const failure of entry.failed) lines.push(`     matcher failed: ${failure.name}: ${failure.reason}`)
    })
  }
  const placeholders = [...new Set(interactions.flatMap((interaction) => urlPlaceholders(interaction.request.url)))]
  if (placeholders.length > 0) {
    const example = placeholders.map((placeholder) => `'${placeholder}': process.env.<VALUE>`).join(', ')
    lines.push(
      `The cassette's URIs hold ${placeholders.join(', ')}, placeholders Ruby VCR's filter_sensitive_data wrote for parts of the URL: give their values with sensitiveData: { ${example} } so live requests match them.`,
    )
  }
  lines.push(
    recordMode === 'none'
      ? "To record it, run with recordMode 'new_episodes' (keep the cassette, add new requests) or 'all' (re-record everything)."
      : "To record it, use recordMode 'new_episodes' (keep the cassette, add new requests), 'all' (re-record everything), or delete the cassette file.",
  )
  return { message: lines.join('\n'), request: redactedRequest(request), closest }
}

/** Ranks every interaction by how many matchers fail (booleans only), then explains the first few. */
function closestRequests(
  request: Request,
  matchers: readonly ResolvedMatcher[],
  interactions: readonly Interaction[],
  isPlayed: (id: number) => boolean,
  credentialNames: CredentialNames | undefined,
): ClosestRequest[] {
  // A key that decides alone is computed once for the request, not once per interaction.
  const keys = matchers.map((m) => (m.exact && m.key ? m.key(request) : undefined))
  const fails = (m: ResolvedMatcher, at: number, recorded: Request) => (keys[at] === undefined ? !matches(m, request, recorded) : m.key!(recorded) !== keys[at])
  const ranked = interactions
    .map((interaction, id) => ({ id, interaction, failures: matchers.filter((m, at) => fails(m, at, interaction.request)).length }))
    .sort((a, b) => a.failures - b.failures || a.id - b.id)
    .slice(0, CLOSEST_SHOWN)
  // Reasons quote both requests (`'...?api_key=k1' != '...?api_key=k2'`, the headers as JSON): their credentials are hidden.
  const shown = [request, ...ranked.map(({ interaction }) => interaction.request)]
  const redact = (reason: string) => redactCredentials(reason, shown, credentialNames)
  return ranked.map(({ id, interaction }) => {
    const results = matchers.map((m) => runMatcher(m, request, interaction.request))
    return {
      request: redactedRequest(interaction.request),
      index: id,
      played: isPlayed(id),
      passed: results.filter((result) => result.passed).map((result) => result.name),
      failed: results.filter((result) => !result.passed).map((result) => ({ name: result.name, reason: shorten(redact(result.reason ?? 'no reason given')) })),
    }
  })
}

function shorten(reason: string): string {
  return reason.length > REASON_LIMIT ? `${reason.slice(0, REASON_LIMIT)}… (${reason.length} characters)` : reason
}
