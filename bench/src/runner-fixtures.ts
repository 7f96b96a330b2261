import { mkdir, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { VCR } from '@vcrjs/core'
import { runnerVcrOptions, TestFileSession } from '@vcrjs/core/runner'
import { installGlobalVcrDispatcher } from '@vcrjs/undici'
import { getGlobalDispatcher, setGlobalDispatcher } from 'undici'
import { nockDefinition } from './fixtures.js'
import { benchInteraction, interactionPath, REQUEST_HEADERS } from './interactions.js'

/**
 * The test-shaped iterations of the per-test cost rows: test `t` of the
 * whole run sits in simulated test file `floor(t / TESTS_PER_FILE)` and asks
 * for interactions `3t`, `3t + 1`, `3t + 2`, each tool from its own file.
 */
export const TESTS_PER_FILE = 10
export const REQUESTS_PER_TEST = 3

export function testRequests(test: number): number[] {
  return Array.from({ length: REQUESTS_PER_TEST }, (_, at) => test * REQUESTS_PER_TEST + at)
}

export function testTitles(test: number): string[] {
  return ['items', `test ${test}`]
}

/** Where each tool keeps the per-test recordings under the bench's temporary `dir`. */
export const runnerLayout = (dir: string) => ({
  /** The (absent) test file a vcrjs `TestFileSession` names its cassettes after: `__cassettes__/<file>/items/test <t>.yaml` beside it. */
  vcrTestFile: (file: number) => join(dir, 'runners', 'vcrjs', `items-${file}.test.ts`),
  nockDir: join(dir, 'runners', 'nock'),
  nockFixture: (test: number) => `items-${Math.floor(test / TESTS_PER_FILE)}/test-${test}.json`,
  pollyDir: join(dir, 'runners', 'polly'),
  pollyName: (test: number) => `items-${Math.floor(test / TESTS_PER_FILE)}/test-${test}`,
})

/**
 * Records the per-test recordings of `tests` tests for every tool: vcrjs's
 * through `TestFileSession` and Polly's through Polly, both against a local
 * server; nock's written in the format its recorder writes. Runs in a child
 * process (vcrjs installs a global dispatcher, Polly patches fetch). Returns
 * the origin, a loopback port nothing listens on afterwards, so a replay that
 * leaked to the network would fail.
 */
export async function writeRunnerFixtures(dir: string, tests: number): Promise<string> {
  let hits = 0
  const server = createServer((req, res) => {
    hits++
    const interaction = benchInteraction(Number(/^\/items\/(\d+)/.exec(req.url ?? '')?.[1]))
    res.writeHead(interaction.status, interaction.responseHeaders)
    res.end(interaction.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const get = async (index: number) => (await fetch(`${origin}${interactionPath(index)}`, { headers: REQUEST_HEADERS })).text()
  const layout = runnerLayout(dir)
  try {
    // Polly first: its fetch adapter passes through to the fetch it found, on the default global dispatcher.
    const { Polly } = await import('@pollyjs/core')
    const { pollyConfig, registerPolly } = await import('./peers.js')
    registerPolly('fetch')
    for (let test = 0; test < tests; test++) {
      const polly = new Polly(layout.pollyName(test), pollyConfig(layout.pollyDir, 'fetch', 'record'))
      for (const index of testRequests(test)) await get(index)
      await polly.stop()
    }

    delete process.env.VCR_RECORD_MODE
    const previous = getGlobalDispatcher()
    installGlobalVcrDispatcher()
    try {
      const vcr = new VCR(runnerVcrOptions({ recordMode: 'once' }))
      for (let file = 0; file * TESTS_PER_FILE < tests; file++) {
        const session = new TestFileSession(vcr, layout.vcrTestFile(file))
        for (let test = file * TESTS_PER_FILE; test < Math.min(tests, (file + 1) * TESTS_PER_FILE); test++) {
          await session.startTest(testTitles(test))
          for (const index of testRequests(test)) await get(index)
          await session.endTest(undefined)
        }
        await session.finish()
      }
    } finally {
      setGlobalDispatcher(previous)
    }

    for (let test = 0; test < tests; test++) {
      const path = join(layout.nockDir, layout.nockFixture(test))
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, JSON.stringify(testRequests(test).map((index) => nockDefinition(index, origin)), null, 2))
    }
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
  const expected = 2 * tests * REQUESTS_PER_TEST
  if (hits !== expected) throw new Error(`recording the per-test fixtures reached the server ${hits} times, not ${expected} (Polly's and vcrjs's recordings)`)
  return origin
}
