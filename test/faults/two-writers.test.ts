import { readdir } from 'node:fs/promises'
import { handleRequest, type RecordMode, VCR } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { tempCassetteDir } from '../support/temp.js'
import { startWriter } from './support.js'

const TRIALS = { new_episodes: 5, all: 3 } as const
const PER_WRITER = 200

/** The URLs of the interactions stored in `dir/name`, in order. */
async function storedUrls(dir: string, name: string): Promise<string[]> {
  const vcr = new VCR({ cassetteLibraryDir: dir })
  return vcr.useCassette(name, (cassette) => cassette.requests.map((request) => request.url), { recordMode: 'none' })
}

/** Records `count` interactions tagged `tag` into `dir/name` in this process. */
async function recordHere(dir: string, name: string, mode: RecordMode, tag: string, count: number): Promise<void> {
  const vcr = new VCR({ cassetteLibraryDir: dir })
  await vcr.useCassette(name, async (cassette) => {
    for (let i = 0; i < count; i++) {
      const body = `${tag} ${i}`
      await handleRequest({ cassette, request: { method: 'GET', url: `http://fault.test/${tag}/${i}` }, sendReal: async () => ({ status: { code: 200 }, body }) })
    }
  }, { recordMode: mode })
}

const urls = (tag: string, count: number) => Array.from({ length: count }, (_, i) => `http://fault.test/${tag}/${i}`)

/**
 * Two processes load the same cassette, then (on the same signal) record and
 * save it at once, TRIALS[mode] times; returns what should be stored and what is.
 */
async function twoProcesses(mode: keyof typeof TRIALS, dir: string, name: string): Promise<{ expected: string[]; stored: string[] }> {
  const expected: string[] = []
  for (let trial = 0; trial < TRIALS[mode]; trial++) {
    const writers = ['a', 'b'].map((who) => startWriter(['record', dir, name, mode, String(PER_WRITER), `${who}${trial}`]))
    await Promise.all(writers.map((writer) => writer.next('loaded')))
    for (const writer of writers) writer.child.stdin!.write('go\n')
    await Promise.all(writers.map((writer) => writer.next('saved')))
    expect((await Promise.all(writers.map((writer) => writer.exited))).map(({ code }) => code)).toEqual([0, 0])
    // `all` replaces what was stored before the trial: only this trial's two writers remain.
    if (mode === 'all') expected.length = 0
    expected.push(...urls(`a${trial}`, PER_WRITER), ...urls(`b${trial}`, PER_WRITER))
  }
  const stored = await storedUrls(dir, name)
  const lost = expected.filter((url) => !stored.includes(url)).length
  console.log(`two processes, ${mode}: ${TRIALS[mode]} trials, ${expected.length} interactions expected at the end, ${lost} lost, ${stored.length - new Set(stored).size} stored twice`)
  return { expected, stored }
}

describe('two writers of one cassette lose nothing', () => {
  it(`two processes, new_episodes, ${TRIALS.new_episodes} trials of 2 x ${PER_WRITER} interactions: 0 lost, none twice`, async () => {
    const dir = await tempCassetteDir()
    const { expected, stored } = await twoProcesses('new_episodes', dir, 'shared.yaml')
    expect(stored.length).toBe(TRIALS.new_episodes * 2 * PER_WRITER)
    expect([...stored].sort()).toEqual([...expected].sort())
    expect((await readdir(dir)).sort()).toEqual(['shared.yaml'])
  }, 180_000)

  it(`two processes, all: each trial replaces the older trials and keeps both of its writers`, async () => {
    const dir = await tempCassetteDir()
    await recordHere(dir, 'shared.yaml', 'new_episodes', 'old', 10)
    const { expected, stored } = await twoProcesses('all', dir, 'shared.yaml')
    expect([...stored].sort()).toEqual([...expected].sort())
    expect(stored.length).toBe(2 * PER_WRITER)
  }, 180_000)

  it('two concurrent scopes of one process, new_episodes over an existing cassette: 0 lost, the loaded ones once', async () => {
    const dir = await tempCassetteDir()
    await recordHere(dir, 'shared.yaml', 'new_episodes', 'old', 10)
    await Promise.all([recordHere(dir, 'shared.yaml', 'new_episodes', 'x', 50), recordHere(dir, 'shared.yaml', 'new_episodes', 'y', 50)])
    const stored = await storedUrls(dir, 'shared.yaml')
    expect([...stored].sort()).toEqual([...urls('old', 10), ...urls('x', 50), ...urls('y', 50)].sort())
  })

  it('dropUnusedRequests drops what this run did not play, and keeps what another writer added meanwhile', async () => {
    const dir = await tempCassetteDir()
    await recordHere(dir, 'shared.yaml', 'new_episodes', 'old', 3)
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await vcr.useCassette('shared.yaml', async (cassette) => {
      // Plays old/0 only, records mine/0; meanwhile another writer adds other/0..1.
      await handleRequest({ cassette, request: { method: 'GET', url: 'http://fault.test/old/0' }, sendReal: async () => ({ status: { code: 500 } }) })
      await handleRequest({ cassette, request: { method: 'GET', url: 'http://fault.test/mine/0' }, sendReal: async () => ({ status: { code: 200 } }) })
      await recordHere(dir, 'shared.yaml', 'new_episodes', 'other', 2)
    }, { recordMode: 'new_episodes', dropUnusedRequests: true })
    expect(await storedUrls(dir, 'shared.yaml')).toEqual(['http://fault.test/old/0', 'http://fault.test/mine/0', ...urls('other', 2)])
  })
})
