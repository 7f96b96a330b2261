import http from 'node:http'
import { vcrAgent } from '@vcrjs/http'
import { vcrDispatcher } from '@vcrjs/undici'
import { Agent } from 'undici'
import { onTestFinished } from 'vitest'

/** An undici dispatcher for this test, closed when it finishes: vcrjs's (current cassette) or a plain Agent for the live run. */
export function testDispatcher(vcr = true) {
  const made = vcr ? vcrDispatcher() : new Agent()
  onTestFinished(() => made.close())
  return made
}

/** An http.Agent for this test, destroyed when it finishes: vcrjs's (current cassette) or a plain one for the live run. */
export function testAgent(vcr = true): http.Agent {
  const made = vcr ? vcrAgent(undefined, { protocol: 'http' }) : new http.Agent()
  onTestFinished(() => made.destroy())
  return made
}
