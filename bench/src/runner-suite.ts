import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchInteraction } from './interactions.js'
import { median } from './stats.js'

/**
 * A generated vitest project of `files` x `testsPerFile` tests, each making
 * three fetches to an API, run with the repo's vitest in two variants that
 * differ only in their setup file:
 * - `vcrjs`: `setupVcr()` from the built `@vcrjs/vitest`, every test
 *   replaying its own cassette (recorded by a first run against a local
 *   server, then replayed with `CI=true` and the server stopped);
 * - `mockagent`: no recorder, an undici `MockAgent` with the same replies
 *   as the global dispatcher.
 */
export const RUNNER_SUITE_VARIANTS = ['vcrjs', 'mockagent'] as const
export type RunnerSuiteVariant = (typeof RUNNER_SUITE_VARIANTS)[number]

export const RUNNER_SUITE_LABELS: Record<RunnerSuiteVariant, string> = {
  vcrjs: 'setupVcr, every test replaying its cassette (CI=true, server stopped)',
  mockagent: 'no recorder: a MockAgent with the same replies as global dispatcher',
}

/** The phases of vitest's summary line (`Duration 3.2s (transform 90ms, setup 400ms, ...)`), in ms, summed over the workers. */
const PHASES = ['transform', 'setup', 'collect', 'tests', 'environment', 'prepare'] as const
export type VitestPhase = (typeof PHASES)[number]

export interface RunnerSuiteRun {
  variant: RunnerSuiteVariant
  wallMs: number
  phasesMs: Partial<Record<VitestPhase, number>>
}

export interface RunnerSuiteResult {
  files: number
  tests: number
  /** Every measured run in the order run, the variants alternated. */
  runs: RunnerSuiteRun[]
  variants: { variant: RunnerSuiteVariant; medianWallMs: number; minWallMs: number; medianSetupMs?: number | undefined; medianTestsMs?: number | undefined }[]
}

const benchDir = fileURLToPath(new URL('..', import.meta.url))
const repoRoot = join(benchDir, '..')
const VITEST = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs')

/**
 * Generates the project under bench/.tmp (so `@vcrjs/vitest` and `undici`
 * resolve from bench/node_modules: the workspace's built packages), records
 * the cassettes, then runs the two variants `runs` times each, alternated,
 * after one unmeasured run of each. Every run must pass all its tests, and
 * the replays must leave every cassette as recorded.
 */
