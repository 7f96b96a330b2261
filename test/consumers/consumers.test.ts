import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync } from 'node:fs'
import { copyFile, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConsumerProjects, mainProject, type RunnerVariant, runCommand, runnerCommand, runnerVariants, testCounts } from './consumer-project.js'
import { CONCURRENT_JEST_FILE, CONCURRENT_VITEST_FILE, EXPECTED_TEST_COUNT, JEST_FOCUS_FILE, JEST_TITLES_FILE, ODD_TITLE } from './scenario-files.js'

// Consumer projects built from the packed tarballs, installed with npm, each
// runner run for real: record, replay under CI with the server stopped, a
// changed request, and re-recording with VCR_RECORD_MODE=all.

const CLI = fileURLToPath(new URL('../../packages/cli/dist/cli.js', import.meta.url))
const root = mkdtempSync(join(tmpdir(), 'vcrjs-consumers-'))
// VCRJS_KEEP_CONSUMERS=1 keeps the projects for a look after a failure.
afterAll(() => (process.env.VCRJS_KEEP_CONSUMERS ? undefined : rm(root, { recursive: true, force: true })))
/** The runners at the versions this Node leg tests (see runnerVariants), and the project with every package. */
const variants = runnerVariants(root)
const dir = mainProject(root)

/** A local server answering `{ path, hit }`; restartable on the same port, since the cassettes hold its URL. */
class PathServer {
  hits = 0
  /** The paths requested, in order. */
  readonly paths: string[] = []
  port = 0
  #server: Server | undefined

