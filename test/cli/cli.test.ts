import { describe, expect, it } from 'vitest'
import { runCli } from './run-cli.js'

const COMMANDS = ['inspect', 'scan', 'redact', 'convert', 'prune']

describe('vcrjs --help and usage errors', () => {
  it('--help lists every command, examples and the exit codes, and exits 0', async () => {
    const run = await runCli(['--help'])
    expect(run.code).toBe(0)
    for (const command of COMMANDS) expect(run.stdout).toContain(`vcrjs ${command} <`)
    expect(run.stdout).toContain('Examples:')
    expect(run.stdout).toMatch(/Exit codes[\s\S]*0 {2}success[\s\S]*1 {2}scan: a credential was found[\s\S]*2 {2}usage error/)
  })

  it('no command prints the help on stdout and exits 2', async () => {
    const run = await runCli([])
    expect(run.code).toBe(2)
    expect(run.stdout).toContain('vcrjs inspect <cassette>...')
  })

  for (const command of COMMANDS) {
    it(`${command} --help shows its usage line, an example of itself and its exit codes`, async () => {
      const run = await runCli([command, '--help'])
      expect(run.code).toBe(0)
      expect(run.stdout.split('\n')[0]).toMatch(new RegExp(`^vcrjs ${command} <`))
      expect(run.stdout).toMatch(new RegExp(`Examples:\\n(  .*\\n)*  vcrjs ${command} `))
      expect(run.stdout).toMatch(/Exit: 0 .*/)
    })
  }

  it('an unknown command names the known ones and exits 2', async () => {
    const run = await runCli(['scna', '.'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("unknown command 'scna'")
    expect(run.stderr).toContain('inspect, scan, redact, convert, prune')
    expect(run.stderr).toContain('vcrjs --help')
  })

  it('an unknown option exits 2 and points at the command help', async () => {
    const run = await runCli(['scan', '.', '--jsn'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("Unknown option '--jsn'")
    expect(run.stderr).toContain('vcrjs scan --help')
  })

  it('a path that does not exist is a usage error naming it', async () => {
    const run = await runCli(['inspect', 'no/such/cassette.yaml'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('no/such/cassette.yaml does not exist')
  })
})
