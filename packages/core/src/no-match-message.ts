import type { Interaction } from './interaction.js'
import { type MatcherResult, type ResolvedMatcher, runMatcher } from './matchers.js'
import type { RecordMode } from './record-mode.js'
import type { Request } from './request.js'

const CLOSEST_SHOWN = 3
const REASON_LIMIT = 300

/**
 * The message of `CannotOverwriteExistingCassetteError`, modelled on vcrpy's:
 * what was asked, why it may not be recorded, the closest recorded requests
 * with each failing matcher and its reason, and how to fix it.
 */
export function noMatchMessage(details: {
  request: Request
  cassettePath: string
  recordMode: RecordMode
  matchers: readonly ResolvedMatcher[]
  interactions: readonly Interaction[]
  isPlayed: (id: number) => boolean
}): string {
  const { request, cassettePath, recordMode, matchers, interactions, isPlayed } = details
  const why =
    recordMode === 'none'
      ? "record mode 'none' never records"
      : "record mode 'once' does not record into a cassette that already exists"
  const lines = [
    `Can't overwrite existing cassette ${cassettePath} in record mode '${recordMode}': no recorded interaction matches ${request} and ${why}.`,
  ]
  const ranked = interactions
    .map((interaction, id) => ({ id, interaction, results: matchers.map((m) => runMatcher(m, request, interaction.request)) }))
    .map((entry) => ({ ...entry, failed: entry.results.filter((result) => !result.passed) }))
    .sort((a, b) => a.failed.length - b.failed.length || a.id - b.id)
    .slice(0, CLOSEST_SHOWN)
  if (ranked.length === 0) {
    lines.push('The cassette holds no interactions.')
  } else {
    lines.push(`Closest recorded requests (matching on ${matchers.map((m) => m.name).join(', ')}):`)
    ranked.forEach((entry, rank) => {
      const played = isPlayed(entry.id)
      const note =
        entry.failed.length === 0 && played
          ? ' (matches, but was already played: each recorded interaction plays once; set allowPlaybackRepeats to replay it again)'
          : played
            ? ' (already played)'
            : ''
      lines.push(`  ${rank + 1}. ${entry.interaction.request}${note}`)
      const passed = entry.results.filter((result) => result.passed).map((result) => result.name)
      if (passed.length > 0) lines.push(`     matchers succeeded: ${passed.join(', ')}`)
      for (const failure of entry.failed) lines.push(`     matcher failed: ${failure.name}: ${shorten(failure)}`)
    })
  }
  lines.push(
    recordMode === 'none'
      ? "To record it, run with recordMode 'new_episodes' (keep the cassette, add new requests) or 'all' (re-record everything)."
      : "To record it, use recordMode 'new_episodes' (keep the cassette, add new requests), 'all' (re-record everything), or delete the cassette file.",
  )
  return lines.join('\n')
}

function shorten(result: MatcherResult): string {
  const reason = result.reason ?? 'no reason given'
  return reason.length > REASON_LIMIT ? `${reason.slice(0, REASON_LIMIT)}… (${reason.length} characters)` : reason
}
