import { readdir } from 'node:fs/promises'
import { handleRequest, VCR } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { tempCassetteDir } from '../support/temp.js'
import { dotFiles, startWriter } from './support.js'

const TRIALS = 30
/** Interactions a writer adds per save, the size of each body, and how many the cassette holds at the start. */
const PER_SAVE = 40
const BODY_BYTES = 4_000
const INITIAL = 100

describe('a writer killed (SIGKILL) at a random moment of its saves', () => {
  it(`${TRIALS} trials: the cassette is absent, the old or the new one, and loads; the next save leaves no temporary file or lock`, async () => {
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const outcomes = { absent: 0, unchanged: 0, written: 0, leftBehind: 0 }
    // A large cassette to start from (about 400 KB and growing), so that every save writes hundreds of kilobytes.
    await vcr.useCassette('big.yaml', async (cassette) => {
      for (let i = 0; i < INITIAL; i++) {
        await handleRequest({ cassette, request: { method: 'GET', url: `http://fault.test/initial/${i}` }, sendReal: async () => ({ status: { code: 200 }, body: 'i'.repeat(BODY_BYTES) }) })
      }
    })
    let lengthBefore = INITIAL
    for (let trial = 0; trial < TRIALS; trial++) {
      const writer = startWriter(['save-loop', dir, 'big.yaml', String(PER_SAVE), String(BODY_BYTES)])
      await writer.next('saving ')
      // Somewhere in the first saves: each takes tens of milliseconds (a loaded machine: more).
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 300))
      writer.child.kill('SIGKILL')
      expect((await writer.exited).signal).toBe('SIGKILL')
      // What the cassette may hold: what the last finished save wrote, or what the one under way writes.
      const last = (word: string) => Math.max(lengthBefore, ...writer.printed.filter((line) => line.startsWith(`${word} `)).map((line) => Number(line.split(' ')[1])))
      const allowed = new Set([last('saved'), last('saving')])
      if ((await dotFiles(dir)).length > 0) outcomes.leftBehind++
      const cassette = await vcr.insertCassette('big.yaml', { recordMode: 'none' })
      await cassette.eject()
      expect(allowed.has(cassette.length), `${cassette.length} interactions, expected one of ${[...allowed]}`).toBe(true)
      if (cassette.length === 0) outcomes.absent++ // never, since the cassette exists from the start; counted to prove it
      else if (cassette.length === lengthBefore) outcomes.unchanged++
      else outcomes.written++
      lengthBefore = cassette.length
      // The next save of the cassette sweeps what the killed writer left and leaves nothing of its own.
      await vcr.useCassette('big.yaml', async (next) => {
        await handleRequest({ cassette: next, request: { method: 'GET', url: `http://fault.test/parent/${trial}` }, sendReal: async () => ({ status: { code: 200 } }) })
      }, { recordMode: 'new_episodes' })
      lengthBefore++
      expect(await readdir(dir)).toEqual(['big.yaml'])
    }
    console.log(
      `SIGKILL trials: ${TRIALS}; after the kill the cassette was absent ${outcomes.absent}, unchanged ${outcomes.unchanged}, ` +
        `written by the killed writer ${outcomes.written} times; a temporary file or lock was left ${outcomes.leftBehind} times and swept by the next save`,
    )
    expect(outcomes.absent + outcomes.unchanged + outcomes.written).toBe(TRIALS)
  }, 180_000)
})
