import type { Cassette } from '../cassette.js'
import { EJECT_AFTER } from '../cassette.js'
import { type CassetteUsage, onCassetteEjected } from '../context.js'
import { cassetteExtension, testCassettePath, testCassettesFolder } from '../test-cassette-path.js'
import type { VCR } from '../vcr.js'
import { writeUsageRecord } from './usage-record.js'

/**
 * What a runner integration does for one test file: each test in its own
 * cassette (`__cassettes__/<test file name>/<describe titles>/<test
 * title>.yaml` beside the file), and at the end the file's usage record.
 * The runner calls `startTest` before each test (in a before-each hook),
 * `endTest` after it, and `finish` after the file.
 */
export class TestFileSession {
  readonly #vcr: VCR
  readonly #testFile: string
  readonly #extension: string
  readonly #usages = new Map<string, CassetteUsage>()
  readonly #seen = new Map<string, number>()
  readonly #stopListening: () => void
  #current: Cassette | undefined

  constructor(vcr: VCR, testFile: string, options: { serializer?: string | undefined } = {}) {
    this.#vcr = vcr
    this.#testFile = testFile
    this.#extension = cassetteExtension(options.serializer)
    this.#stopListening = onCassetteEjected((usage) => this.#record(usage))
  }

  /**
   * Inserts the test's cassette; requests with no `useCassette` around them
   * go to it until `endTest`. Two tests with the same titles in one file (a
   * repeated title) get `title (2)`, `title (3)`, as Jest names snapshots.
   */
  async startTest(titles: readonly string[]): Promise<Cassette> {
    if (this.#current) await this.endTest(undefined)
    const path = this.#uniquePath(titles)
    this.#current = await this.#vcr.insertCassette(path)
    return this.#current
  }

  /**
   * Ejects the test's cassette. `failure` is the test's error when it failed:
   * then the cassette is saved only if `recordOnException` is set. Throws what
   * ejecting throws (a save error, unused interactions), failing the test.
   */
  async endTest(failure: { error: unknown } | undefined): Promise<void> {
    const cassette = this.#current
    this.#current = undefined
    if (cassette) await cassette[EJECT_AFTER](failure)
  }

  /** Ejects a test's cassette still in, writes the usage record, and stops listening. */
  async finish(): Promise<void> {
    try {
      await this.endTest(undefined)
    } finally {
      this.#stopListening()
    }
    await writeUsageRecord(testCassettesFolder(this.#testFile), this.#testFile, this.#usages.values())
  }

  #uniquePath(titles: readonly string[]): string {
    const key = JSON.stringify(titles)
    const count = (this.#seen.get(key) ?? 0) + 1
    this.#seen.set(key, count)
    const named = count === 1 ? titles : [...titles.slice(0, -1), `${titles.at(-1) ?? ''} (${count})`]
    return testCassettePath(this.#testFile, named, this.#extension)
  }

  /** One entry per cassette file: a cassette used by several tests has every run's plays. */
  #record(usage: CassetteUsage): void {
    const earlier = this.#usages.get(usage.path)
    const played = earlier ? [...new Set([...earlier.played, ...usage.played])].sort((a, b) => a - b) : usage.played
    this.#usages.set(usage.path, { ...usage, played })
  }
}
