import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { IN_FLIGHT_WAIT_MS } from './cassette.js'
import { CassetteEjectedError, CassetteSaveError } from './errors.js'
import { handleRequest } from './handle-request.js'
import { MemoryPersister } from './persisters/memory.js'
import type { ResponseInit } from './response.js'
import { yamlSerializer } from './serializers/yaml.js'
import { VCR } from './vcr.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-eject-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

const answer = (body: string): ResponseInit => ({ status: { code: 200 }, body })

describe('eject and requests in flight', () => {
  it('waits for a request still in flight and saves it', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const cassette = await vcr.insertCassette('c.yaml')
    const network = deferred<ResponseInit>()
    const events: string[] = []
    const request = handleRequest({ cassette, request: { method: 'GET', url: 'http://h.test/slow' }, sendReal: () => network.promise }).then(() => events.push('answered'))
    const ejected = cassette.eject().then(() => events.push('ejected'))
    // Let eject run as far as it can without the answer.
    await new Promise((resolve) => setImmediate(resolve))
    events.push('network answers')
    network.resolve(answer('late'))
    await Promise.all([request, ejected])
    expect(events).toEqual(['network answers', 'answered', 'ejected'])
    expect(await readFile(join(dir, 'c.yaml'), 'utf8')).toContain('http://h.test/slow')
  })

  it(`gives up after ${IN_FLIGHT_WAIT_MS / 1000} s: saves the rest, fails loudly, and the late request fails instead of being dropped`, async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const persister = new MemoryPersister()
      const vcr = new VCR()
      vcr.registerPersister(persister)
      const cassette = await vcr.insertCassette('/c.yaml')
      await handleRequest({ cassette, request: { method: 'GET', url: 'http://h.test/quick' }, sendReal: async () => answer('quick') })
      const network = deferred<ResponseInit>()
      const late = handleRequest({ cassette, request: { method: 'GET', url: 'http://h.test/hung' }, sendReal: () => network.promise }).catch((e: unknown) => e)
      const ejected = cassette.eject().catch((e: unknown) => e)
      await vi.advanceTimersByTimeAsync(IN_FLIGHT_WAIT_MS)
      const error = (await ejected) as CassetteSaveError
      expect(error).toBeInstanceOf(CassetteSaveError)
      expect(error.message).toContain('1 request(s) through it were still in flight 30 s after eject() and were not saved')
      expect(persister.files.get('/c.yaml')).toContain('http://h.test/quick')
      expect(persister.files.get('/c.yaml')).not.toContain('http://h.test/hung')
      network.resolve(answer('too late'))
      const lateError = (await late) as CassetteEjectedError
      expect(lateError).toBeInstanceOf(CassetteEjectedError)
      expect(lateError.message).toContain('was ejected while this request was in flight, and eject() stopped waiting for it: its response was not recorded')
    } finally {
      vi.useRealTimers()
    }
  })

  it('does not wait for a request that will not be recorded (an ignored host)', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, ignoreHosts: ['ignored.test'] })
    const cassette = await vcr.insertCassette('c.yaml')
    const network = deferred<ResponseInit>()
    const events: string[] = []
    const request = handleRequest({ cassette, request: { method: 'GET', url: 'http://ignored.test/poll' }, sendReal: () => network.promise }).then(() => events.push('answered'))
    await cassette.eject()
    events.push('ejected')
    network.resolve(answer('poll'))
    await request
    expect(events).toEqual(['ejected', 'answered'])
  })

  it('a second eject() resolves only when the first one has saved', async () => {
    const saving = deferred<void>()
    const events: string[] = []
    const persister = new MemoryPersister()
    const vcr = new VCR()
    vcr.registerPersister({
      loadCassette: (path, serializer) => persister.loadCassette(path, serializer),
      saveCassette: async (path, data, serializer, options) => {
        await saving.promise
        await persister.saveCassette(path, data, serializer, options)
        events.push('saved')
      },
    })
    const cassette = await vcr.insertCassette('/c.yaml')
    await handleRequest({ cassette, request: { method: 'GET', url: 'http://h.test/a' }, sendReal: async () => answer('a') })
    const first = cassette.eject().then(() => events.push('first eject'))
    const second = cassette.eject().then(() => events.push('second eject'))
    await new Promise((resolve) => setImmediate(resolve))
    events.push('save may finish')
    saving.resolve()
    await Promise.all([first, second])
    expect(events).toEqual(['save may finish', 'saved', 'first eject', 'second eject'])
  })
})

describe('saving over a file that changed since the load', () => {
  it('reads the file again only when another writer changed it', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const deserialize = vi.fn(yamlSerializer.deserialize)
    vcr.registerSerializer('counted', { serialize: yamlSerializer.serialize, deserialize })
    const record = (path: string) =>
      vcr.useCassette('c.yaml', (cassette) => handleRequest({ cassette, request: { method: 'GET', url: `http://h.test${path}` }, sendReal: async () => answer(path) }), {
        recordMode: 'new_episodes',
        serializer: 'counted',
      })
    await record('/a')
    deserialize.mockClear()
    await record('/b')
    expect(deserialize).toHaveBeenCalledTimes(1) // the load only: nobody changed the file
    deserialize.mockClear()
    const cassette = await vcr.insertCassette('c.yaml', { recordMode: 'new_episodes', serializer: 'counted' })
    await handleRequest({ cassette, request: { method: 'GET', url: 'http://h.test/c' }, sendReal: async () => answer('c') })
    await record('/d')
    await cassette.eject()
    // Two loads; '/d' saves over the file it loaded, the cassette over the one '/d' wrote since.
    expect(deserialize).toHaveBeenCalledTimes(3)
    const urls = await vcr.useCassette('c.yaml', (c) => c.requests.map((request) => request.path), { recordMode: 'none' })
    expect(urls).toEqual(['/a', '/b', '/c', '/d'])
  })

  it('refuses to overwrite a file that became unreadable meanwhile (record mode new_episodes)', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const cassette = await vcr.insertCassette('c.yaml', { recordMode: 'new_episodes' })
    await handleRequest({ cassette, request: { method: 'GET', url: 'http://h.test/a' }, sendReal: async () => answer('a') })
    await writeFile(join(dir, 'c.yaml'), 'interactions: [\n')
    const error = await cassette.eject().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CassetteSaveError)
    expect((error as Error).message).toContain('the file changed since the cassette was loaded and cannot be read now')
    expect(await readFile(join(dir, 'c.yaml'), 'utf8')).toBe('interactions: [\n')
  })
})

describe('MemoryPersister', () => {
  it('merges two cassettes of one path saved one after the other, as the filesystem does', async () => {
    const vcr = new VCR()
    vcr.registerPersister(new MemoryPersister())
    const first = await vcr.insertCassette('/m.yaml')
    const second = await vcr.insertCassette('/m.yaml')
    await handleRequest({ cassette: first, request: { method: 'GET', url: 'http://h.test/1' }, sendReal: async () => answer('1') })
    await handleRequest({ cassette: second, request: { method: 'GET', url: 'http://h.test/2' }, sendReal: async () => answer('2') })
    await first.eject()
    await second.eject()
    const paths = await vcr.useCassette('/m.yaml', (cassette) => cassette.requests.map((request) => request.path), { recordMode: 'none' })
    expect(paths).toEqual(['/2', '/1'])
  })
})
