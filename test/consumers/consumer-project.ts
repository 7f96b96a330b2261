import { execFile, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { RUNNERS, type Runner, runnerFiles, TYPES_FILES } from './scenario-files.js'

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '../..')
const PACKAGES = ['core', 'undici', 'http', 'got', 'axios', 'vitest', 'jest', 'node-test'] as const

const modern = Number(process.versions.node.split('.')[0]) >= 22
/** Client and tool versions from the npm registry, the newest that run on this Node. */
const REGISTRY_VERSIONS = {
  undici: modern ? '^8.0.0' : '^7.16.0',
  got: modern ? '^16.0.0' : '^14.4.0',
  axios: '^1.13.0',
  typescript: '~5.9.3',
  '@typescript/native-preview': 'latest',
  '@types/node': modern ? '^24.0.0' : '^20.19.0',
}

/** The runner package each integration names in its peerDependencies, and the packages installed at the same range. */
const RUNNER_PEERS: Record<Runner, { peer: string; install: readonly string[] } | undefined> = {
  vitest: { peer: 'vitest', install: ['vitest'] },
  jest: { peer: 'jest-environment-node', install: ['jest', 'jest-environment-node'] },
  'node-test': undefined,
}

/**
 * The alternatives of an integration's peer range for its runner, oldest
 * first (`^3.2.0 || ^5.0.0` gives two). The consumer tests install each one
 * (npm takes its newest version) and run the scenario on it: the range
 * names exactly what is tested.
 */
export function peerRanges(runner: Runner): string[] {
  const peers = RUNNER_PEERS[runner]
  if (!peers) return []
  const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', runner, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> }
  return manifest.peerDependencies[peers.peer]!.split('||').map((range) => range.trim())
}

/** One runner at one version in a consumer project: `project` holds node_modules, `project/<runner>` the test files. */
export interface RunnerVariant {
  runner: Runner
  /** The peer range installed, '' for node:test (Node's own). */
  range: string
  project: string
}

/**
 * What this Node leg tests: the newest alternative of each peer range on
 * Node >= 22 (vitest 5 needs Node 22), the older ones on Node 20. The first
 * of each runner lives in the main project; another gets a project of its
 * own (a second vitest cannot share one node_modules with the first).
 */
export function runnerVariants(root: string): RunnerVariant[] {
  return RUNNERS.flatMap((runner) => {
    const all = peerRanges(runner)
    const ranges = all.length === 0 ? [''] : modern ? all.slice(-1) : all.slice(0, -1)
    return ranges.map((range, i) => ({ runner, range, project: i === 0 ? mainProject(root) : join(root, `${runner}-${range.replace(/[^0-9a-z.]/g, '')}`) }))
  })
}

/** The project, below the consumer folder `root`, with every package, a folder per runner and one for the type check. */
export function mainProject(root: string): string {
  return join(root, 'main')
}

/**
 * Packs every @vcrjs package (`pnpm pack`: `workspace:` ranges become
 * versions, as published) and installs the tarballs with npm into new
 * projects below `root`, with the runners from the npm registry: what a user
 * gets from `npm i -D`, not the workspace links. The main project has one
 * folder per runner and one for the type check; each other runner variant
 * has a project of its own, beside it, with only what it needs. npm's cache
 * (~/.npm) is shared by every project and both Node legs.
 */
export async function createConsumerProjects(root: string, variants: readonly RunnerVariant[]): Promise<void> {
  const dir = mainProject(root)
  const tarballs = join(root, 'tarballs')
  await mkdir(tarballs, { recursive: true })
  await Promise.all(PACKAGES.map((name) => run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(ROOT, 'packages', name) })))
  const files = await readdir(tarballs)
  const local: Record<string, string> = {}
  for (const name of PACKAGES) {
    const file = files.find((f) => f.startsWith(`vcrjs-${name}-`) && f.endsWith('.tgz'))
    if (!file) throw new Error(`pnpm pack left no tarball for @vcrjs/${name} in ${tarballs}`)
    local[`@vcrjs/${name}`] = `file:${join(tarballs, file)}`
  }
  const runnerPackages = (variant: RunnerVariant) =>
    Object.fromEntries((RUNNER_PEERS[variant.runner]?.install ?? []).map((name) => [name, variant.range]))
  const main = variants.filter((variant) => variant.project === dir)
  await install(dir, { ...local, ...REGISTRY_VERSIONS, ...Object.assign({}, ...main.map(runnerPackages)) }, local)
  for (const variant of main) await writeFiles(join(dir, variant.runner), runnerFiles(variant.runner))
  await writeFiles(join(dir, 'types'), TYPES_FILES)
  for (const variant of variants.filter((v) => v.project !== dir)) {
    const own = pick(local, ['@vcrjs/core', '@vcrjs/undici', `@vcrjs/${variant.runner}`])
    await install(variant.project, { ...own, undici: REGISTRY_VERSIONS.undici, ...runnerPackages(variant) }, own)
    await writeFiles(join(variant.project, variant.runner), runnerFiles(variant.runner))
  }
}

async function install(project: string, dependencies: Record<string, string>, local: Record<string, string>): Promise<void> {
  await mkdir(project, { recursive: true })
  // The packed packages depend on each other by version; `overrides` makes npm take the tarballs for those too.
  const manifest = { name: 'vcrjs-consumer', private: true, dependencies, overrides: local }
  await writeFile(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, maxBuffer: 64 * 1024 * 1024 })
}

function pick(from: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, from[name]!]))
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true })
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
}

export interface RunResult {
  code: number | null
  output: string
}

/** Runs a command to completion, stdout and stderr together, with `env` added to a clean environment. */
export function runCommand(command: string, args: readonly string[], cwd: string, env: Record<string, string | undefined>): Promise<RunResult> {
  const base = { ...process.env }
  // The outer vitest's and CI's own settings must not leak into the consumer's runners.
  for (const name of Object.keys(base)) if (name.startsWith('VITEST') || name === 'CI' || name === 'VCR_RECORD_MODE' || name === 'NODE_OPTIONS' || name === 'NODE_DEBUG') delete base[name]
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...base, FORCE_COLOR: '0', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, output }))
  })
}

/** The command that runs one runner's tests in its folder of the consumer project `project`. */
export function runnerCommand(project: string, runner: Runner, extraArgs: readonly string[] = []): [string, string[]] {
  const bin = (path: string) => join(project, 'node_modules', path)
  switch (runner) {
    case 'vitest':
      return [process.execPath, [bin('vitest/vitest.mjs'), 'run', ...extraArgs]]
    case 'jest':
      return [process.execPath, [bin('jest/bin/jest.js'), ...extraArgs]]
    case 'node-test':
      return [process.execPath, ['--test', '--test-reporter=tap', ...extraArgs, 'a.test.mjs', 'b.test.mjs']]
  }
}

/** Passed and failed test counts from a runner's summary. */
export function testCounts(runner: Runner, output: string): { passed: number; failed: number } {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0)
  switch (runner) {
    case 'vitest':
      return { passed: number(/Tests\s+(?:\d+ failed \| )?(\d+) passed/), failed: number(/Tests\s+(\d+) failed/) }
    case 'jest':
      return { passed: number(/Tests:\s+(?:\d+ failed, )?(\d+) passed/), failed: number(/Tests:\s+(\d+) failed/) }
    case 'node-test':
      return { passed: number(/^# pass (\d+)/m), failed: number(/^# fail (\d+)/m) }
  }
}
