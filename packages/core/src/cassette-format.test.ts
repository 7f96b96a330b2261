import { describe, expect, it } from 'vitest'
import { CassetteFormatProblem, interactionsFromData } from './cassette-format.js'
import { VcrError } from './errors.js'

/** The error `interactionsFromData(data)` throws. */
function problemOf(data: unknown): unknown {
  try {
    interactionsFromData(data)
  } catch (error) {
    return error
  }
  throw new Error('interactionsFromData accepted the data')
}

describe('interactionsFromData called directly (no loader to wrap its error)', () => {
  it.each([
    { data: 'text', message: 'expected a mapping at the top level, found a string' },
    { data: { other: 1 }, message: 'found neither `interactions` (vcrpy) nor `http_interactions` (Ruby VCR) at the top level' },
    { data: { interactions: {}, version: 1 }, message: 'interactions should be a list' },
  ])('raises a typed CassetteFormatProblem saying what is wrong: $message', ({ data, message }) => {
    const error = problemOf(data)
    expect(error).toBeInstanceOf(CassetteFormatProblem)
    expect(error).toBeInstanceOf(VcrError)
    expect(error).toMatchObject({ name: 'CassetteFormatProblem', code: 'VCR_CASSETTE_FORMAT', message })
  })
})
