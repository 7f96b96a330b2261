import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CassetteSaveError, type Interaction, Request, Response } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { tempCassetteDir } from '../../../test/support/temp.js'
import { readCassetteFile, serializeCassette, writeCassetteText } from './cassette-file.js'
import { CannotHoldError } from './errors.js'

const CASSETTE = 'interactions:\n- request:\n    body: null\n    headers: {}\n    method: GET\n    uri: http://127.0.0.1:9/a\n  response:\n    body:\n      string: a\n    headers: {}\n    status:\n      code: 200\n      message: OK\nversion: 1\n'

describe('writeCassetteText', () => {
  it('rewrites a file it read, and refuses (writing nothing) when another writer changed it since', async () => {
    const path = join(await tempCassetteDir(), 'a.yaml')
    await writeFile(path, CASSETTE)
    await writeCassetteText(path, 'rewritten\n', await readCassetteFile(path))
    expect(await readFile(path, 'utf8')).toBe('rewritten\n')

    await writeFile(path, CASSETTE)
    const read = await readCassetteFile(path)
    await writeFile(path, CASSETTE.replace('string: a', 'string: saved by a test run'))
    const error = (await writeCassetteText(path, 'rewritten\n', read).catch((e: unknown) => e)) as CassetteSaveError
    expect(error).toBeInstanceOf(CassetteSaveError)
    expect(error.code).toBe('VCR_CASSETTE_SAVE')
    expect(error.message).toBe(
      `Cannot save cassette ${path}: it changed since vcrjs read it (another process, a test run perhaps, wrote it), so nothing was written; run the command again. The previous file, if any, is intact.`,
    )
    expect(await readFile(path, 'utf8')).toContain('saved by a test run')
  })
})

describe('serializeCassette', () => {
  const binary = Buffer.from([0xff, 0xfe, 0x00])
  const interaction = (body: Buffer | null, responseBody: Buffer): Interaction => ({
    request: new Request({ method: 'PUT', url: 'http://127.0.0.1:9/up', body }),
    response: new Response({ status: { code: 200, message: 'OK' }, headers: [], body: responseBody }),
  })

  it.each([
    ['json', interaction(null, binary), "interaction 0 has a binary response body (3 bytes, not UTF-8), which vcrpy's JSON format cannot hold (vcrpy refuses to write or read one). Convert to yaml or ruby-yaml instead, which keep the bytes exactly."],
    ['har', interaction(binary, Buffer.from('ok')), 'interaction 0 has a binary request body (3 bytes, not UTF-8), which HAR 1.2 cannot hold (postData is text only). Keep this cassette in yaml or ruby-yaml.'],
  ] as const)('refuses what %s cannot hold with a CannotHoldError naming the interaction and a format that can', (format, held, message) => {
    let thrown: unknown
    try {
      serializeCassette(format, [held])
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(CannotHoldError)
    expect(thrown).toMatchObject({ code: 'VCR_CLI_CANNOT_HOLD', exitCode: 1, message })
  })
})

describe('readCassetteFile', () => {
  it('fails on a JSON cassette whose response is broken with the message a broken file gets, though the core parses responses when first read', async () => {
    const json = JSON.stringify(
      { interactions: [{ request: { body: null, headers: {}, method: 'GET', uri: 'http://127.0.0.1:9/a' }, response: { body: { string: 'a' }, headers: {}, status: { code: 200, message: 'OK' } } }], version: 1 },
      null,
      4,
    )
    const dir = await tempCassetteDir()
    const brokenResponse = join(dir, 'response.json')
    const brokenRequest = join(dir, 'request.json')
    await writeFile(brokenResponse, `${json.replace('"string": "a"', '"string": "\\q"')}\n`)
    await writeFile(brokenRequest, `${json.replace('"method": "GET"', '"method": "\\q"')}\n`)
    const problem = async (path: string) => ((await readCassetteFile(path).catch((e: unknown) => e)) as Error).message.slice(path.length)
    expect(await problem(brokenResponse)).toMatch(/^: its content cannot be deserialized \(not valid JSON: Bad escaped character in JSON at position \d+/)
    // The same message as a file the core fails at load, but for where the bad escape is.
    const unplaced = (message: string) => message.replace(/ at position \d+.*$/, '')
    expect(unplaced(await problem(brokenResponse))).toBe(unplaced(await problem(brokenRequest)))
  })
})
