import { spawnSync } from 'node:child_process'
import { chmod, chown, lstat, mkdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { type Cassette, CassetteLoadError, CassetteSaveError, handleRequest, type RecordMode, VCR } from '@vcrjs/core'
import { describe, expect, it, vi } from 'vitest'
import { saveFile } from '../../packages/core/src/persisters/filesystem.js'
import { yamlSerializer } from '../../packages/core/src/serializers/yaml.js'
import { tempCassetteDir } from '../support/temp.js'
import { dotFiles, mountTmpfs, remountReadOnly } from './support.js'

async function record(cassette: Cassette, path: string, body = 'ok'): Promise<void> {
  await handleRequest({ cassette, request: { method: 'GET', url: `http://fault.test${path}` }, sendReal: async () => ({ status: { code: 200 }, body }) })
}

/** Records one interaction per path into `dir/name` (record mode new_episodes). */
async function save(dir: string, name: string, paths: string[], body = 'ok', recordMode: RecordMode = 'new_episodes'): Promise<void> {
  await new VCR({ cassetteLibraryDir: dir }).useCassette(name, async (cassette) => {
    for (const path of paths) await record(cassette, path, body)
  }, { recordMode })
}

async function storedPaths(dir: string, name: string): Promise<string[]> {
  return new VCR({ cassetteLibraryDir: dir }).useCassette(name, (cassette) => cassette.requests.map((request) => request.path), { recordMode: 'none' })
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: Error & { code?: string }) => error,
  )
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!
}

describe('a full disk', () => {
  it('fails the save with CassetteSaveError naming the file and the fix; the old cassette stays and no temporary file is left', async () => {
    const dir = mountTmpfs('1m')
    await save(dir, 'c.yaml', ['/old'])
    const before = await readFile(join(dir, 'c.yaml'))
    // Fill the disk, leaving 128 KB: room for the lock, not for the new cassette.
    await writeFile(join(dir, 'reserve'), Buffer.alloc(128 * 1024))
    await writeFile(join(dir, 'filler'), Buffer.alloc(2 * 1024 * 1024)).catch((error: NodeJS.ErrnoException) => expect(error.code).toBe('ENOSPC'))
    await rm(join(dir, 'reserve'))
    const error = await rejection(save(dir, 'c.yaml', ['/new'], 'x'.repeat(512 * 1024)))
    expect(error).toBeInstanceOf(CassetteSaveError)
    expect(error.code).toBe('VCR_CASSETTE_SAVE')
    expect(error.message).toContain(join(dir, 'c.yaml'))
    expect(error.message).toContain('the disk is full (ENOSPC); free some space and run again')
    expect(await readFile(join(dir, 'c.yaml'))).toEqual(before)
    expect(await dotFiles(dir)).toEqual([])
    // With space again, the same save goes through.
    await rm(join(dir, 'filler'))
    await save(dir, 'c.yaml', ['/new'], 'x'.repeat(512 * 1024))
    expect(await storedPaths(dir, 'c.yaml')).toEqual(['/old', '/new'])
  })
})

describe('a read-only folder', () => {
  it('fails the save with CassetteSaveError saying so; the cassette still replays', async () => {
    const dir = mountTmpfs('1m')
    await save(dir, 'c.yaml', ['/old'])
    const before = await readFile(join(dir, 'c.yaml'))
    remountReadOnly(dir)
    const error = await rejection(save(dir, 'c.yaml', ['/new']))
    expect(error).toBeInstanceOf(CassetteSaveError)
    expect(error.message).toContain(join(dir, 'c.yaml'))
    expect(error.message).toContain("the file system is read-only (EROFS); point cassetteLibraryDir at a writable folder, or use recordMode 'none'")
    expect(await readFile(join(dir, 'c.yaml'))).toEqual(before)
    expect(await storedPaths(dir, 'c.yaml')).toEqual(['/old'])
  })
})

describe('paths the file system refuses', () => {
  it('a cassette folder that is a file: CassetteLoadError / CassetteSaveError (ENOTDIR), not a raw error from the cleanup', async () => {
    const dir = await tempCassetteDir()
    await writeFile(join(dir, 'plain-file'), 'not a folder')
    const folder = join(dir, 'plain-file', 'sub')
    const loading = await rejection(save(folder, 'c.yaml', ['/a']))
    expect(loading).toBeInstanceOf(CassetteLoadError)
    expect(loading.message).toContain(join(folder, 'c.yaml'))
    expect(loading.message).toContain('a part of the path is a file, not a folder (ENOTDIR)')
    // Record mode `all` does not need the old file, so it gets as far as saving.
    const saving = await rejection(save(folder, 'c.yaml', ['/a'], 'ok', 'all'))
    expect(saving).toBeInstanceOf(CassetteSaveError)
    expect(saving.message).toContain(join(folder, 'c.yaml'))
    expect(saving.message).toContain('a part of the path is a file, not a folder (ENOTDIR)')
  })

  it('a name longer than the file system allows: CassetteLoadError at insertion, naming the fix', async () => {
    const dir = await tempCassetteDir()
    const error = await rejection(new VCR({ cassetteLibraryDir: dir }).insertCassette(`${'n'.repeat(300)}.yaml`))
    expect(error).toBeInstanceOf(CassetteLoadError)
    expect(error.message).toContain('too long for the file system (ENAMETOOLONG); use a shorter cassette name')
  })

  it('names of 236 to 255 bytes (ASCII and UTF-8) are saved and loaded, with temporary and lock names that fit', async () => {
    const dir = await tempCassetteDir()
    const names = [`${'a'.repeat(231)}.yaml`, `${'b'.repeat(250)}.yaml`, `${'é'.repeat(125)}.yaml`]
    expect(names.map((name) => Buffer.byteLength(name))).toEqual([236, 255, 255])
    for (const name of names) {
      await save(dir, name, ['/one'])
      await save(dir, name, ['/two'])
      expect(await storedPaths(dir, name)).toEqual(['/one', '/two'])
    }
    expect(await dotFiles(dir)).toEqual([])
  })
})