  async start(): Promise<void> {
    if (this.#server) return
    const server = createServer((req, res) => {
      this.hits++
      this.paths.push(req.url ?? '')
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ path: req.url, hit: this.hits }))
    })
    server.keepAliveTimeout = 100
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve))
    this.port = (server.address() as AddressInfo).port
    this.#server = server
  }

  async stop(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`
  }
}

const server = new PathServer()
afterAll(() => server.stop())

beforeAll(async () => {
  await createConsumerProjects(root, variants)
  await server.start()
}, 600_000)

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Every file below `root`, relative, with a hash of its content; the usage records left out (they change on every run). */
async function snapshot(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  if (!existsSync(root)) return files
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === '.vcrjs-usage.json') continue
    const path = join(entry.parentPath, entry.name)
    files.set(relative(root, path), createHash('sha256').update(await readFile(path)).digest('hex'))
  }
  return files
}

const named = (variants: readonly RunnerVariant[]) => variants.map((variant) => [`${variant.runner} ${variant.range}`.trim(), variant] as const)

describe.each(named(variants))('%s consumer', (_name, { runner, project }) => {
  const folder = join(project, runner)
  const cassettes = join(folder, '__cassettes__')
  const extension = runner === 'jest' ? 'cjs' : 'mjs'
  const runTests = (env: Record<string, string>, args: string[] = []) => {
    const [command, commandArgs] = runnerCommand(project, runner, args)
    return runCommand(command, commandArgs, folder, { VCRJS_API: server.origin, ...env })
  }

  it('run 1 records each test into its own cassette, named after its describe titles and title, beside its test file', async () => {
    const before = server.hits
    const result = await runTests({})
    expect(result.output, result.output).not.toMatch(/GlobalFetchNotRoutedError/)
    expect(result.code, result.output).toBe(0)
    expect(testCounts(runner, result.output)).toEqual({ passed: EXPECTED_TEST_COUNT.a + EXPECTED_TEST_COUNT.b, failed: 0 })
    expect(server.hits - before).toBe(11)

    const files = [...(await snapshot(cassettes)).keys()].sort()
    const a = `a.test.${extension}`
    const b = `b.test.${extension}`
    expect(files.filter((file) => !file.includes('very long') && !file.startsWith(`${a}/odd`) && !file.startsWith(`${b}/odd`))).toEqual([
      `${a}/posts/fetches.yaml`,
      `${a}/posts/nested/fetches.yaml`,
      `${a}/users/fetches.yaml`,
      `${b}/posts/fetches.yaml`,
      `${b}/posts/nested/fetches.yaml`,
      `${b}/users/fetches.yaml`,
    ])
    for (const file of [a, b]) {
      const odd = files.filter((name) => name.startsWith(`${file}/odd`))
      expect(odd).toHaveLength(1)
      expect(odd[0]).toMatch(/^[^<>:"?\\]*$/)
      expect(odd[0]).toMatch(/^.*\/odd ______ title-[0-9a-f]{8}\.yaml$/)
      const long = files.filter((name) => name.startsWith(`${file}/a very long`))
      expect(long).toHaveLength(1)
      expect(Buffer.byteLength(long[0]!.split('/')[1]!)).toBeLessThanOrEqual(200)
      expect(long[0]).toMatch(/-[0-9a-f]{8}\.yaml$/)
    }
    // Each cassette holds its own test's request: same titles in two files or two describes never share.
    expect(await readFile(join(cassettes, a, 'users', 'fetches.yaml'), 'utf8')).toContain(`uri: ${server.origin}/a/users\n`)
    expect(await readFile(join(cassettes, b, 'users', 'fetches.yaml'), 'utf8')).toContain(`uri: ${server.origin}/b/users\n`)
    expect(await readFile(join(cassettes, a, 'posts', 'nested', 'fetches.yaml'), 'utf8')).toContain(`uri: ${server.origin}/a/nested\n`)
    // useCassette inside a test wins over the test's own cassette.
    expect(await readFile(join(folder, 'explicit', 'shared.yaml'), 'utf8')).toContain(`uri: ${server.origin}/a/shared\n`)
    expect(files.some((file) => file.startsWith(`${a}/explicit cassette`))).toBe(false)

    const usage = JSON.parse(await readFile(join(cassettes, a, '.vcrjs-usage.json'), 'utf8'))
    expect(usage).toMatchObject({ version: 1, testFile: `../../${a}` })
    expect(new Date(usage.writtenAt).toString()).not.toBe('Invalid Date')
    const used = Object.fromEntries(usage.cassettes.map((c: { path: string }) => [c.path, c]))
    expect(used['users/fetches.yaml']).toEqual({ path: 'users/fetches.yaml', interactions: 1, played: [0] })
    expect(used['posts/nested/fetches.yaml']).toEqual({ path: 'posts/nested/fetches.yaml', interactions: 1, played: [0] })
    expect(used['../../explicit/shared.yaml']).toEqual({ path: '../../explicit/shared.yaml', interactions: 1, played: [0] })
    expect(usage.cassettes).toHaveLength(7)
  })

  it('run 2, with CI set and the server stopped, replays every test and changes no cassette', async () => {
    const before = await snapshot(cassettes)
    const explicitBefore = await snapshot(join(folder, 'explicit'))
    await server.stop()
    const hits = server.hits
    const result = await runTests({ CI: 'true' })
    expect(result.code, result.output).toBe(0)
    expect(testCounts(runner, result.output)).toEqual({ passed: 11, failed: 0 })
    expect(server.hits).toBe(hits)
    expect(await snapshot(cassettes)).toEqual(before)
    expect(await snapshot(join(folder, 'explicit'))).toEqual(explicitBefore)
    const usage = JSON.parse(await readFile(join(cassettes, `a.test.${extension}`, '.vcrjs-usage.json'), 'utf8'))
    const recorded = usage.cassettes.filter((c: { interactions: number }) => c.interactions > 0)
    expect(recorded).toHaveLength(6)
    expect(recorded.every((c: { played: number[] }) => c.played.length === 1)).toBe(true)

    // `vcrjs prune` on the usage records of this real run: a cassette of a deleted test (older than the run) is the only one listed.
    const leftover = join(cassettes, `a.test.${extension}`, 'deleted test.yaml')
    await copyFile(join(cassettes, `a.test.${extension}`, 'users', 'fetches.yaml'), leftover)
    const beforeRun = new Date(Date.parse(usage.writtenAt) - 3_600_000)
    await utimes(leftover, beforeRun, beforeRun)
    try {
      const prune = await runCommand(process.execPath, [CLI, 'prune', cassettes, '--dry-run'], folder, {})
      expect(prune.output).toContain(`unused, would delete: ${leftover}`)
      expect(prune.output).toMatch(/vcrjs prune: \d+ cassettes used, 1 unused to delete, 0 unknown \(dry run: nothing changed\)/)
    } finally {
      await rm(leftover)
    }
  })

  it('run 3, with one request changed, fails that test with the no-match error (also under the client\'s wrapping error) and passes the rest', async () => {
    const before = await snapshot(cassettes)
    const result = await runTests({ CI: 'true', VCRJS_CHANGED: '1' })
    expect(result.code).not.toBe(0)
    expect(testCounts(runner, result.output)).toEqual({ passed: 10, failed: 1 })
    expect(result.output).toContain(`no recorded interaction matches GET ${server.origin}/a/users?page=2`)
    expect(result.output).toContain("matcher failed: query: 'page=2' != ''")
    expect(await snapshot(cassettes)).toEqual(before)
  })

  it('VCR_RECORD_MODE=all re-records every cassette against the server, but a test that fails saves nothing', async () => {
    const before = await snapshot(cassettes)
    await server.start()
    const hits = server.hits
    const result = await runTests({ CI: 'true', VCR_RECORD_MODE: 'all', VCRJS_FAIL: '1' })
    expect(testCounts(runner, result.output), result.output).toEqual({ passed: 10, failed: 1 })
    expect(result.output).toContain('failing on purpose')
    expect(server.hits - hits).toBe(11)
    const after = await snapshot(cassettes)
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort())
    const failed = join(`a.test.${extension}`, 'users', 'fetches.yaml')
    for (const [file, hash] of after) {
      if (file === failed) expect(hash, file).toBe(before.get(file))
      else expect(hash, file).not.toBe(before.get(file))
    }
  })
})

describe.each(named(variants.filter((variant) => variant.runner === 'vitest')))('%s: concurrent tests', (_name, { project }) => {
  it('record each into its own cassette where vitest has aroundEach (>= 4.1), else the second fails with ConcurrentTestsError', async () => {
    const folder = join(project, 'vitest')
    const version = JSON.parse(await readFile(join(project, 'node_modules', 'vitest', 'package.json'), 'utf8')).version as string
    const [major = 0, minor = 0] = version.split('.').map(Number)
    const scoped = major > 4 || (major === 4 && minor >= 1)
    await server.start()
    const file = join(folder, 'concurrent.test.mjs')
    await writeFile(file, CONCURRENT_VITEST_FILE)
    const cassettes = join(folder, '__cassettes__', 'concurrent.test.mjs', 'together')
    try {
      const [command, args] = runnerCommand(project, 'vitest', ['concurrent.test.mjs'])
      const result = await runCommand(command, args, folder, { VCRJS_API: server.origin })
      const uris = async (name: string) => (await readFile(join(cassettes, name), 'utf8')).match(/uri: .*/g)
      if (scoped) {
        expect(result.code, result.output).toBe(0)
        expect(testCounts('vitest', result.output)).toEqual({ passed: 2, failed: 0 })
        expect(await uris('one.yaml')).toEqual([`uri: ${server.origin}/c/one`, `uri: ${server.origin}/c/one/again`])
        expect(await uris('two.yaml')).toEqual([`uri: ${server.origin}/c/two`, `uri: ${server.origin}/c/two/again`])
      } else {
        expect(testCounts('vitest', result.output), result.output).toEqual({ passed: 1, failed: 1 })
        expect(result.output).toContain('ConcurrentTestsError')
        expect(result.output).toContain('Test "together > two" started while test "together > one" still has its cassette in')
        expect(result.output).toContain('upgrade to vitest 4.1 or later')
        expect(await uris('one.yaml')).toEqual([`uri: ${server.origin}/c/one`, `uri: ${server.origin}/c/one/again`])
        expect(existsSync(join(cassettes, 'two.yaml'))).toBe(false)
      }
    } finally {
      await rm(file)
      await rm(join(folder, '__cassettes__', 'concurrent.test.mjs'), { recursive: true, force: true })
    }
  })
})

describe.each(named(variants.filter((variant) => variant.runner === 'jest')))('%s: test.concurrent', (_name, { project }) => {
  it('records and replays each concurrent test in its own cassette on Jest 30, a failing one saving nothing; on Jest 29 refuses their requests made outside a cassette of their own', async () => {
    const folder = join(project, 'jest')
    const version = JSON.parse(await readFile(join(project, 'node_modules', 'jest', 'package.json'), 'utf8')).version as string
    const scoped = Number(version.split('.')[0]) >= 30
    const file = join(folder, 'concurrent.test.cjs')
    await writeFile(file, CONCURRENT_JEST_FILE)
    const cassettes = join(folder, '__cassettes__', 'concurrent.test.cjs')
    const own = join(folder, 'explicit', 'concurrent-own.yaml')
    const runJest = (env: Record<string, string>) => {
      const [command, args] = runnerCommand(project, 'jest', ['concurrent.test.cjs'])
      return runCommand(command, args, folder, { VCRJS_API: server.origin, ...env })
    }
    const uris = async (name: string) => (await readFile(join(cassettes, 'together', name), 'utf8')).match(/uri: .*/g)
    const expectOutcome = (output: string) => {
      if (scoped) {
        expect(testCounts('jest', output), output).toEqual({ passed: 4, failed: 0 })
        return
      }
      expect(testCounts('jest', output), output).toEqual({ passed: 2, failed: 2 })
      for (const name of ['one', 'two']) {
        expect(output).toContain(`Test "together > ${name}" made a request with no cassette of its own: it runs with test.concurrent (as does "together > `)
      }
      expect(output).toContain('ConcurrentTestsError')
      expect(output).toContain("Upgrade to Jest 30 (each concurrent test records into its own cassette), drop .concurrent from that test, or wrap its requests in a vcr.useCassette('<name>.yaml', async () => { ... }) of its own.")
    }
    try {
      await server.start()
      const from = server.paths.length
      const recorded = await runJest({})
      expectOutcome(recorded.output)
      const requested = scoped ? ['/j/one', '/j/one/again', '/j/own', '/j/turn', '/j/two', '/j/two/again'] : ['/j/own', '/j/turn']
      expect(server.paths.slice(from).sort()).toEqual(requested)
      expect([...(await snapshot(cassettes)).keys()].sort()).toEqual(scoped ? ['together/in turn.yaml', 'together/one.yaml', 'together/two.yaml'] : ['together/in turn.yaml'])
      expect(await uris('in turn.yaml')).toEqual([`uri: ${server.origin}/j/turn`])
      if (scoped) {
        expect(await uris('one.yaml')).toEqual([`uri: ${server.origin}/j/one`, `uri: ${server.origin}/j/one/again`])
        expect(await uris('two.yaml')).toEqual([`uri: ${server.origin}/j/two`, `uri: ${server.origin}/j/two/again`])
      }
      expect(await readFile(own, 'utf8')).toContain(`uri: ${server.origin}/j/own\n`)

      const before = await snapshot(cassettes)
      await server.stop()
      const hits = server.hits
      const replayed = await runJest({ CI: 'true' })
      expectOutcome(replayed.output)
      expect(server.hits).toBe(hits)
      expect(await snapshot(cassettes)).toEqual(before)

      if (scoped) {
        // Each concurrent test's failure is its own: "two" fails and saves nothing, "one" re-records.
        await server.start()
        const rerecorded = await runJest({ CI: 'true', VCR_RECORD_MODE: 'all', VCRJS_FAIL: '1' })
        expect(testCounts('jest', rerecorded.output), rerecorded.output).toEqual({ passed: 3, failed: 1 })
        expect(rerecorded.output).toContain('failing on purpose')
        const after = await snapshot(cassettes)
        expect(after.get('together/two.yaml')).toBe(before.get('together/two.yaml'))
        expect(after.get('together/one.yaml')).not.toBe(before.get('together/one.yaml'))
      }
    } finally {
      await rm(file)
      await rm(own, { force: true })
      await rm(cassettes, { recursive: true, force: true })
    }
  })
})

