// The test files of the consumer projects, one scenario in each runner's
// dialect. Each test file requests paths under its own prefix (/a, /b) so a
// cassette shows which file recorded it; the server answers with the path.

export const RUNNERS = ['vitest', 'jest', 'node-test'] as const
export type Runner = (typeof RUNNERS)[number]

/** 300 characters: longer than a file name may be. */
export const LONG_TITLE = `a very long title ${'x'.repeat(282)}`
export const ODD_TITLE = 'odd /:"<>? title'

/** The cassettes, below `__cassettes__/<test file>/`, that run 1 records for file `a` (b: the same but the explicit one). */
export const EXPECTED_TEST_COUNT = { a: 6, b: 5 } as const

/** The scenario's body, shared by the three dialects: `describe`, `test`, `assertEqual` and `vcr` are bound by each. */
function scenario(file: 'a' | 'b'): string {
  return `
const api = process.env.VCRJS_API
async function get(path) {
  const response = await fetch(api + path)
  return response.json()
}

describe('users', () => {
  test('fetches', async () => {
    const path = process.env.VCRJS_CHANGED === '1' && ${JSON.stringify(file)} === 'a' ? '/${file}/users?page=2' : '/${file}/users'
    assertEqual((await get(path)).path, path)
    if (process.env.VCRJS_FAIL === '1' && ${JSON.stringify(file)} === 'a') throw new Error('failing on purpose')
  })
})

describe('posts', () => {
  test('fetches', async () => {
    assertEqual((await get('/${file}/posts')).path, '/${file}/posts')
  })
  describe('nested', () => {
    test('fetches', async () => {
      assertEqual((await get('/${file}/nested')).path, '/${file}/nested')
    })
  })
})

test(${JSON.stringify(ODD_TITLE)}, async () => {
  assertEqual((await get('/${file}/odd')).path, '/${file}/odd')
})

test(${JSON.stringify(LONG_TITLE)}, async () => {
  assertEqual((await get('/${file}/long')).path, '/${file}/long')
})
${
  file === 'a'
    ? `
test('explicit cassette inside a test', async () => {
  await vcr.useCassette('shared.yaml', async (cassette) => {
    assertEqual((await get('/a/shared')).path, '/a/shared')
    assertEqual(cassette.length, 1)
  })
})
`
    : ''
}`
}

/** The files of one runner's project folder, by relative path. */
export function runnerFiles(runner: Runner): Record<string, string> {
  switch (runner) {
    case 'vitest':
      return {
        'vitest.config.mjs': `export default { test: { setupFiles: ['./vcr.setup.mjs'], include: ['*.test.mjs'] } }\n`,
        'vcr.setup.mjs': `import { setupVcr } from '@vcrjs/vitest'\nglobalThis.vcr = setupVcr({ cassetteLibraryDir: 'explicit' })\n`,
        'a.test.mjs': vitestFile('a'),
        'b.test.mjs': vitestFile('b'),
      }
    case 'jest':
      return {
        'jest.config.cjs': `module.exports = { testEnvironment: '@vcrjs/jest/environment', setupFilesAfterEnv: ['./vcr.setup.cjs'], testMatch: ['**/*.test.cjs'], moduleFileExtensions: ['js', 'cjs'] }\n`,
        'vcr.setup.cjs': `globalThis.vcr = require('@vcrjs/jest').setupVcr({ cassetteLibraryDir: 'explicit' })\n`,
        'a.test.cjs': jestFile('a'),
        'b.test.cjs': jestFile('b'),
      }
    case 'node-test':
      return { 'a.test.mjs': nodeTestFile('a'), 'b.test.mjs': nodeTestFile('b') }
  }
}

function vitestFile(file: 'a' | 'b'): string {
  return `import { describe, test, expect } from 'vitest'
const vcr = globalThis.vcr
const assertEqual = (actual, expected) => expect(actual).toBe(expected)
${scenario(file)}`
}

function jestFile(file: 'a' | 'b'): string {
  return `const vcr = globalThis.vcr
const assertEqual = (actual, expected) => expect(actual).toBe(expected)
${scenario(file)}`
}

function nodeTestFile(file: 'a' | 'b'): string {
  return `import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setupVcr } from '@vcrjs/node-test'
const vcr = setupVcr({ cassetteLibraryDir: 'explicit' })
const assertEqual = (actual, expected) => assert.equal(actual, expected)
${scenario(file)}`
}

/**
 * A TypeScript consumer, checked by tsc 5 and tsgo (TypeScript 7) under
 * nodenext and bundler resolution with no "types" (TypeScript 7's default):
 * `index.ts` imports every package (libraries' own .d.ts not checked, as most
 * projects set); `http.ts` imports @vcrjs/http and @vcrjs/core with every
 * .d.ts checked, so types that use Node's without referencing them fail.
 */
