import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as source from '@vcrjs/core'
import { describe, expect, it } from 'vitest'

// The built packages (pnpm build runs before the tests in CI), loaded as a user's code would load them.
const core = fileURLToPath(new URL('../../packages/core/', import.meta.url))
const requireFromAdapter = createRequire(fileURLToPath(new URL('../../packages/undici/package.json', import.meta.url)))

type CoreModule = typeof source
type AdapterModule = typeof import('@vcrjs/core/adapter')

describe('@vcrjs/core as built', () => {
  it("resolves '@vcrjs/core/adapter' in both formats through the exports map", async () => {
    const cjs = requireFromAdapter('@vcrjs/core/adapter') as AdapterModule
    const esm = (await import(pathToFileURL(requireFromAdapter.resolve('@vcrjs/core/adapter')).href.replace(/\.cjs$/, '.js'))) as AdapterModule
    for (const entry of [cjs, esm]) {
      expect(typeof entry.handleRequest).toBe('function')
      expect(typeof entry.assertCassetteArgument).toBe('function')
      expect(entry.REQUEST_ACTIONS).toEqual(['replay', 'record', 'passthrough'])
    }
    expect(requireFromAdapter.resolve('@vcrjs/core/adapter')).toBe(`${core}dist/adapter.cjs`)
  })

  it('answers instanceof for errors of every copy: source, ESM build, CJS build, main and adapter entries', async () => {
    const esm = (await import(pathToFileURL(`${core}dist/index.js`).href)) as CoreModule
    const cjs = createRequire(import.meta.url)(`${core}dist/index.cjs`) as CoreModule
    const cjsAdapter = requireFromAdapter('@vcrjs/core/adapter') as AdapterModule
    const copies = [source, esm, cjs]
    for (const made of copies) {
      const error = new made.CannotOverwriteExistingCassetteError('no match', { cassettePath: '/c.yaml', recordMode: 'none' })
      for (const asked of copies) {
        expect(error).toBeInstanceOf(asked.CannotOverwriteExistingCassetteError)
        expect(error).toBeInstanceOf(asked.VcrError)
        expect(error).not.toBeInstanceOf(asked.InvalidOptionError)
      }
      expect(error).toBeInstanceOf(cjsAdapter.VcrError)
      expect(error).toBeInstanceOf(Error)
    }
    expect(new cjsAdapter.UnsupportedRequestError('x')).toBeInstanceOf(esm.UnsupportedRequestError)
  })
})