describe.each(named(variants.filter((variant) => variant.runner === 'jest')))('%s: generated titles and tests that do not run', (_name, { project }) => {
  it('test.each and describe.each get a cassette each; test.skip, test.todo and tests beside a test.only get none', async () => {
    const folder = join(project, 'jest')
    const files = { 'titles.test.cjs': JEST_TITLES_FILE, 'focus.test.cjs': JEST_FOCUS_FILE }
    for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text)
    const cassettes = join(folder, '__cassettes__')
    const runJest = (env: Record<string, string>) => {
      const [command, args] = runnerCommand(project, 'jest', Object.keys(files))
      return runCommand(command, args, folder, { VCRJS_API: server.origin, ...env })
    }
    const ours = async () => [...(await snapshot(cassettes)).keys()].filter((path) => path.startsWith('titles.test.cjs/') || path.startsWith('focus.test.cjs/')).sort()
    try {
      await server.start()
      const from = server.paths.length
      const recorded = await runJest({})
      expect(recorded.code, recorded.output).toBe(0)
      expect(recorded.output).toMatch(/Tests:\s+2 skipped, 1 todo, 5 passed, 8 total/)
      expect(server.paths.slice(from).sort()).toEqual(['/f/focused', '/t/1', '/t/2', '/t/x', '/t/y'])
      expect(await ours()).toEqual([
        'focus.test.cjs/focused.yaml',
        'titles.test.cjs/each first.yaml',
        'titles.test.cjs/each second.yaml',
        'titles.test.cjs/group x/fetches.yaml',
        'titles.test.cjs/group y/fetches.yaml',
      ])
      for (const [cassette, path] of [['each first', '1'], ['each second', '2'], ['group x/fetches', 'x'], ['group y/fetches', 'y']]) {
        expect(await readFile(join(cassettes, 'titles.test.cjs', `${cassette}.yaml`), 'utf8')).toContain(`uri: ${server.origin}/t/${path}\n`)
      }
      const usage = JSON.parse(await readFile(join(cassettes, 'titles.test.cjs', '.vcrjs-usage.json'), 'utf8'))
      expect(usage.cassettes.map((c: { path: string }) => c.path).sort()).toEqual(['each first.yaml', 'each second.yaml', 'group x/fetches.yaml', 'group y/fetches.yaml'])

      const before = await snapshot(cassettes)
      await server.stop()
      const hits = server.hits
      const replayed = await runJest({ CI: 'true' })
      expect(replayed.code, replayed.output).toBe(0)
      expect(replayed.output).toMatch(/Tests:\s+2 skipped, 1 todo, 5 passed, 8 total/)
      expect(server.hits).toBe(hits)
      expect(await snapshot(cassettes)).toEqual(before)
    } finally {
      for (const name of Object.keys(files)) {
        await rm(join(folder, name))
        await rm(join(cassettes, name), { recursive: true, force: true })
      }
    }
  })
})

