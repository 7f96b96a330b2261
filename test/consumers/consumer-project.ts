import { execFile, spawn } from 'node:child_process'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { RUNNERS, runnerFiles, TYPES_FILES } from './scenario-files.js'

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '../..')
const PACKAGES = ['core', 'undici', 'http', 'got', 'axios', 'vitest', 'jest', 'node-test'] as const

const modern = Number(process.versions.node.split('.')[0]) >= 22
/** Runner and client majors from the npm registry, the newest that run on this Node. */
export const REGISTRY_VERSIONS = {
  undici: modern ? '^8.0.0' : '^7.16.0',
  vitest: modern ? 'latest' : '^3.2.4',
  jest: 'latest',
  'jest-environment-node': 'latest',
  got: modern ? '^16.0.0' : '^14.4.0',
  axios: '^1.13.0',
  typescript: '~5.9.3',
  '@typescript/native-preview': 'latest',
  '@types/node': modern ? '^24.0.0' : '^20.19.0',
}

/**
 * Packs every @vcrjs package (`pnpm pack`: `workspace:` ranges become
 * versions, as published) and installs the tarballs with npm into a new
 * project in `dir`, with the runners from the npm registry: what a user gets
 * from `npm i -D`, not the workspace links. Writes one folder per runner and
 * one for the type check.
 */
export async function createConsumerProject(dir: string): Promise<void> {
  const tarballs = join(dir, 'tarballs')
  await mkdir(tarballs, { recursive: true })
  for (const name of PACKAGES) {
    await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(ROOT, 'packages', name) })
  }
  const files = await readdir(tarballs)
  const local: Record<string, string> = {}
  for (const name of PACKAGES) {
    const file = files.find((f) => f.startsWith(`vcrjs-${name}-`) && f.endsWith('.tgz'))
    if (!file) throw new Error(`pnpm pack left no tarball for @vcrjs/${name} in ${tarballs}`)
    local[`@vcrjs/${name}`] = `file:tarballs/${file}`
  }
  const manifest = {
    name: 'vcrjs-consumer',
    private: true,
    dependencies: { ...local, ...REGISTRY_VERSIONS },
    // The packed packages depend on each other by version; these make npm take the tarballs for those too.
    overrides: local,
  }
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 })
  for (const runner of RUNNERS) await writeFiles(join(dir, runner), runnerFiles(runner))
  await writeFiles(join(dir, 'types'), TYPES_FILES)
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

/** The command that runs one runner's tests in its folder of the consumer project. */
export function runnerCommand(dir: string, runner: (typeof RUNNERS)[number], extraArgs: readonly string[] = []): [string, string[]] {
  const bin = (path: string) => join(dir, 'node_modules', path)
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
export function testCounts(runner: (typeof RUNNERS)[number], output: string): { passed: number; failed: number } {
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
