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

describe('stored response headers', () => {
  const withHeaders = (headers: unknown) => ({
    interactions: [{ request: { method: 'GET', uri: 'http://127.0.0.1/a', headers: {}, body: null }, response: { status: { code: 200 }, headers, body: { string: 'ok' } } }],
  })

  it.each([
    { headers: 'text/plain', message: 'interactions[0].response.headers should be a mapping' },
    { headers: [['Content-Type']], message: 'interactions[0].response.headers[0] should be a [name, values] pair' },
  ])('are checked at load, before the response is built: $message', ({ headers, message }) => {
    expect(problemOf(withHeaders(headers))).toMatchObject({ name: 'CassetteFormatProblem', message })
  })

  it('become the response headers, in order, from a mapping or from a list of pairs, when the response is built', () => {
    const [fromMapping] = interactionsFromData(withHeaders({ 'Set-Cookie': ['a=1', 'b=2'], 'Content-Type': 'text/plain', Skipped: null }))
    const [fromPairs] = interactionsFromData(withHeaders([['Set-Cookie', ['a=1', 'b=2']], ['Content-Type', 'text/plain']]))
    const expected = [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['Content-Type', 'text/plain']]
    expect(fromMapping!.response.headers.entries()).toEqual(expected)
    expect(fromPairs!.response.headers.entries()).toEqual(expected)
  })
})
