import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Cassette, EJECT_AFTER } from './cassette.js'
import { pushInserted, runWithCassette } from './context.js'
import { InvalidOptionError } from './errors.js'
import { defaultFuncPath } from './func-path.js'
import { type MatcherFunction, type MatcherOptions, MatcherRegistry } from './matchers.js'
import { assertKnownOptions, type CassetteOptions, normalizeCassetteOptions, type VcrOptions } from './options.js'
import { filesystemPersister } from './persisters/filesystem.js'
import type { Persister } from './persisters/persister.js'
import { jsonSerializer } from './serializers/json.js'
import { rubyYamlSerializer } from './serializers/ruby-yaml.js'
import type { Serializer } from './serializers/serializer.js'
import { yamlSerializer } from './serializers/yaml.js'

/**
 * Holds the configuration shared by a suite's cassettes and inserts them.
 *
 * @example
 * const vcr = new VCR({ cassetteLibraryDir: 'fixtures/cassettes' })
 * await vcr.useCassette('users.yaml', async () => { await fetch(url) })
 */
export class VCR {
  readonly #options: VcrOptions
  readonly #matchers: MatcherRegistry
  readonly #serializers = new Map<string, Serializer>([
    ['yaml', yamlSerializer],
    ['json', jsonSerializer],
    ['ruby-yaml', rubyYamlSerializer],
  ])
  #persister: Persister = filesystemPersister

  constructor(options: VcrOptions = {}) {
    assertKnownOptions(options, 'VCR')
    // The VCR's own `matchers` join its registry, so they are known to every cassette's
    // `matchOn` (this constructor's included) and a later registerMatcher can replace one.
    const { matchers, ...rest } = options
    this.#matchers = new MatcherRegistry().with(matchers)
    this.#options = rest
    this.#normalize({}) // fail at construction, not at the first cassette
  }

  /**
   * Adds a matcher to use by name in `matchOn`; vcrpy's `register_matcher`. Give
   * `key` (equal for any two requests the matcher accepts) to keep lookups indexed;
   * without one, the matcher is run on each candidate the other matchers leave.
   *
   * @example
   * vcr.registerMatcher('jurassic', (r1, r2) => r1.url === r2.url, { key: (r) => r.url })
   */
  registerMatcher(name: string, matcher: MatcherFunction, options?: MatcherOptions): void {
    this.#matchers.register(name, matcher, options)
  }

  registerSerializer(name: string, serializer: Serializer): void {
    if (typeof name !== 'string' || name === '') throw new InvalidOptionError('registerSerializer', 'registerSerializer needs a non-empty name')
    if (typeof serializer?.serialize !== 'function' || typeof serializer?.deserialize !== 'function') {
      throw new InvalidOptionError(
        'registerSerializer',
        `registerSerializer('${name}', serializer) needs an object with serialize(data) => string and deserialize(text) => data`,
      )
    }
    this.#serializers.set(name, serializer)
  }

  /** Stores cassettes somewhere other than files; vcrpy's `register_persister`. */
  registerPersister(persister: Persister): void {
    if (typeof persister?.loadCassette !== 'function' || typeof persister?.saveCassette !== 'function') {
      throw new InvalidOptionError(
        'registerPersister',
        'registerPersister(persister) needs an object with loadCassette(path, serializer) and saveCassette(path, data, serializer)',
      )
    }
    this.#persister = persister
  }

  /**
   * Inserts a cassette for explicit use: pass it to an adapter, or let adapters
   * created without a cassette pick it up (the latest inserted one) outside any
   * `useCassette`. Call `cassette.eject()` when done.
   */
  async insertCassette(path: CassettePath, overrides: CassetteOptions = {}): Promise<Cassette> {
    const cassette = await this.#load(path, overrides)
    pushInserted(cassette)
    return cassette
  }

  /**
   * Inserts a cassette, runs `fn` with it as the current cassette of this
   * async context, and ejects (saves) it afterwards, also when `fn` throws.
   * vcrpy's `with vcr.use_cassette(...)`.
   */
  async useCassette<T>(path: CassettePath, fn: (cassette: Cassette) => T | Promise<T>, overrides: CassetteOptions = {}): Promise<T> {
    const cassette = await this.#load(path, overrides)
    let result: T
    try {
      result = await runWithCassette(cassette, () => fn(cassette))
    } catch (error) {
      await cassette[EJECT_AFTER]({ error }).catch((ejectError: unknown) => {
        if (error instanceof Error) (error as { suppressed?: unknown }).suppressed = ejectError
      })
      throw error
    }
    await cassette[EJECT_AFTER](undefined)
    return result
  }

  /**
   * Wraps a test function so it runs inside `useCassette`: vcrpy's decorator.
   * The wrapped function receives the cassette, then the test runner's arguments.
   *
   * @example
   * test('lists users', vcr.withCassette('users.yaml', async (cassette) => { ... }))
   * test('lists users', vcr.withCassette('users.yaml', { recordMode: 'none' })(async () => { ... }))
   */
  withCassette<A extends unknown[], T>(
    path: CassettePath,
    fn: (cassette: Cassette, ...args: A) => T | Promise<T>,
    overrides?: CassetteOptions,
  ): (...args: A) => Promise<T>
  withCassette(
    path: CassettePath,
    overrides?: CassetteOptions,
  ): <A extends unknown[], T>(fn: (cassette: Cassette, ...args: A) => T | Promise<T>) => (...args: A) => Promise<T>
  withCassette<A extends unknown[], T>(
    fn: (cassette: Cassette, ...args: A) => T | Promise<T>,
    overrides?: CassetteOptions,
  ): (...args: A) => Promise<T>
  withCassette(
    pathOrFn: CassettePath | TestFunction,
    fnOrOverrides?: TestFunction | CassetteOptions,
    overrides?: CassetteOptions,
  ): unknown {
    const wrap =
      (path: CassettePath | undefined, fn: TestFunction, options: CassetteOptions | undefined) =>
      (...args: unknown[]) =>
        this.useCassette(path ?? this.#generatedPath(fn, args, options), (cassette) => fn(cassette, ...args), options)
    if (typeof pathOrFn === 'function') return wrap(undefined, pathOrFn, fnOrOverrides as CassetteOptions | undefined)
    if (typeof fnOrOverrides === 'function') return wrap(pathOrFn, fnOrOverrides, overrides)
    return (fn: TestFunction) => wrap(pathOrFn, fn, fnOrOverrides)
  }

  /**
   * A `pathTransformer` that appends `suffix` unless the path already ends with it; vcrpy's `VCR.ensure_suffix`.
   * @example new VCR({ pathTransformer: VCR.ensureSuffix('.yaml') })
   */
  static ensureSuffix(suffix: string): (path: string) => string {
    return (path) => (path.endsWith(suffix) ? path : `${path}${suffix}`)
  }

  async #load(given: CassettePath, overrides: CassetteOptions): Promise<Cassette> {
    const path = filePath(given)
    if (typeof path !== 'string' || path === '') throw new InvalidOptionError('path', 'A cassette needs a non-empty path, e.g. vcr.useCassette("users.yaml", ...)')
    assertKnownOptions(overrides, 'cassette')
    const options = this.#normalize(overrides)
    const transform = overrides.pathTransformer ?? this.#options.pathTransformer
    const transformed = transform ? transform(path) : path
    return Cassette.load(resolve(this.#options.cassetteLibraryDir ?? process.cwd(), transformed), options)
  }

  #generatedPath(fn: (...args: never[]) => unknown, args: readonly unknown[], overrides: CassetteOptions | undefined): string {
    const generate =
      overrides?.funcPathGenerator ??
      this.#options.funcPathGenerator ??
      ((f, a) => defaultFuncPath(f, a, overrides?.serializer ?? this.#options.serializer))
    const path = generate(fn, args)
    if (typeof path !== 'string' || path === '') {
      throw new InvalidOptionError(
        'funcPathGenerator',
        'withCassette(fn) could not name the cassette: the test function has no name and the runner passed no test name. Pass a path, withCassette("name.yaml", fn), or set funcPathGenerator.',
      )
    }
    return path
  }

  #normalize(overrides: CassetteOptions) {
    return normalizeCassetteOptions(
      { ...this.#options, ...definedOnly(overrides) },
      { matchers: this.#matchers, serializers: this.#serializers, persister: this.#persister },
    )
  }
}

type TestFunction = (cassette: Cassette, ...args: unknown[]) => unknown

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>
}

/**
 * A cassette path: a file path (relative ones resolve against
 * `cassetteLibraryDir`), or a `file:` URL, as a URL or a string (vcrpy takes a
 * `pathlib.Path`; `new URL('./cassettes/users.yaml', import.meta.url)` is Node's).
 */
export type CassettePath = string | URL

function filePath(path: CassettePath): string {
  if (path instanceof URL || (typeof path === 'string' && path.startsWith('file:'))) {
    try {
      return fileURLToPath(path)
    } catch {
      throw new InvalidOptionError('path', `A cassette URL must be a file: URL naming a file; got ${String(path)}`)
    }
  }
  return path
}
