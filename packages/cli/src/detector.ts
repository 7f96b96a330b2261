import * as core from '@vcrjs/core'
import type { Interaction } from '@vcrjs/core'
import { CliError, EXIT } from './errors.js'

/** One finding of the core's secret detector (the Safe-by-default issue): where a credential sits, never the credential. */
export interface SecretFinding {
  interaction: number
  location: string
  kind: string
  fix: string
}

type Spans = Array<{ kind: string; start: number; end: number }>

interface Detector {
  scanInteractions(interactions: readonly Interaction[]): SecretFinding[]
  findSecrets(text: string): Spans
  findSecretsInHeader(value: string): Spans
}

// The detector lands in @vcrjs/core with the Safe-by-default issue; until then it is looked up when
// scan or redact --detected needs it, so the other commands work with a core that lacks it.
function detector(): Detector {
  const found = core as unknown as Partial<Detector>
  if (typeof found.scanInteractions !== 'function' || typeof found.findSecrets !== 'function' || typeof found.findSecretsInHeader !== 'function') {
    throw new CliError('VCR_CLI_NO_DETECTOR', 'this @vcrjs/core has no secret detector (scanInteractions, findSecrets); upgrade @vcrjs/core.', EXIT.failure)
  }
  return found as Detector
}

export const scanInteractions = (interactions: readonly Interaction[]): SecretFinding[] => detector().scanInteractions(interactions)
export const findSecrets = (text: string): Spans => detector().findSecrets(text)
export const findSecretsInHeader = (value: string): Spans => detector().findSecretsInHeader(value)
