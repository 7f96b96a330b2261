import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const packages = readdirSync(join(root, 'packages'))
const manifest = (name: string) => JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'))

describe.each(packages)('packages/%s is ready to publish', (name) => {
  it('has the MIT LICENSE of the root, a README, and the metadata npm shows', () => {
    const pkg = manifest(name)
    expect(pkg.license).toBe('MIT')
    expect(readFileSync(join(root, 'packages', name, 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'))
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'LICENSE', 'README.md']))
    expect(existsSync(join(root, 'packages', name, 'README.md'))).toBe(true)
    expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//), directory: `packages/${name}` })
    expect(pkg.homepage).toMatch(new RegExp(`/packages/${name}#readme$`))
    expect(pkg.keywords.length).toBeGreaterThan(3)
    expect(pkg.scripts.prepack).toBe('node ../../scripts/check-publishable.mjs')
  })
})

describe('the prepack guard', () => {
  it('refuses to pack a package with workspace: ranges under npm, naming them and the fix', () => {
    // npm reads npm_config_* variables as its settings: those pnpm set for this test run must not reach it.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')))
    const packed = spawnSync('npm', ['pack', '--dry-run'], { cwd: join(root, 'packages', 'vitest'), encoding: 'utf8', env })
    expect(packed.status).not.toBe(0)
    expect(packed.stderr).toContain('@vcrjs/vitest cannot be packed or published with npm/')
    expect(packed.stderr).toContain('dependencies: @vcrjs/core@workspace:*')
    expect(packed.stderr).toContain('Publish with pnpm')
  })

  it('lets pnpm pack, which replaces the ranges with versions, and a package without workspace: ranges', () => {
    const guard = join(root, 'scripts', 'check-publishable.mjs')
    const underPnpm = spawnSync(process.execPath, [guard], { cwd: join(root, 'packages', 'vitest'), env: { ...process.env, npm_config_user_agent: 'pnpm/10.34.8 npm/? node/v20' } })
    expect(underPnpm.status).toBe(0)
    const core = spawnSync(process.execPath, [guard], { cwd: join(root, 'packages', 'core'), env: { ...process.env, npm_config_user_agent: 'npm/11.0.0 node/v20' } })
    expect(core.status).toBe(0)
  })
})