describe('what a save keeps', () => {
  it("the file's mode, and its owner when root saves it (the fault suite runs as root)", async () => {
    expect(process.getuid!(), 'the fault suite runs as root, as CI does').toBe(0)
    const dir = await tempCassetteDir()
    await save(dir, 'c.yaml', ['/a'])
    await chmod(join(dir, 'c.yaml'), 0o640)
    await chown(join(dir, 'c.yaml'), 1234, 5678)
    await save(dir, 'c.yaml', ['/b'])
    const saved = await stat(join(dir, 'c.yaml'))
    expect({ mode: saved.mode & 0o7777, uid: saved.uid, gid: saved.gid }).toEqual({ mode: 0o640, uid: 1234, gid: 5678 })
  })

  it('a symbolic link: the file it points to is updated, the link stays a link', async () => {
    const dir = await tempCassetteDir()
    await mkdir(join(dir, 'real'))
    await save(join(dir, 'real'), 'c.yaml', ['/a'])
    await mkdir(join(dir, 'cassettes'))
    await symlink('../real/c.yaml', join(dir, 'cassettes', 'c.yaml'))
    await save(join(dir, 'cassettes'), 'c.yaml', ['/b'])
    expect((await lstat(join(dir, 'cassettes', 'c.yaml'))).isSymbolicLink()).toBe(true)
    expect(await readlink(join(dir, 'cassettes', 'c.yaml'))).toBe('../real/c.yaml')
    expect(await storedPaths(join(dir, 'real'), 'c.yaml')).toEqual(['/a', '/b'])
    expect(await dotFiles(join(dir, 'cassettes'))).toEqual([])
  })

  it('flushes the file before the rename and the folder after it', async () => {
    const dir = await tempCassetteDir()
    const handle = await import('node:fs/promises').then((fs) => fs.open(join(dir, 'probe'), 'w'))
    const sync = vi.spyOn(Object.getPrototypeOf(handle) as { sync(): Promise<void> }, 'sync')
    await handle.close()
    try {
      await save(dir, 'c.yaml', ['/a'])
      expect(sync).toHaveBeenCalledTimes(2)
    } finally {
      sync.mockRestore()
    }
  })
})

describe('temporary files and locks left by others', () => {
  it("removes a dead writer's temporary file and keeps a live writer's", async () => {
    const dir = await tempCassetteDir()
    await save(dir, 'c.yaml', ['/a'])
    const dead = `.c.yaml.${deadPid()}.0123abcd.tmp`
    // pid 1 (init) is alive as long as the machine is.
    const live = '.c.yaml.1.89abcdef.tmp'
    await writeFile(join(dir, dead), 'half a cassette')
    await writeFile(join(dir, live), 'being written')
    await save(dir, 'c.yaml', ['/b'])
    expect(await dotFiles(dir)).toEqual([live])
  })

  it('breaks the lock of a dead process and saves', async () => {
    const dir = await tempCassetteDir()
    await writeFile(join(dir, '.c.yaml.lock'), JSON.stringify({ pid: deadPid(), host: hostname(), time: new Date().toISOString(), nonce: 'x' }))
    await save(dir, 'c.yaml', ['/a'])
    expect(await storedPaths(dir, 'c.yaml')).toEqual(['/a'])
    expect(await dotFiles(dir)).toEqual([])
  })

  it("breaks a lock older than the stale age, whoever's it is", async () => {
    const dir = await tempCassetteDir()
    await writeFile(join(dir, '.c.yaml.lock'), JSON.stringify({ pid: 1, host: 'elsewhere', time: new Date(Date.now() - 3_600_000).toISOString(), nonce: 'x' }))
    await save(dir, 'c.yaml', ['/a'])
    expect(await dotFiles(dir)).toEqual([])
  })

  it('waits for a live writer, then fails with CassetteSaveError naming the lock and its owner; the cassette is untouched', async () => {
    const dir = await tempCassetteDir()
    await save(dir, 'c.yaml', ['/a'])
    const before = await readFile(join(dir, 'c.yaml'))
    const lock = join(dir, '.c.yaml.lock')
    await writeFile(lock, JSON.stringify({ pid: 1, host: hostname(), time: new Date().toISOString(), nonce: 'x' }))
    const error = await rejection(saveFile(join(dir, 'c.yaml'), { interactions: [], version: 1 }, yamlSerializer, undefined, { waitMs: 50, staleMs: 60_000 }))
    expect(error).toBeInstanceOf(CassetteSaveError)
    expect(error.message).toContain(`another writer holds its lock ${lock} (pid 1 on host ${hostname()}`)
    expect(error.message).toContain('delete the lock file if that process is gone')
    expect(await readFile(join(dir, 'c.yaml'))).toEqual(before)
    expect(await dotFiles(dir)).toEqual(['.c.yaml.lock'])
  })
})
