import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { interactionsFromData, yamlSerializer } from '@vcrjs/core'
import { describe, expect, it } from 'vitest'
import { startTestServer } from '../support/server.js'
import { tempCassetteDir } from '../support/temp.js'
import { writeCassette } from './cassettes.js'
import { CREDENTIALS, lookAlikes, plantedInteractions } from './planted.js'
import { recordCassette, type SentRequest } from './record.js'
import { replayThroughFetch } from './replay.js'
import { runCli } from './run-cli.js'
import { vcrpyReplay } from './vcrpy.js'

const c = CREDENTIALS

/** Live requests carrying credentials in a header, the query, a JSON body and a form body; /echo sends the headers back in its body. */
const REQUESTS: SentRequest[] = [
  { path: `/text?key=${c.google}&q=cats`, headers: { Authorization: `Bearer ${c.bearer}` } },
  { method: 'POST', path: '/echo', headers: { 'Content-Type': 'application/json', 'X-Github-Token': c.github }, body: JSON.stringify({ aws_access_key_id: c.aws, region: 'eu-west-1' }) },
  { method: 'POST', path: '/echo?form=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `amount=100&stripe_key=${c.stripe}` },
]

/** `placeholder <KIND_N>: KIND` lines of the redact output, as sensitiveData for the live values. */
function sensitiveDataFrom(stdout: string, secretOfKind: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [, placeholder, kind] of stdout.matchAll(/^ {2}placeholder (<[A-Z0-9_]+>): (.+)$/gm)) out[placeholder!] = secretOfKind[kind!]!
  return out
}

describe('vcrjs redact --detected', () => {
  it('replaces every credential scan finds, so scan is then clean; harmless look-alikes are left as they were', async () => {
    const dir = await tempCassetteDir()
    const { interactions } = plantedInteractions()
    const planted = await writeCassette(join(dir, 'planted.yaml'), [...interactions, ...lookAlikes()])
    const lookAlikeUrl = interactionsFromData(yamlSerializer.deserialize(await readFile(planted, 'utf8'))).at(-1)!.request.url
    expect((await runCli(['scan', dir])).code).toBe(1)
    const copy = join(dir, 'copy.yaml')
    await writeFile(copy, await readFile(planted))

    const redact = await runCli(['redact', dir, '--detected'])
    expect(redact.code).toBe(0)
    expect(redact.stdout).toContain('  placeholder <GITHUB_TOKEN_1>: GitHub token')
    expect(redact.stdout).toContain('  placeholder <PEM_PRIVATE_KEY_1>: PEM private key')
    for (const secret of Object.values(c)) expect(redact.stdout + redact.stderr).not.toContain(secret)

    const scan = await runCli(['scan', dir])
    expect(scan.stdout).toBe('vcrjs scan: no credentials in 2 cassettes\n')
    expect(scan.code).toBe(0)
    const text = await readFile(planted, 'utf8')
    for (const secret of [c.github, c.aws, c.google, c.jwt, c.openai, c.anthropic, c.stripe, c.slack, c.bearer, c.basic, 'hunter22', 'BEGIN RSA PRIVATE KEY']) {
      expect(text).not.toContain(secret)
    }
    const after = interactionsFromData(yamlSerializer.deserialize(text))
    expect(after.at(-1)!.request.url).toBe(lookAlikeUrl)
    expect(text).toContain('sk_test_4eC39HqLyjWDarjtT1zdp7dc')
    expect(text).toContain('Bearer <TOKEN>')
    // One credential, one placeholder, in every file of the run.
    expect(await readFile(copy, 'utf8')).toBe(text)
  })

  it('a redacted recording replays the live requests through fetch (server closed) with sensitiveData for its placeholders, and loads in vcrpy', async () => {
    const server = await startTestServer()
    const dir = await tempCassetteDir()
    let path: string
    try {
      path = await recordCassette(dir, 'live.yaml', server.origin, REQUESTS, { filterDefaults: false, secretScan: 'off' })
    } finally {
      await server.close()
    }
    const redact = await runCli(['redact', path, '--detected'])
    expect(redact.code).toBe(0)
    expect((await runCli(['scan', path])).code).toBe(0)
    const sensitiveData = sensitiveDataFrom(redact.stdout, {
      'Google API key': c.google,
      'bearer credential': c.bearer,
      'GitHub token': c.github,
      'AWS access key': c.aws,
      'Stripe live key': c.stripe,
    })
    expect(Object.keys(sensitiveData).sort()).toEqual(['<AWS_ACCESS_KEY_1>', '<BEARER_CREDENTIAL_1>', '<GITHUB_TOKEN_1>', '<GOOGLE_API_KEY_1>', '<STRIPE_LIVE_KEY_1>'])

    const { results, allPlayed } = await replayThroughFetch(path, server.origin, REQUESTS, {
      sensitiveData,
      filterDefaults: false,
      matchOn: ['method', 'scheme', 'host', 'port', 'path', 'query', 'body'],
    })
    expect(allPlayed).toBe(true)
    expect(results.map((result) => result.status)).toEqual([200, 200, 200])
    // The client gets the live credential back where the recording held it (the echoed header).
    expect(JSON.parse(results[1]!.body.toString()).headers['x-github-token']).toBe(c.github)

    const stored = interactionsFromData(yamlSerializer.deserialize(await readFile(path, 'utf8')))
    const vcrpy = await vcrpyReplay(
      path,
      stored.map(({ request }) => ({ method: request.method, url: request.url, headers: request.headers.entries() as [string, string][], body: request.body && Buffer.from(request.body) })),
    )
    expect(vcrpy.cassette[0]!.uri).toContain('key=<GOOGLE_API_KEY_1>')
    expect(vcrpy.replayed.map((item) => item.status)).toEqual([200, 200, 200])
    expect(vcrpy.allPlayed).toBe(true)
  })
})
