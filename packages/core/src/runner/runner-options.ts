import type { VcrOptions } from '../options.js'

/**
 * The options a runner integration gives its VCR: a failing test saves
 * nothing (`recordOnException: false`), and under CI (`CI` set) with no
 * record mode given, the mode is `none`, so CI never records by accident.
 * What the user set wins; `VCR_RECORD_MODE` overrides any mode as everywhere.
 */
export function runnerVcrOptions(options: VcrOptions = {}): VcrOptions {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as VcrOptions
  const ciDefault: VcrOptions = isCi() && given.recordMode === undefined && !process.env.VCR_RECORD_MODE ? { recordMode: 'none' } : {}
  return { recordOnException: false, ...ciDefault, ...given }
}

/** `CI` set to anything but an empty string, `0` or `false`, as CI services set it. */
export function isCi(): boolean {
  const value = process.env.CI
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}
