import { VCR } from '@vcrjs/core'
import { runnerVcrOptions, TestFileSession } from '@vcrjs/core/runner'
import { installGlobalVcrDispatcher } from '@vcrjs/undici'
import { MockAgent, setGlobalDispatcher } from 'undici'
import { benchInteraction, interactionPath, REQUEST_HEADERS } from './interactions.js'
import { runnerLayout, TESTS_PER_FILE, testRequests, testTitles } from './runner-fixtures.js'
import { collectGarbage, percentile } from './stats.js'

// nock and Polly patch Node's http module and global fetch as soon as they are
// imported, so only their own subjects import them.

/** What each tool does around one test, the way its runner integration or docs have a test do it. */
export const RUNNER_COST_SUBJECTS = ['floor', 'vcrjs', 'nock', 'polly'] as const
export type RunnerCostSubjectName = (typeof RUNNER_COST_SUBJECTS)[number]

export const RUNNER_COST_LABELS: Record<RunnerCostSubjectName, string> = {
  floor: 'floor: one MockAgent, 3 intercepts added per test',
  vcrjs: 'vcrjs TestFileSession startTest/endTest (what setupVcr does)',
  nock: 'nock.back lockdown, nockDone + assertScopesFinished',
  polly: 'Polly.js new Polly (fs persister, replay) + stop',
}

export interface RunnerCostResult {
  subject: RunnerCostSubjectName
  tests: number
  /** Per test: setup, 3 fetches whose bodies are read, teardown; in microseconds. */
  meanUs: number
  p50Us: number
  p99Us: number
}

/** Passes after the warm-up one; each test counts with its fastest. */
export const RUNNER_COST_PASSES = 5

/**
 * One simulated test file at a time: `beginFile` and `endFile` are what a
 * runner integration does around a file (vcrjs's `TestFileSession` and its
 * usage record), `runTest` what it does around a test, with the test's three
 * fetches inside.
 */
interface RunnerCostSubject {
  beginFile(file: number): void
  runTest(test: number): Promise<string[]>
  endFile(): Promise<void>
  close(): Promise<void>
}

async function runnerCostSubject(name: RunnerCostSubjectName, dir: string, origin: string): Promise<RunnerCostSubject> {
  const layout = runnerLayout(dir)
  const get = async (index: number) => (await fetch(`${origin}${interactionPath(index)}`, { headers: REQUEST_HEADERS })).text()
  const getAll = async (test: number) => {
    const bodies: string[] = []
    for (const index of testRequests(test)) bodies.push(await get(index))
    return bodies
  }
  switch (name) {
    case 'floor': {
      // The floor reads no file: its replies are in memory before the first test.
      const replies = new Map<number, { body: Buffer; headers: Record<string, string> }>()
      const agent = new MockAgent()
      agent.disableNetConnect()
      setGlobalDispatcher(agent)
      const pool = agent.get(origin)
      return {
        beginFile: () => {},
        runTest: async (test) => {
          for (const index of testRequests(test)) {
            let reply = replies.get(index)
            if (!reply) {
              const interaction = benchInteraction(index)
              reply = { body: Buffer.from(interaction.body), headers: { ...interaction.responseHeaders } }
              replies.set(index, reply)
            }
            pool.intercept({ path: interactionPath(index), method: 'GET' }).reply(200, reply.body, { headers: reply.headers })
          }
          const bodies = await getAll(test)
          agent.assertNoPendingInterceptors()
          return bodies
        },
        endFile: async () => {},
        close: () => agent.close(),
      }
    }
    case 'vcrjs': {
      // As a CI run: `setupVcr` under CI=true with no mode given replays in mode none.
      process.env.CI = 'true'
      delete process.env.VCR_RECORD_MODE
      const options = runnerVcrOptions({})
      const vcr = new VCR(options)
      const dispatcher = installGlobalVcrDispatcher()
      let session: TestFileSession | undefined
      return {
        beginFile: (file) => {
          session = new TestFileSession(vcr, layout.vcrTestFile(file), { serializer: options.serializer })
        },
        runTest: async (test) => {
          await session!.startTest(testTitles(test))
          const bodies = await getAll(test)
          await session!.endTest(undefined)
          return bodies
        },
        endFile: () => session!.finish(),
        close: () => dispatcher.close(),
      }
    }
    case 'nock': {
      const { default: nock } = await import('nock')
      nock.back.fixtures = layout.nockDir
      nock.back.setMode('lockdown')
      return {
        beginFile: () => {},
        runTest: async (test) => {
          const { nockDone, context } = await nock.back(layout.nockFixture(test))
          const bodies = await getAll(test)
          nockDone()
          context.assertScopesFinished()
          return bodies
        },
        endFile: async () => {},
        close: async () => {
          nock.cleanAll()
          nock.restore()
        },
      }
    }
    case 'polly': {
      const { Polly } = await import('@pollyjs/core')
      const { pollyConfig, registerPolly } = await import('./peers.js')
      registerPolly('fetch')
      const config = pollyConfig(layout.pollyDir, 'fetch', 'replay')
      return {
        beginFile: () => {},
        runTest: async (test) => {
          const polly = new Polly(layout.pollyName(test), config)
          const bodies = await getAll(test)
          await polly.stop()
          return bodies
        },
        endFile: async () => {},
        close: async () => {},
      }
    }
  }
}

/**
 * `tests` test-shaped iterations, in simulated files of `TESTS_PER_FILE`:
 * a warm-up pass that checks every body, then `RUNNER_COST_PASSES` measured
 * passes; each test counts with its fastest time over them, so a scheduler
 * stall on a busy machine has to hit the same test in every pass to count.
 * A test's time includes what the integration does around its file when it
 * is the file's first or last test (vcrjs writes the file's usage record
 * there), as a runner would spend it in that test's hooks.
 */
export async function measureRunnerCost(name: RunnerCostSubjectName, dir: string, tests: number, origin: string): Promise<RunnerCostResult> {
  const subject = await runnerCostSubject(name, dir, origin)
  const fastest = new Float64Array(tests).fill(Number.POSITIVE_INFINITY)
  try {
    for (let pass = 0; pass <= RUNNER_COST_PASSES; pass++) {
      collectGarbage()
      for (let file = 0; file * TESTS_PER_FILE < tests; file++) {
        const first = file * TESTS_PER_FILE
        const last = Math.min(tests, first + TESTS_PER_FILE) - 1
        for (let test = first; test <= last; test++) {
          const start = performance.now()
          if (test === first) subject.beginFile(file)
          const bodies = await subject.runTest(test)
          if (test === last) await subject.endFile()
          const time = performance.now() - start
          if (pass === 0) {
            const wrong = testRequests(test).findIndex((index, at) => bodies[at] !== benchInteraction(index).body)
            if (wrong !== -1) throw new Error(`${name} answered request ${wrong} of test ${test} with ${String(bodies[wrong]).slice(0, 200)}`)
          } else if (time < fastest[test]!) {
            fastest[test] = time
          }
        }
      }
    }
  } finally {
    await subject.close()
  }
  const meanMs = fastest.reduce((sum, time) => sum + time, 0) / tests
  fastest.sort()
  return { subject: name, tests, meanUs: meanMs * 1000, p50Us: percentile(fastest, 0.5) * 1000, p99Us: percentile(fastest, 0.99) * 1000 }
}
