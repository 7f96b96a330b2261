import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CannotOverwriteExistingCassetteError } from './errors.js'
import { handleRequest } from './handle-request.js'
import { MemoryPersister } from './persisters/memory.js'
import { VCR } from './vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-missing-'))
  vi.stubEnv('VCR_RECORD_MODE', '')
  vi.stubEnv('CI', '')
})
afterEach(async () => {
  vi.unstubAllEnvs()
  await rm(dir, { recursive: true, force: true })
})

const get = (url: string) => handleRequest({ request: { method: 'GET', url }, sendReal: async () => ({ status: 200, body: 'live' }) })
const failure = (vcr: VCR, path: string): Promise<Error> =>
  vcr.useCassette(path, () => get('https://user:pw@h.test/users')).then(
    () => {
      throw new Error('expected the request to fail')
    },
    (error: unknown) => error as Error,
  )

describe('a cassette whose file does not exist, in record mode none', () => {
  it('fails saying the file does not exist and naming the files of that folder with the closest names', async () => {
    await mkdir(join(dir, 'api'))
    for (const name of ['list-users.yaml', 'list-user.yml', 'lists-users.json', 'unrelated-and-long-name.yaml', '.hidden-list-users.yaml']) {
      await writeFile(join(dir, 'api', name), 'interactions: []\nversion: 1\n')
    }
    const error = await failure(new VCR({ cassetteLibraryDir: dir, recordMode: 'none' }), 'api/list_users.yaml')
    expect(error).toBeInstanceOf(CannotOverwriteExistingCassetteError)
    expect(error.message).toBe(
      [
        `Cassette ${join(dir, 'api', 'list_users.yaml')} does not exist, and record mode 'none' does not record: GET https://h.test/users cannot be replayed.`,
        `Similar files in ${join(dir, 'api')}: list-users.yaml, list-user.yml, lists-users.json`,
        "Record it with recordMode 'once' or 'new_episodes' (or VCR_RECORD_MODE=once), or fix the cassette's name.",
      ].join('\n'),
    )
  })

  it('says so when the folder is missing or holds nothing alike, and under CI says where to record', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
    expect((await failure(vcr, 'nowhere/x.yaml')).message).toContain(`\nThe folder ${join(dir, 'nowhere')} does not exist either.\n`)
    await writeFile(join(dir, 'completely-different-name.yaml'), '')
    expect((await failure(vcr, 'x.yaml')).message).toContain(`\nNo file in ${dir} has a similar name.\n`)
    vi.stubEnv('CI', 'true')
    expect((await failure(vcr, 'x.yaml')).message).toMatch(/\nRecord the cassette where CI is not set .*, or fix the cassette's name\.$/)
  })

  it('lists no folder for a custom persister, whose cassettes are not files', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
    vcr.registerPersister(new MemoryPersister())
    const message = (await failure(vcr, 'x.yaml')).message
    expect(message.split('\n')).toHaveLength(2)
    expect(message).toMatch(/^Cassette .* does not exist/)
  })
})
