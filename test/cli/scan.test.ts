import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempCassetteDir } from '../support/temp.js'
import { writeCassette } from './cassettes.js'
import { CREDENTIALS, lookAlikes, plantedInteractions } from './planted.js'
import { CLI, runCli } from './run-cli.js'

interface ScanReport {
  findings: Array<{ file: string; line: number | null; interaction: number; location: string; kind: string; fix: string }>
  cassettes: number
  unreadable: Array<{ file: string; problem: string }>
}

const sortFindings = <T extends { interaction: number; location: string; kind: string }>(list: T[]) =>
  [...list].sort((a, b) => a.interaction - b.interaction || a.location.localeCompare(b.location) || a.kind.localeCompare(b.kind))

const secrets = Object.values(CREDENTIALS)

describe('vcrjs scan', () => {
  for (const [format, name] of [
    ['yaml', 'planted.yaml'],
    ['json', 'planted.json'],
    ['ruby-yaml', 'planted.yml'],
    ['ruby-json', 'planted.json'],
  ] as const) {
    it(`finds every planted credential in a ${format} cassette, on its own line, and never prints one`, async () => {
      const dir = await tempCassetteDir()
      const { interactions, expected } = plantedInteractions()
      const path = await writeCassette(join(dir, name), interactions, format)
      const run = await runCli(['scan', dir, '--json'])
      expect(run.code).toBe(1)
      const report = JSON.parse(run.stdout) as ScanReport
      expect(report.cassettes).toBe(1)
      expect(sortFindings(report.findings).map(({ interaction, location, kind }) => ({ interaction, location, kind }))).toEqual(
        sortFindings(expected).map(({ interaction, location, kind }) => ({ interaction, location, kind })),
      )
      const lines = (await readFile(path, 'utf8')).split('\n')
      for (const finding of report.findings) {
        const planted = expected.find((e) => e.interaction === finding.interaction && e.location === finding.location && e.kind === finding.kind)!
        expect(finding.file).toBe(path)
        expect(lines[finding.line! - 1], `${finding.kind} at ${finding.location}`).toContain(planted.value.slice(0, 12))
        expect(finding.fix).not.toBe('')
      }
      // The JWT sits in the Set-Cookie header and in the body: each finding points at its own line (one line in compact JSON).
      const cookie = report.findings.find((finding) => finding.location === 'response header Set-Cookie')!
      expect(lines[cookie.line! - 1]).toContain(`session=${CREDENTIALS.jwt}`)
      const text = await runCli(['scan', path])
      for (const secret of secrets) {
        expect(text.stdout + text.stderr).not.toContain(secret)
        expect(run.stdout + run.stderr).not.toContain(secret)
      }
      expect(text.stdout).toContain(`${path}:`)
      expect(text.stdout).toContain(`vcrjs scan: ${expected.length} credentials in 1 of 1 cassette;`)
    })
  }

  it('a HAR is scanned too', async () => {
    const dir = await tempCassetteDir()
    const { interactions, expected } = plantedInteractions()
    // The binary-free interactions convert to HAR as they are.
    const yaml = await writeCassette(join(dir, 'planted.yaml'), interactions)
    expect((await runCli(['convert', yaml, '--to', 'har', '-o', join(dir, 'planted.har')])).code).toBe(0)
    const run = await runCli(['scan', join(dir, 'planted.har'), '--json'])
    const report = JSON.parse(run.stdout) as ScanReport
    expect(report.findings).toHaveLength(expected.length)
    const lines = (await readFile(join(dir, 'planted.har'), 'utf8')).split('\n')
    const bearer = report.findings.find((finding) => finding.kind === 'bearer credential')!
    expect(lines[bearer.line! - 1]).toContain(CREDENTIALS.bearer)
  })

  it('UUIDs, git shas, hashes, a base64 image, a Stripe test key and placeholders are not flagged: exit 0', async () => {
    const dir = await tempCassetteDir()
    await writeCassette(join(dir, 'harmless.yaml'), lookAlikes())
    await writeFile(join(dir, 'sidecar.json'), JSON.stringify({ interactions: [{ method: 'GET', uri: 'x' }] }))
    const run = await runCli(['scan', dir])
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe('vcrjs scan: no credentials in 1 cassette\n')
    expect(run.code).toBe(0)
  })

  it('a file that cannot be read as a cassette is named on stderr and its raw text is scanned: clean exits 0, a credential exits 1', async () => {
    const dir = await tempCassetteDir()
    await writeCassette(join(dir, 'harmless.yaml'), lookAlikes())
    const broken = join(dir, 'broken.yaml')
    await writeFile(broken, 'interactions:\n- request: {\n')
    const clean = await runCli(['scan', dir, '--json'])
    expect(clean.code).toBe(0)
    const report = JSON.parse(clean.stdout) as ScanReport
    expect(report.findings).toEqual([])
    expect(report.cassettes).toBe(1)
    expect(report.unreadable.map((entry) => entry.file)).toEqual([broken])
    expect(clean.stderr).toContain(`cannot read ${broken}`)
    expect(clean.stderr).toContain('its text was scanned instead')

    await writeFile(broken, `interactions:\n- request: {\n    headers: {X-Token: [${CREDENTIALS.github}]\n`)
    const found = await runCli(['scan', dir, '--json'])
    expect(found.code).toBe(1)
    const { findings } = JSON.parse(found.stdout) as ScanReport
    expect(findings).toEqual([{ file: broken, line: 3, interaction: null, location: 'file text', kind: 'GitHub token', fix: expect.stringContaining('remove it from the file') }])
  })

  it('skips node_modules and draws no progress line when stderr is not a terminal', async () => {
    const dir = await tempCassetteDir()
    const { interactions } = plantedInteractions()
    await import('node:fs/promises').then(({ mkdir }) => mkdir(join(dir, 'node_modules', 'pkg'), { recursive: true }))
    await writeCassette(join(dir, 'node_modules', 'pkg', 'planted.yaml'), interactions)
    await writeCassette(join(dir, 'harmless.yaml'), lookAlikes())
    const run = await runCli(['scan', dir])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
  })

  it('draws a progress line on a terminal (util-linux script gives it one) and clears it before the results', async () => {
    const dir = await tempCassetteDir()
    for (const name of ['a', 'b', 'c']) await writeCassette(join(dir, `${name}.yaml`), lookAlikes())
    const command = [process.execPath, CLI, 'scan', dir].map((part) => `'${part}'`).join(' ')
    const output = await new Promise<string>((resolve, reject) => {
      execFile('script', ['-qec', command, '/dev/null'], (error, stdout) => (error ? reject(error) : resolve(stdout)))
    })
    expect(output).toContain('\r\x1b[Kvcrjs scan: 0/3 files, 0 findings')
    expect(output).toMatch(/\r\x1b\[Kvcrjs scan: no credentials in 3 cassettes\r?\n$/)
  })

  it('no path is a usage error (exit 2)', async () => {
    const run = await runCli(['scan'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('vcrjs scan: name at least one file or folder')
  })
})
