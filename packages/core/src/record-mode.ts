import { InvalidOptionError } from './errors.js'

/**
 * - `once`: replay a cassette that exists, failing on requests it lacks; record everything when it does not exist.
 * - `new_episodes`: replay what matches, record what does not.
 * - `none`: replay only; never touch the network.
 * - `all`: never replay; record every request and replace the cassette with this run's interactions.
 */
export const RECORD_MODES = ['once', 'new_episodes', 'none', 'all'] as const

export type RecordMode = (typeof RECORD_MODES)[number]

export function assertRecordMode(value: unknown, option = 'recordMode'): RecordMode {
  if (!(RECORD_MODES as readonly unknown[]).includes(value)) {
    throw new InvalidOptionError(
      option,
      `Invalid ${option} ${JSON.stringify(value)}. Allowed values: ${RECORD_MODES.map((mode) => `'${mode}'`).join(', ')}.`,
    )
  }
  return value as RecordMode
}
