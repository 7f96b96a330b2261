import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Cassette } from '../cassette.js'
import { InvalidOptionError, SecretInCassetteError, VcrError } from '../errors.js'
import { handleRequest } from '../handle-request.js'
import { Request, type RequestInit } from '../request.js'
import { Response, type ResponseInit } from '../response.js'
import { VCR } from '../vcr.js'
import { FAKE } from './fake-secrets.test-support.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vcrjs-secret-scan-'))
})
afterEach(async () => {
  vi.restoreAllMocks()
  await rm(dir, { recursive: true, force: true })
})

/** Sends `init` through the cassette; the network answers `answer`. */
async function send(cassette: Cassette, init: RequestInit, answer: ResponseInit = { status: 200, body: 'ok' }): Promise<void> {
  await handleRequest({ cassette, request: new Request(init), sendReal: async () => new Response(answer) })
}

const leaky: ResponseInit = { status: 200, headers: [['Content-Type', 'application/json']], body: JSON.stringify({ token: FAKE.github[0] }) }

describe("secretScan: 'error' (the default)", () => {
  it('refuses to save, names interaction, location, kind and fix but not the value, and leaves the old file byte for byte', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'new_episodes' })
    await vcr.useCassette('c.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/clean' }))
    const before = await readFile(join(dir, 'c.yaml'))
    const error = await vcr
      .useCassette('c.yaml', async (c) => {
        await send(c, { method: 'GET', url: 'http://h.test/clean' })
        await send(c, { method: 'GET', url: 'http://h.test/token' }, leaky)
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SecretInCassetteError)
    expect(error).toBeInstanceOf(VcrError)
    const { code, message, findings, cassettePath } = error as SecretInCassetteError
    expect(code).toBe('VCR_SECRET_IN_CASSETTE')
    expect(cassettePath).toBe(join(dir, 'c.yaml'))
    expect(findings).toEqual([{ interaction: 1, location: 'response body', kind: 'GitHub token', fix: expect.stringContaining('sensitiveData') }])
    expect(message).toContain('interactions[1] response body: GitHub token')
    expect(message).toContain("sensitiveData: { '<GITHUB_TOKEN>'")
    expect(message).not.toContain(FAKE.github[0])
    expect(Buffer.compare(await readFile(join(dir, 'c.yaml')), before)).toBe(0)
  })

  it('a new cassette with a secret is not created at all', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    await expect(vcr.useCassette('new.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/' }, leaky))).rejects.toThrow(SecretInCassetteError)
    await expect(readFile(join(dir, 'new.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('a Bearer credential in a header the defaults do not filter is caught, with the filterHeaders fix', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const error = await vcr
      .useCassette('h.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/', headers: { 'X-Upstream-Authorization': 'Bearer abc123def456' } }))
      .then(
        () => expect.fail('the save should have been refused'),
        (e: unknown) => e as SecretInCassetteError,
      )
    expect(error.findings).toEqual([
      { interaction: 0, location: 'request header X-Upstream-Authorization', kind: 'bearer credential', fix: "filterHeaders: ['x-upstream-authorization']" },
    ])
  })

  it('the fix it names works: with that option the same run saves', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, sensitiveData: { '<GITHUB_TOKEN>': FAKE.github[0] } })
    await vcr.useCassette('fixed.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/token' }, leaky))
    const text = await readFile(join(dir, 'fixed.yaml'), 'utf8')
    expect(text).toContain('<GITHUB_TOKEN>')
    expect(text).not.toContain(FAKE.github[0])
  })
})

describe("secretScan: 'warn' and 'off'", () => {
  it("'warn' saves and emits one warning per cassette, however many findings", async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const vcr = new VCR({ cassetteLibraryDir: dir, secretScan: 'warn' })
    await vcr.useCassette('w.yaml', async (c) => {
      await send(c, { method: 'GET', url: 'http://h.test/1' }, leaky)
      await send(c, { method: 'GET', url: `http://h.test/2?key=${FAKE.google}` }, leaky)
    })
    expect(await readFile(join(dir, 'w.yaml'), 'utf8')).toContain(FAKE.github[0])
    expect(warn).toHaveBeenCalledTimes(1)
    const [message, options] = warn.mock.calls[0]!
    expect(options).toMatchObject({ code: 'VCR_SECRET_IN_CASSETTE' })
    expect(message).toContain('interactions[0] response body: GitHub token')
    expect(message).toContain('interactions[1] request url: Google API key')
    expect(String(message)).not.toContain(FAKE.github[0])
    expect(String(message)).not.toContain(FAKE.google)
  })

  it("'off' saves without a warning", async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const vcr = new VCR({ cassetteLibraryDir: dir, secretScan: 'off' })
    await vcr.useCassette('o.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/' }, leaky))
    expect(await readFile(join(dir, 'o.yaml'), 'utf8')).toContain(FAKE.github[0])
    expect(warn).not.toHaveBeenCalled()
  })

  it('an unknown mode fails at construction with the allowed values', () => {
    expect(() => new VCR({ secretScan: 'loud' as never })).toThrow(InvalidOptionError)
    expect(() => new VCR({ secretScan: 'loud' as never })).toThrow("'error', 'warn', 'off'")
  })
})

describe('what is scanned', () => {
  it('interactions loaded from the file are scanned too when the cassette is saved again', async () => {
    const path = join(dir, 'old.yaml')
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'new_episodes', secretScan: 'off' })
    await vcr.useCassette('old.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/old' }, leaky))
    const before = await readFile(path)
    const error = await vcr
      .useCassette('old.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/new' }), { secretScan: 'error' })
      .then(
        () => expect.fail('the save should have been refused'),
        (e: unknown) => e as SecretInCassetteError,
      )
    expect(error.findings.map((finding) => finding.interaction)).toEqual([0])
    expect(Buffer.compare(await readFile(path), before)).toBe(0)
  })

  it('a cassette that only replays is not saved, so not scanned', async () => {
    const vcr = new VCR({ cassetteLibraryDir: dir, secretScan: 'off' })
    await vcr.useCassette('replay.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/' }, leaky))
    await new VCR({ cassetteLibraryDir: dir }).useCassette('replay.yaml', (c) => send(c, { method: 'GET', url: 'http://h.test/' }), { recordMode: 'none' })
  })
})