export const TYPES_FILES: Record<string, string> = {
  'index.ts': `import { VCR, type Cassette, CannotOverwriteExistingCassetteError } from '@vcrjs/core'
import { TestFileSession } from '@vcrjs/core/runner'
import { vcrDispatcher, installGlobalVcrDispatcher } from '@vcrjs/undici'
import { vcrAgent } from '@vcrjs/http'
import { vcrHooks } from '@vcrjs/got'
import { vcrAdapter } from '@vcrjs/axios'
import { setupVcr as setupVitest } from '@vcrjs/vitest'
import { setupVcr as setupJest } from '@vcrjs/jest'
import VcrEnvironment from '@vcrjs/jest/environment'
import { setupVcr as setupNodeTest } from '@vcrjs/node-test'

export const vcr: VCR = new VCR({ cassetteLibraryDir: 'cassettes', recordMode: 'none' })
export const uses = [vcrDispatcher, installGlobalVcrDispatcher, vcrAgent, vcrHooks, vcrAdapter, setupVitest, setupJest, setupNodeTest, VcrEnvironment, TestFileSession]
export function describeCassette(cassette: Cassette): string {
  return \`\${cassette.path}: \${cassette.length}\`
}
export const isNoMatch = (error: unknown): boolean => error instanceof CannotOverwriteExistingCassetteError
`,
  'http.ts': `import { VCR } from '@vcrjs/core'
import { vcrAgent } from '@vcrjs/http'

export const agent = vcrAgent(undefined, { protocol: 'http' })
export const vcr = new VCR()
`,
}
for (const resolution of ['nodenext', 'bundler'] as const) {
  const compilerOptions = { module: resolution === 'bundler' ? 'preserve' : 'nodenext', moduleResolution: resolution, target: 'es2022', strict: true, noEmit: true, types: [] }
  TYPES_FILES[`tsconfig.${resolution}.json`] = JSON.stringify({ compilerOptions: { ...compilerOptions, skipLibCheck: true }, files: ['index.ts'] }, null, 2)
  TYPES_FILES[`tsconfig.http.${resolution}.json`] = JSON.stringify({ compilerOptions, files: ['http.ts'] }, null, 2)
}

/**
 * Two vitest tests that run concurrently, each requesting its own paths
 * (/c/one, /c/two). Where setupVcr can scope a cassette to a test (vitest
 * >= 4.1), each waits after its first request until the other made its
 * first, so both are in flight at once; with older vitest the second is
 * refused at its start and the first runs alone.
 */
export const CONCURRENT_VITEST_FILE = `import * as vitest from 'vitest'
const { describe, test } = vitest
const api = process.env.VCRJS_API
const scoped = typeof vitest.aroundEach === 'function'
let arrived = 0
let release
const both = new Promise((resolve) => (release = resolve))
async function get(path) {
  return (await (await fetch(api + path)).json()).path
}

describe.concurrent('together', () => {
  for (const name of ['one', 'two']) {
    test(name, async ({ expect }) => {
      expect(await get('/c/' + name)).toBe('/c/' + name)
      if (scoped && ++arrived === 2) release()
      if (scoped) await both
      expect(await get('/c/' + name + '/again')).toBe('/c/' + name + '/again')
    })
  }
})
`

/**
 * Jest tests declared with `test.concurrent` (/j/one, /j/two), one of them
 * with a `vcr.useCassette` of its own (/j/own), and a test run in turn
 * (/j/turn) declared first. Jest 30 runs "in turn" alone, then the
 * concurrent tests side by side: "one" and "two" each
 * wait after their first request until the other made its first, so both
 * are in flight at once; with VCRJS_FAIL=1 "two" fails after its
 * requests. Jest 29 starts the concurrent bodies before any test's hooks: "one" waits until "in turn" has its cassette in, and "in
 * turn" until "one" requested (refused; before the fix it went into the
 * cassette of "in turn").
 */
export const CONCURRENT_JEST_FILE = `const api = process.env.VCRJS_API
async function get(path) {
  return (await (await fetch(api + path)).json()).path
}
let oneStarted = false
let turnIn
const turnStarted = new Promise((resolve) => (turnIn = resolve))
let oneDone
const oneRequested = new Promise((resolve) => (oneDone = resolve))
let arrived = 0
let release
const both = new Promise((resolve) => (release = resolve))
async function twice(name) {
  expect(await get('/j/' + name)).toBe('/j/' + name)
  if (++arrived === 2) release()
  await both
  expect(await get('/j/' + name + '/again')).toBe('/j/' + name + '/again')
}

describe('together', () => {
  test('in turn', async () => {
    turnIn()
    if (oneStarted) await oneRequested
    expect(await get('/j/turn')).toBe('/j/turn')
  })
  test.concurrent('one', async () => {
    oneStarted = true
    await turnStarted
    try {
      await twice('one')
    } finally {
      oneDone()
    }
  })
  test.concurrent('two', async () => {
    await twice('two')
    if (process.env.VCRJS_FAIL === '1') throw new Error('failing on purpose')
  })
  test.concurrent('own cassette', async () => {
    await vcr.useCassette('concurrent-own.yaml', async () => {
      expect(await get('/j/own')).toBe('/j/own')
    })
  })
})
`

/** Jest's generated titles (`test.each`, `describe.each`) and tests that do not run (`test.skip`, `test.todo`, those beside a `test.only`). */
export const JEST_TITLES_FILE = `const api = process.env.VCRJS_API
async function get(path) {
  return (await (await fetch(api + path)).json()).path
}

test.each([['first', '/t/1'], ['second', '/t/2']])('each %s', async (_name, path) => {
  expect(await get(path)).toBe(path)
})

describe.each(['x', 'y'])('group %s', (group) => {
  test('fetches', async () => {
    expect(await get('/t/' + group)).toBe('/t/' + group)
  })
})

test.skip('skipped', async () => {
  await get('/t/skipped')
})

test.todo('later')
`

export const JEST_FOCUS_FILE = `const api = process.env.VCRJS_API
test.only('focused', async () => {
  expect((await (await fetch(api + '/f/focused')).json()).path).toBe('/f/focused')
})

test('not focused', async () => {
  await fetch(api + '/f/not-focused')
})
`
