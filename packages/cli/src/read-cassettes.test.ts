import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempCassetteDir } from '../../../test/support/temp.js'
import { readCassettes } from './read-cassettes.js'

const CASSETTE = 'interactions:\n- request:\n    body: null\n    headers: {}\n    method: GET\n    uri: http://127.0.0.1:9/a\n  response:\n    body:\n      string: a\n    headers: {}\n    status:\n      code: 200\n      message: OK\nversion: 1\n'

describe('readCassettes', () => {
  it('hands back each cassette or why it cannot be read, in order; skips a non-cassette found in a folder, not a named one; tells beforeEach every index', async () => {
    const dir = await tempCassetteDir()
    const paths = ['good.yaml', 'broken.yaml', 'package.json', 'named.json'].map((name) => join(dir, name))
    await writeFile(paths[0]!, CASSETTE)
    await writeFile(paths[1]!, 'interactions:\n- request: [unclosed\n')
    await writeFile(paths[2]!, '{"name": "not a cassette"}')
    await writeFile(paths[3]!, '{"name": "not a cassette either"}')
    const found = [
      { path: paths[0]!, named: false },
      { path: paths[1]!, named: false },
      { path: paths[2]!, named: false },
      { path: paths[3]!, named: true },
    ]
    const indices: number[] = []
    const results = []
    for await (const read of readCassettes(found, { beforeEach: (index) => indices.push(index) })) {
      results.push('file' in read ? { path: read.path, interactions: read.file.interactions.length } : { path: read.path, code: read.unreadable.code, message: read.unreadable.message })
    }
    expect(indices).toEqual([0, 1, 2, 3])
    expect(results).toEqual([
      { path: paths[0], interactions: 1 },
      { path: paths[1], code: 'VCR_CLI_UNREADABLE', message: expect.stringMatching(new RegExp(`^${paths[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: its content cannot be deserialized \\(not valid YAML: `)) },
      { path: paths[3], code: 'VCR_CLI_NOT_A_CASSETTE', message: expect.stringContaining(`${paths[3]} is not a cassette`) },
    ])
  })
})