describe('a missing cassette in record mode none', () => {
  it('fails its test saying the file does not exist, naming the similar files of that folder', async () => {
    const folder = join(dir, 'node-test')
    const testFile = join(folder, 'a.test.mjs')
    const original = await readFile(testFile, 'utf8')
    // A renamed test looks for a cassette that was never recorded.
    await writeFile(testFile, original.replace(`test(${JSON.stringify(ODD_TITLE)}`, `test(${JSON.stringify(`${ODD_TITLE}s`)}`))
    try {
      const result = await runCommand(process.execPath, ['--test', '--test-reporter=tap', 'a.test.mjs'], folder, { VCRJS_API: server.origin, CI: 'true' })
      expect(testCounts('node-test', result.output)).toEqual({ passed: 5, failed: 1 })
      const cassettes = join(folder, '__cassettes__', 'a.test.mjs')
      expect(result.output).toMatch(new RegExp(`Cassette ${escape(cassettes)}/odd ______ titles-[0-9a-f]{8}\\.yaml does not exist, and record mode 'none' does not record`))
      expect(result.output).toMatch(new RegExp(`Similar files in ${escape(cassettes)}: odd ______ title-[0-9a-f]{8}\\.yaml`))
    } finally {
      await writeFile(testFile, original)
    }
  })
})

