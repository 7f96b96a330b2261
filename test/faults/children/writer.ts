/**
 * A process that writes cassettes, for the fault tests (bundled by
 * global-setup.ts so it starts fast). Commands, as argv:
 *
 * - `record <dir> <name> <mode> <count> <tag>`: inserts the cassette, prints
 *   `loaded`, waits for a line on stdin, records `count` interactions
 *   (`GET http://fault.test/<tag>/<i>`) and ejects; prints `saved`.
 * - `save-loop <dir> <name> <count> <bodyBytes>`: forever, records `count` more
 *   interactions into the cassette (record mode `new_episodes`), printing
 *   `saving <n>` before each eject and `saved <n>` after, n being the cassette's
 *   interaction count once saved. The parent kills it at a random moment.
 */
import { createInterface } from 'node:readline'
import { handleRequest, VCR } from '../../../packages/core/src/index.js'
import type { RecordMode } from '../../../packages/core/src/index.js'

const [command, dir, name, ...rest] = process.argv.slice(2)
const vcr = new VCR({ cassetteLibraryDir: dir! })

function respond(body: string) {
  return async () => ({ status: { code: 200, message: 'OK' }, headers: [['content-type', 'text/plain'] as [string, string]], body })
}

if (command === 'record') {
  const [mode, count, tag] = rest as [RecordMode, string, string]
  const cassette = await vcr.insertCassette(name!, { recordMode: mode })
  process.stdout.write('loaded\n')
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()))
  for (let i = 0; i < Number(count); i++) {
    await handleRequest({ cassette, request: { method: 'GET', url: `http://fault.test/${tag}/${i}` }, sendReal: respond(`${tag} ${i}`) })
  }
  await cassette.eject()
  process.stdout.write('saved\n')
  process.exit(0)
} else if (command === 'save-loop') {
  const [count, bodyBytes] = rest.map(Number) as [number, number]
  const body = 'x'.repeat(bodyBytes)
  for (let round = 0; ; round++) {
    const cassette = await vcr.insertCassette(name!, { recordMode: 'new_episodes' })
    for (let i = 0; i < count; i++) {
      await handleRequest({ cassette, request: { method: 'GET', url: `http://fault.test/${round}/${i}` }, sendReal: respond(body) })
    }
    process.stdout.write(`saving ${cassette.length}\n`)
    await cassette.eject()
    process.stdout.write(`saved ${cassette.length}\n`)
  }
} else {
  throw new Error(`unknown command ${command}`)
}
