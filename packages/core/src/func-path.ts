import { basename } from 'node:path'
import { cassetteExtension, portableFileName, testCassetteName } from './test-cassette-path.js'

/** What a runner tells about the test being run: its file and its describe titles then its own title. */
export interface TestIdentity {
  readonly testFile: string | undefined
  readonly titles: readonly string[]
}

/**
 * Where the current Jest test is published by `@vcrjs/jest/environment`,
 * which sees the describe titles one by one (Jest's own `currentTestName`
 * joins them with spaces, which cannot be split back).
 */
export const JEST_CURRENT_TEST = Symbol.for('vcrjs.jest.current-test')

/**
 * The default `funcPathGenerator` of `vcr.withCassette(fn)`:
 * `<test file name>/<describe titles>/<test title>.yaml` under
 * `cassetteLibraryDir`, from what the runner passed the test function
 * (vitest's context, node:test's `t`) or Jest's current test, else the
 * function's own name.
 */
export function defaultFuncPath(fn: (...args: never[]) => unknown, args: readonly unknown[], serializer: string | undefined): string {
  const test = testIdentityOf(args[0])
  const extension = cassetteExtension(serializer)
  if (test === undefined) return fn.name === '' ? '' : `${portableFileName(fn.name)}${extension}`
  const file = test.testFile === undefined ? [] : [portableFileName(basename(test.testFile))]
  return [...file, testCassetteName(test.titles, extension)].join('/')
}

/**
 * The test being run, from what the runner passed the test function or hook
 * (vitest's context, node:test's `t`), else the current Jest test published
 * by `@vcrjs/jest/environment`.
 */
export function testIdentityOf(firstArgument: unknown): TestIdentity | undefined {
  return vitestTest(firstArgument) ?? nodeTest(firstArgument) ?? jestTest()
}

interface VitestTask {
  name?: unknown
  suite?: VitestTask
  file?: { filepath?: unknown }
  filepath?: unknown
}

function vitestTest(context: unknown): TestIdentity | undefined {
  const task = (context as { task?: VitestTask } | undefined)?.task
  if (typeof task?.name !== 'string') return undefined
  const titles = [task.name]
  // The file is a suite too (it has `filepath`); describes are the suites below it.
  for (let suite = task.suite; suite && suite.filepath === undefined; suite = suite.suite) {
    if (typeof suite.name === 'string') titles.unshift(suite.name)
  }
  const file = task.file?.filepath
  return { testFile: typeof file === 'string' ? file : undefined, titles }
}

/** node:test's `t`: `fullName` joins the describe titles and the test's with ' > ' (Node >= 20.16). */
function nodeTest(context: unknown): TestIdentity | undefined {
  const t = context as { name?: unknown; fullName?: unknown; filePath?: unknown } | undefined
  if (typeof t?.name !== 'string' || typeof (t as { diagnostic?: unknown }).diagnostic !== 'function') return undefined
  const titles = typeof t.fullName === 'string' ? nodeTestTitles(t.fullName, t.name) : [t.name]
  return { testFile: typeof t.filePath === 'string' ? t.filePath : process.argv[1], titles }
}

/** Splits node:test's `fullName` back into titles; the test's own title is known whole, so only describe titles are split. */
function nodeTestTitles(fullName: string, name: string): string[] {
  const suffix = ` > ${name}`
  if (!fullName.endsWith(suffix)) return [name]
  return [...fullName.slice(0, -suffix.length).split(' > '), name]
}

function jestTest(): TestIdentity | undefined {
  const current = (globalThis as { [JEST_CURRENT_TEST]?: TestIdentity })[JEST_CURRENT_TEST]
  return current && current.titles.length > 0 ? current : undefined
}