describe('vitest vm pools', () => {
  it('fail at setup with a message that names the pools to use, and send nothing to the network', async () => {
    const hits = server.hits
    const [command, args] = runnerCommand(dir, 'vitest', ['--pool=vmThreads'])
    const result = await runCommand(command, args, join(dir, 'vitest'), { VCRJS_API: server.origin, VCR_RECORD_MODE: 'all' })
    expect(result.code).not.toBe(0)
    expect(result.output).toContain('GlobalFetchNotRoutedError')
    expect(result.output).toContain("run the tests that use vcrjs in the 'forks' pool")
    expect(server.hits).toBe(hits)
  })
})

describe('Jest without the vcrjs environment', () => {
  it("fails at setup saying so, instead of letting Jest's foreign-realm fetch go live", async () => {
    const hits = server.hits
    const [command, args] = runnerCommand(dir, 'jest', ['--testEnvironment=node'])
    const result = await runCommand(command, args, join(dir, 'jest'), { VCRJS_API: server.origin, VCR_RECORD_MODE: 'all' })
    expect(result.code).not.toBe(0)
    expect(result.output).toContain("@vcrjs/jest's setupVcr needs its test environment")
    expect(result.output).toContain("testEnvironment: '@vcrjs/jest/environment'")
    expect(server.hits).toBe(hits)
  })
})

// Each check is a compiler run of its own: they run side by side.
describe.concurrent('types', () => {
  for (const checker of ['TypeScript 5', 'TypeScript 7 (tsgo)'] as const) {
    for (const config of ['nodenext', 'bundler', 'http.nodenext', 'http.bundler']) {
      it(`compile under ${checker} with tsconfig.${config}.json, no "types" given`, async () => {
        const bin =
          checker === 'TypeScript 5'
            ? join(dir, 'node_modules', 'typescript', 'bin', 'tsc')
            : join(dir, 'node_modules', '@typescript', 'native-preview', JSON.parse(await readFile(join(dir, 'node_modules', '@typescript', 'native-preview', 'package.json'), 'utf8')).bin.tsgo)
        const result = await runCommand(process.execPath, [bin, '-p', `tsconfig.${config}.json`], join(dir, 'types'), {})
        expect(result.output).toBe('')
        expect(result.code).toBe(0)
      })
    }
  }
})
