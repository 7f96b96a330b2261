import * as core from '@vcrjs/core'
import type { Interaction } from '@vcrjs/core'
import { CliError, EXIT } from './errors.js'

/** The core's secret detector, the one a cassette save runs (Safe-by-default issue). */
export interface SecretFinding {
  interaction: number
  location: string
  kind: string
  fix: string
}

interface Detector {
  scanInteractions(interactions: readonly Interaction[]): SecretFinding[]
  findSecrets(text: string): Array<{ kind: string; start: number; end: number }>
}

// TEMPORARY until the detector lands in @vcrjs/core: looked up at run time so the other commands work without it.
function detector(): Detector {
  const found = core as unknown as Partial<Detector>
  if (typeof found.scanInteractions !== 'function' || typeof found.findSecrets !== 'function') {
    throw new CliError('VCR_CLI_NO_DETECTOR', 'this @vcrjs/core has no secret detector (scanInteractions); upgrade @vcrjs/core.', EXIT.failure)
  }
  return found as Detector
}

export function scanInteractions(interactions: readonly Interaction[]): SecretFinding[] {
  return detector().scanInteractions(interactions)
}

export function findSecrets(text: string): Array<{ kind: string; start: number; end: number }> {
  return detector().findSecrets(text)
}
