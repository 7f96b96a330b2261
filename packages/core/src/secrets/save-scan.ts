import { SecretInCassetteError, secretMessage } from '../errors.js'
import type { Interaction } from '../interaction.js'
import type { SecretScan } from '../options.js'
import { type SecretFinding, scanInteractions } from './scan.js'

/**
 * `secretScan` before a save: in `'error'` throws `SecretInCassetteError`
 * (so the persister is never called and the old file stays as it was); in
 * `'warn'` returns the findings for `warnSecrets` once the save is done.
 */
export function scanBeforeSave(cassettePath: string, interactions: readonly Interaction[], mode: SecretScan): SecretFinding[] {
  if (mode === 'off') return []
  const findings = scanInteractions(interactions)
  if (findings.length > 0 && mode === 'error') throw new SecretInCassetteError(cassettePath, findings)
  return findings
}

/** One warning per saved cassette, whatever the number of findings. */
export function warnSecrets(cassettePath: string, findings: readonly SecretFinding[]): void {
  if (findings.length === 0) return
  process.emitWarning(secretMessage(cassettePath, findings, "was saved (secretScan: 'warn')"), {
    type: 'VcrSecretWarning',
    code: 'VCR_SECRET_IN_CASSETTE',
  })
}
