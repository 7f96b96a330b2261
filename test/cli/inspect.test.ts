import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { interactionsToData, yamlSerializer } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { tempCassetteDir } from '../support/temp.js'
import { interaction, writeCassette } from './cassettes.js'
import { runCli } from './run-cli.js'

const RECORDED_AT = new Date('2025-06-01T12:00:00.000Z')

/** Three interactions; the third carries streaming chunk data (`response.stream`, as the core writes it). */
async function threeInteractions(dir: string): Promise<string> {
  const data = interactionsToData([
    interaction({ url: 'https://alice:hunter2@api.example.test/items?page=2', responseBody: '{"items":[]}', recordedAt: RECORDED_AT }),
    interaction({ method: 'POST', url: 'https://api.example.test/items', body: 'name=chair', status: 201, responseBody: 'created' }),
    interaction({ url: 'https://api.example.test/events', responseBody: 'data: 1\n\ndata: 2\n\n' }),
  ])
  const third = (data.interactions as Array<{ response: Record<string, unknown> }>)[2]!
  third.response.stream = { chunks: [[9, 0], [9, 150]] }
  const path = join(dir, 'three.yaml')
  await writeFile(path, yamlSerializer.serialize(data))
  return path
}

describe('vcrjs inspect', () => {
  it('prints one line per interaction: index, method, URL without credentials, status, body sizes, recorded_at, streamed; then a summary', async () => {
    const path = await threeInteractions(await tempCassetteDir())
    const run = await runCli(['inspect', path])
    expect(run.code).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe(`${path} (yaml, 3 interactions)`)
    expect(lines[1]!.trim().split(/ {2,}/).map((cell) => cell.trim())).toEqual([
      '0',
      'GET',
      'https://api.example.test/items?page=2',
      '200',
      'req 0 B',
      'res 12 B',
      '2025-06-01T12:00:00.000Z',
      '-',
    ])
    expect(lines[2]!.trim().split(/ {2,}/).map((cell) => cell.trim())).toEqual(['1', 'POST', 'https://api.example.test/items', '201', 'req 10 B', 'res 7 B', '-', '-'])
    expect(lines[3]!.trim().endsWith('streamed')).toBe(true)
    expect(lines[4]).toBe('  = 3 interactions; api.example.test; statuses 200x2 201x1; bodies 10 B sent, 37 B received; 1 streamed')
    expect(run.stdout).not.toContain('hunter2')
  })

  it('--json gives the same facts as one document', async () => {
    const dir = await tempCassetteDir()
    const path = await threeInteractions(dir)
    const run = await runCli(['inspect', path, '--json'])
    expect(run.code).toBe(0)
    const { files } = JSON.parse(run.stdout) as { files: Array<{ path: string; format: string; interactions: unknown[]; summary: Record<string, unknown> }> }
    expect(files).toHaveLength(1)
    expect(files[0]!.format).toBe('yaml')
    expect(files[0]!.interactions[0]).toEqual({
      index: 0,
      method: 'GET',
      url: 'https://api.example.test/items?page=2',
      status: 200,
      requestBodyBytes: 0,
      responseBodyBytes: 12,
      recordedAt: '2025-06-01T12:00:00.000Z',
      streamed: false,
    })
    expect(files[0]!.interactions.map((row) => (row as { streamed: boolean }).streamed)).toEqual([false, false, true])
    expect(files[0]!.summary).toMatchObject({ interactions: 3, statuses: { 200: 2, 201: 1 }, requestBodyBytes: 10, streamed: 1 })
  })

  it('reads every format, walks a folder, and names an unreadable file on stderr with exit 1 while still printing the rest', async () => {
    const dir = await tempCassetteDir()
    const one = [{ url: 'http://127.0.0.1:9/a', responseBody: 'a', recordedAt: RECORDED_AT }]
    await writeCassette(join(dir, 'a.yaml'), one, 'yaml')
    await writeCassette(join(dir, 'b.json'), one, 'json')
    await writeCassette(join(dir, 'c.yml'), one, 'ruby-yaml')
    await writeCassette(join(dir, 'd.json'), one, 'ruby-json')
    await writeFile(join(dir, 'e.yaml'), 'interactions:\n- request: [unclosed\n')
    await writeFile(join(dir, 'package.json'), '{"name": "not a cassette"}')
    const run = await runCli(['inspect', dir])
    expect(run.code).toBe(1)
    const headers = run.stdout.split('\n').filter((line) => line.startsWith(dir))
    expect(headers).toEqual([
      `${join(dir, 'a.yaml')} (yaml, 1 interaction)`,
      `${join(dir, 'b.json')} (json, 1 interaction)`,
      `${join(dir, 'c.yml')} (ruby-yaml, 1 interaction)`,
      `${join(dir, 'd.json')} (ruby-json, 1 interaction)`,
    ])
    expect(run.stderr).toContain(join(dir, 'e.yaml'))
    expect(run.stderr).not.toContain('package.json')
  })
})