export async function measureRunnerSuite(files: number, testsPerFile: number, runs: number, progress: (message: string) => void): Promise<RunnerSuiteResult> {
  const tests = files * testsPerFile
  await mkdir(join(benchDir, '.tmp'), { recursive: true })
  const dir = await mkdtemp(join(benchDir, '.tmp', 'runner-suite-'))
  try {
    let hits = 0
    const server = createServer((req, res) => {
      hits++
      const interaction = benchInteraction(Number(/^\/items\/(\d+)/.exec(req.url ?? '')?.[1]))
      res.writeHead(interaction.status, interaction.responseHeaders)
      res.end(interaction.body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      await writeSuite(dir, origin, files, testsPerFile)
      progress(`vitest suite: recording ${tests} tests' cassettes against ${origin} in ${dir}`)
      await runSuite(dir, 'vcrjs', tests, {})
      if (hits !== tests * 3) throw new Error(`recording the suite reached the server ${hits} times, not ${tests * 3}`)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
    const recorded = await cassetteDigests(dir)
    if (recorded.size !== tests) throw new Error(`recording the suite wrote ${recorded.size} cassettes, not ${tests}`)

    const measured: RunnerSuiteRun[] = []
    for (let round = -1; round < runs; round++) {
      const order = round % 2 === 0 ? RUNNER_SUITE_VARIANTS : [...RUNNER_SUITE_VARIANTS].reverse()
      for (const variant of order) {
        progress(`vitest suite: ${variant} ${round === -1 ? 'warm-up run' : `run ${round + 1} of ${runs}`}`)
        const run = await runSuite(dir, variant, tests, { CI: 'true' })
        if (round >= 0) measured.push(run)
      }
    }
    const replayed = await cassetteDigests(dir)
    for (const [path, digest] of recorded) {
      if (replayed.get(path) !== digest) throw new Error(`replaying the suite changed the cassette ${path}`)
    }

    return {
      files,
      tests,
      runs: measured,
      variants: RUNNER_SUITE_VARIANTS.map((variant) => {
        const own = measured.filter((run) => run.variant === variant)
        const phase = (name: VitestPhase) => {
          const values = own.flatMap((run) => (run.phasesMs[name] === undefined ? [] : [run.phasesMs[name]]))
          return values.length === own.length ? median(values) : undefined
        }
        return {
          variant,
          medianWallMs: median(own.map((run) => run.wallMs)),
          minWallMs: Math.min(...own.map((run) => run.wallMs)),
          medianSetupMs: phase('setup'),
          medianTestsMs: phase('tests'),
        }
      }),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * The project: shared test files, one config and one setup file per
 * variant. In JavaScript, so the repo's type check (which includes bench/)
 * never sees it; the runner transforms either alike.
 */
async function writeSuite(dir: string, origin: string, files: number, testsPerFile: number): Promise<void> {
  await mkdir(join(dir, 'tests'), { recursive: true })
  // The bench's interaction generator, so the MockAgent replies are the very bodies the cassettes hold.
  const interactions = JSON.stringify(fileURLToPath(new URL('interactions.ts', import.meta.url)))
  const write = (name: string, lines: string[]) => writeFile(join(dir, name), `${lines.join('\n')}\n`)
  await write('package.json', ['{ "name": "vcrjs-bench-runner-suite", "private": true, "type": "module" }'])
  await write('api.js', [
    `import { interactionPath, REQUEST_HEADERS } from ${interactions}`,
    '',
    `export const ORIGIN = ${JSON.stringify(origin)}`,
    '',
    'export async function getItem(index) {',
    '  const response = await fetch(`${ORIGIN}${interactionPath(index)}`, { headers: REQUEST_HEADERS })',
    '  if (response.status !== 200) throw new Error(`GET item ${index}: status ${response.status}`)',
    '  return response.json()',
    '}',
  ])
  await write('vcr.setup.js', ["import { setupVcr } from '@vcrjs/vitest'", '', 'setupVcr()'])
  await write('mock.setup.js', [
    "import { MockAgent, setGlobalDispatcher } from 'undici'",
    "import { ORIGIN } from './api.js'",
    `import { benchInteraction } from ${interactions}`,
    '',
    'const agent = new MockAgent()',
    'agent.disableNetConnect()',
    'agent',
    '  .get(ORIGIN)',
    "  .intercept({ path: () => true, method: 'GET' })",
    '  .reply((options) => {',
    '    const interaction = benchInteraction(Number(/^\\/items\\/(\\d+)/.exec(options.path)?.[1]))',
    '    return { statusCode: interaction.status, data: interaction.body, responseOptions: { headers: interaction.responseHeaders } }',
    '  })',
    '  .persist()',
    'setGlobalDispatcher(agent)',
  ])
  for (const variant of RUNNER_SUITE_VARIANTS) {
    await write(`vitest.${variant}.config.mjs`, [
      "import { defineConfig } from 'vitest/config'",
      '',
      'export default defineConfig({',
      '  test: {',
      "    include: ['tests/**/*.test.js'],",
      `    setupFiles: ['./${variant === 'vcrjs' ? 'vcr' : 'mock'}.setup.js'],`,
      // bench/node_modules/@vcrjs/* link to the workspace's packages, which are in no node_modules once the
      // link is followed: external, as an installed package is, Node loads them instead of vite transforming them.
      '    server: { deps: { external: [/\\/packages\\/[^/]+\\/dist\\//] } },',
      '  },',
      '})',
    ])
  }
  for (let file = 0; file < files; file++) {
    const lines = ["import { describe, expect, test } from 'vitest'", "import { getItem } from '../api.js'", '', `describe('items ${file}', () => {`]
    for (let at = 0; at < testsPerFile; at++) {
      const index = (file * testsPerFile + at) * 3
      lines.push(
        `  test('item ${index}', async () => {`,
        `    const items = [await getItem(${index}), await getItem(${index + 1}), await getItem(${index + 2})]`,
        `    expect(items.map((item) => item.id)).toEqual([${index}, ${index + 1}, ${index + 2}])`,
        '  })',
      )
    }
    lines.push('})')
    await write(join('tests', `items-${String(file).padStart(2, '0')}.test.js`), lines)
  }
}

/**
 * Runs one variant with the repo's vitest and an explicit environment: the
 * caller's VITEST*, CI, VCR_RECORD_MODE, NODE_OPTIONS and NODE_DEBUG removed
 * (as test/consumers/consumer-project.ts does), then `env` added. Fails
 * unless every test passed.
 */
async function runSuite(dir: string, variant: RunnerSuiteVariant, tests: number, env: Record<string, string>): Promise<RunnerSuiteRun> {
  const base = { ...process.env }
  for (const name of Object.keys(base)) if (name.startsWith('VITEST') || name === 'CI' || name === 'VCR_RECORD_MODE' || name === 'NODE_OPTIONS' || name === 'NODE_DEBUG') delete base[name]
  const started = performance.now()
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [VITEST, 'run', '--config', `vitest.${variant}.config.mjs`], {
      cwd: dir,
      env: { ...base, FORCE_COLOR: '0', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
  const wallMs = performance.now() - started
  const passed = Number(/Tests\s+(\d+) passed/.exec(output)?.[1] ?? 0)
  if (code !== 0 || passed !== tests) throw new Error(`the ${variant} suite exited with ${code}, ${passed} of ${tests} tests passed:\n${output.slice(-4000)}`)
  return { variant, wallMs, phasesMs: vitestPhases(output) }
}

function vitestPhases(output: string): Partial<Record<VitestPhase, number>> {
  const summary = /Duration\s+[\d.]+m?s\s+\(([^)]*)\)/.exec(output)?.[1] ?? ''
  const phases: Partial<Record<VitestPhase, number>> = {}
  for (const name of PHASES) {
    const match = new RegExp(`${name} ([\\d.]+)(m?s)`).exec(summary)
    if (match) phases[name] = Number(match[1]) * (match[2] === 's' ? 1000 : 1)
  }
  return phases
}

/** The SHA-1 of every cassette under the project (the usage records, rewritten by every run, left out). */
async function cassetteDigests(dir: string): Promise<Map<string, string>> {
  const digests = new Map<string, string>()
  const entries = await readdir(join(dir, 'tests', '__cassettes__'), { recursive: true, withFileTypes: true })
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.yaml')) continue
    const path = join(entry.parentPath, entry.name)
    digests.set(path, createHash('sha1').update(await readFile(path)).digest('hex'))
  }
  return digests
}
