import { MatcherRegistry, runMatcher } from './matchers.js'
import { Request, type RequestInit } from './request.js'

/** Whether every named built-in matcher accepts the pair; for unit tests. */
export function matchersMatch(names: string[], a: RequestInit, b: RequestInit): boolean {
  return new MatcherRegistry().resolve(names).every((matcher) => runMatcher(matcher, new Request(a), new Request(b)).passed)
}
