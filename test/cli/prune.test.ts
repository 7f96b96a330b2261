import { existsSync } from 'node:fs'
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { interactionsFromData, yamlSerializer } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { tempCassetteDir } from '../support/temp.js'
import { writeCassette } from './cassettes.js'
import { runCli } from './run-cli.js'

const RUN_AT = new Date('2025-05-05T10:00:00Z')
const BEFORE_RUN = new Date('2025-05-05T09:00:00Z')
const AFTER_RUN = new Date('2025-05-05T11:00:00Z')

const one = (path: string) => [{ url: `http://127.0.0.1:9${path}`, responseBody: path }]

/**
 * __cassettes__/a.test.ts: a usage record (the contract the runner integrations write) naming
 * used.yaml (3 interactions, 0 and 2 played) and nested/deep.yaml (it saw 2 interactions; the file has 1);
 * unused.yaml, stale.json (Ruby JSON) unused; newer.yaml unused but written after the run; notes.json no cassette.
 * __cassettes__/b.test.ts: no record. __cassettes__/c.test.ts: a record that is not JSON.
 */
async function tree(): Promise<string> {
  const root = await tempCassetteDir()
  const a = join(root, '__cassettes__', 'a.test.ts')
  const b = join(root, '__cassettes__', 'b.test.ts')
  const c = join(root, '__cassettes__', 'c.test.ts')
  for (const dir of [join(a, 'nested'), b, c]) await mkdir(dir, { recursive: true })
  await writeCassette(join(a, 'used.yaml'), [...one('/zero'), ...one('/one'), ...one('/two')])
  await writeCassette(join(a, 'nested', 'deep.yaml'), one('/deep'))
  await writeCassette(join(a, 'unused.yaml'), one('/unused'))
  await writeCassette(join(a, 'stale.json'), one('/stale'), 'ruby-json')
  await writeCassette(join(a, 'newer.yaml'), one('/newer'))
  await writeFile(join(a, 'notes.json'), '{"not": "a cassette"}')
  await writeCassette(join(b, 'orphan.yaml'), one('/orphan'))
  await writeCassette(join(c, 'kept.yaml'), one('/kept'))
  await writeFile(
    join(a, '.vcrjs-usage.json'),
    JSON.stringify({
      version: 1,
      testFile: 'a.test.ts',
      writtenAt: RUN_AT.toISOString(),
      cassettes: [
        { path: 'used.yaml', interactions: 3, played: [0, 2] },
        { path: 'nested/deep.yaml', interactions: 2, played: [1] },
      ],
    }),
  )
  await writeFile(join(c, '.vcrjs-usage.json'), '{"version": 1, "cassettes": [')
  for (const file of ['used.yaml', 'nested/deep.yaml', 'unused.yaml', 'stale.json', 'notes.json']) await utimes(join(a, file), BEFORE_RUN, BEFORE_RUN)
  await utimes(join(a, 'newer.yaml'), AFTER_RUN, AFTER_RUN)
  return root
}

const at = (root: string, path: string) => join(root, '__cassettes__', path)

describe('vcrjs prune', () => {
  it('--dry-run lists unused cassettes from the usage records, unknown ones and kept ones, and changes nothing', async () => {
    const root = await tree()
    const run = await runCli(['prune', root, '--dry-run'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`${at(root, 'c.test.ts/.vcrjs-usage.json')}: not readable as JSON`)
    expect(run.stderr).toContain('nothing in it is deleted')
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines).toEqual([
      `kept (written after its usage record ${at(root, 'a.test.ts/.vcrjs-usage.json')}): ${at(root, 'a.test.ts/newer.yaml')}`,
      `unused, would delete: ${at(root, 'a.test.ts/stale.json')}`,
      `unused, would delete: ${at(root, 'a.test.ts/unused.yaml')}`,
      `unknown (no .vcrjs-usage.json above it; kept): ${at(root, 'b.test.ts/orphan.yaml')}`,
      `unknown (no .vcrjs-usage.json above it; kept): ${at(root, 'c.test.ts/kept.yaml')}`,
      'vcrjs prune: 2 cassettes used, 2 unused to delete, 2 unknown (dry run: nothing changed)',
    ])
    for (const file of ['a.test.ts/unused.yaml', 'a.test.ts/stale.json']) expect(existsSync(at(root, file))).toBe(true)
  })

  it('deletes the unused cassettes and nothing else', async () => {
    const root = await tree()
    const run = await runCli(['prune', root])
    expect(run.stdout).toContain(`unused, deleted: ${at(root, 'a.test.ts/unused.yaml')}`)
    expect(run.stdout).toContain('vcrjs prune: 2 cassettes used, 2 unused deleted, 2 unknown')
    expect(existsSync(at(root, 'a.test.ts/unused.yaml'))).toBe(false)
    expect(existsSync(at(root, 'a.test.ts/stale.json'))).toBe(false)
    for (const kept of ['a.test.ts/used.yaml', 'a.test.ts/nested/deep.yaml', 'a.test.ts/newer.yaml', 'a.test.ts/notes.json', 'b.test.ts/orphan.yaml', 'c.test.ts/kept.yaml']) {
      expect(existsSync(at(root, kept)), kept).toBe(true)
    }
  })

  it('--interactions rewrites a used cassette with only its played interactions, and keeps whole one that changed since its record', async () => {
    const root = await tree()
    const deep = await readFile(at(root, 'a.test.ts/nested/deep.yaml'), 'utf8')
    const run = await runCli(['prune', root, '--interactions'])
    expect(run.stdout).toContain(`unplayed interactions 1 removed (2 of 3 kept): ${at(root, 'a.test.ts/used.yaml')}`)
    expect(run.stdout).toContain(`kept whole (it has 1 interaction, its usage record saw 2; run the tests again): ${at(root, 'a.test.ts/nested/deep.yaml')}`)
    expect(run.stdout).toContain('1 rewritten without unplayed interactions')
    const used = interactionsFromData(yamlSerializer.deserialize(await readFile(at(root, 'a.test.ts/used.yaml'), 'utf8')))
    expect(used.map(({ request }) => request.path)).toEqual(['/zero', '/two'])
    expect(used.map(({ response }) => Buffer.from(response.body).toString())).toEqual(['/zero', '/two'])
    expect(await readFile(at(root, 'a.test.ts/nested/deep.yaml'), 'utf8')).toBe(deep)
  })

  it('keeps a cassette it cannot read, naming it on stderr (exit 1)', async () => {
    const root = await tree()
    const broken = at(root, 'a.test.ts/broken.yaml')
    await writeFile(broken, 'interactions:\n- request: [unclosed\n')
    await utimes(broken, BEFORE_RUN, BEFORE_RUN)
    const run = await runCli(['prune', root])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`vcrjs prune: kept ${broken}: its content cannot be deserialized (not valid YAML: `)
    expect(run.stdout).toContain('vcrjs prune: 2 cassettes used, 2 unused deleted, 2 unknown')
    expect(await readFile(broken, 'utf8')).toBe('interactions:\n- request: [unclosed\n')
  })

  it('needs one folder', async () => {
    const run = await runCli(['prune'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('vcrjs prune: name exactly one folder (got 0)')
  })
})
