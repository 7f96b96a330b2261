import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Octokit } from '@octokit/rest'
import { CannotOverwriteExistingCassetteError, VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import { type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici'
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempCassetteDir } from '../support/temp.js'
import { readSecretFreeCassette } from './cassette-file.js'
import { GITHUB_TOKEN, ISSUES, REPO, startFakeGitHub } from './fake-github.js'
import { networkLog } from './network-log.js'

type RequestError = Error & {
  status: number
  request: { method: string; url: string; headers: Record<string, string> }
  response?: { url: string; status: number; headers: Record<string, string>; data: unknown }
}
type OctokitFetch = NonNullable<NonNullable<ConstructorParameters<typeof Octokit>[0]>['request']>['fetch']

/**
 * Octokit (@octokit/rest) records against a local GitHub API and replays
 * offline, through the two ways Octokit's requests reach vcrjs: Node's global
 * fetch with vcrjs's dispatcher installed globally, and Octokit's own
 * `request.fetch` option handing the dispatcher to fetch.
 */
const routes = [
  { route: 'global fetch', through: (dispatcher: Dispatcher) => (setGlobalDispatcher(dispatcher), undefined) },
  {
    route: 'request.fetch',
    // Node's RequestInit types lack `dispatcher`, which Node's fetch accepts.
    through: (dispatcher: Dispatcher): OctokitFetch => (url: string, init: RequestInit) => fetch(url, { ...init, dispatcher } as unknown as RequestInit),
  },
]

/** What an application sees of a session with the GitHub API: data, statuses, headers it reads, and the error of a 404. */
async function githubSession(octokit: Octokit) {
  const repo = await octokit.repos.get({ owner: 'octo', repo: 'hello' })
  const issues = await octokit.paginate(octokit.issues.listForRepo, { owner: 'octo', repo: 'hello', per_page: 2 })
  const created = await octokit.issues.create({ owner: 'octo', repo: 'hello', title: 'Replays offline', body: 'Recorded once.', labels: ['vcr'] })
  const missing = await octokit.repos.get({ owner: 'octo', repo: 'missing' }).then(
    () => undefined,
    (error: unknown) => error as RequestError,
  )
  return {
    repo: { status: repo.status, data: repo.data, requestId: repo.headers['x-github-request-id'], url: repo.url },
    issues,
    created: { status: created.status, data: created.data, location: created.headers.location },
    // A RequestError's request options hold Octokit's hook and fetch functions, new per client: compare its data.
    missing: missing && {
      error: missing,
      name: missing.name,
      status: missing.status,
      message: missing.message,
      request: { method: missing.request.method, url: missing.request.url, headers: missing.request.headers },
      response: missing.response,
    },
  }
}

function octokitFor(baseUrl: string, fetch: OctokitFetch | undefined): Octokit {
  // log: Octokit logs a deprecation notice or a failed request through console by default.
  const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
  return new Octokit({ auth: GITHUB_TOKEN, baseUrl, log, ...(fetch ? { request: { fetch } } : {}) })
}

describe('@octokit/rest', () => {
  it.each(routes)('records repos.get, a paginated issues.listForRepo, issues.create and a 404 through $route, and replays them offline in record mode once', async ({ through }) => {
    const previous = getGlobalDispatcher()
    onTestFinished(() => setGlobalDispatcher(previous))
    const dispatcher = vcrDispatcher()
    onTestFinished(() => dispatcher.close())
    const network = networkLog()
    const github = await startFakeGitHub()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })

    const live = await vcr.useCassette('github.yaml', () => githubSession(octokitFor(github.origin, through(dispatcher))))
    expect(github.served).toEqual([
      'GET /repos/octo/hello',
      'GET /repos/octo/hello/issues?per_page=2',
      `GET /repositories/${REPO.id}/issues?per_page=2&page=2`,
      `GET /repositories/${REPO.id}/issues?per_page=2&page=3`,
      'POST /repos/octo/hello/issues',
      'GET /repos/octo/missing',
    ])
    expect(live.repo.data).toEqual(REPO)
    expect(live.issues).toEqual(ISSUES)
    expect(live.created).toMatchObject({ status: 201, data: { title: 'Replays offline', body: 'Recorded once.', labels: [{ name: 'vcr' }] } })
    expect(live.missing).toMatchObject({ name: 'HttpError', status: 404, message: expect.stringContaining('Not Found'), response: { data: { message: 'Not Found' } } })
    expect(new Set(network.hosts)).toEqual(new Set(['127.0.0.1']))

    const file = join(dir, 'github.yaml')
    const { text, interactions } = await readSecretFreeCassette(file, [GITHUB_TOKEN])
    expect(interactions.map(({ request, response }) => `${request.method} ${request.uri} ${response.status.code}`)).toEqual([
      `GET ${github.origin}/repos/octo/hello 200`,
      `GET ${github.origin}/repos/octo/hello/issues?per_page=2 200`,
      `GET ${github.origin}/repositories/${REPO.id}/issues?per_page=2&page=2 200`,
      `GET ${github.origin}/repositories/${REPO.id}/issues?per_page=2&page=3 200`,
      `POST ${github.origin}/repos/octo/hello/issues 201`,
      `GET ${github.origin}/repos/octo/missing 404`,
    ])
    expect(JSON.parse(interactions[4]!.request.body!)).toEqual({ title: 'Replays offline', body: 'Recorded once.', labels: ['vcr'] })
    expect(interactions[1]!.response.headers.link?.[0]).toContain('rel="next"')

    await github.close()
    network.reset()
    const replayed = await vcr.useCassette('github.yaml', (cassette) => {
      expect(cassette.recordMode).toBe('once')
      return githubSession(octokitFor(github.origin, through(dispatcher)))
    })
    const { missing: liveMissing, ...liveRest } = live
    const { missing: replayedMissing, ...replayedRest } = replayed
    expect(replayedRest).toEqual(liveRest)
    const { error: liveError, ...liveData } = liveMissing!
    const { error: replayedError, ...replayedData } = replayedMissing!
    expect(replayedData).toEqual(liveData)
    expect(replayedError).toBeInstanceOf(liveError.constructor)
    // Nothing was attempted on the network, and 'once' re-recorded nothing: the file is as it was.
    expect(network.sockets).toBe(0)
    expect(network.hosts).toEqual([])
    expect(await readFile(file, 'utf8')).toBe(text)
  })

  it('a request the cassette lacks fails in record mode once with the core error inside RequestError, naming no token', async () => {
    const previous = getGlobalDispatcher()
    onTestFinished(() => setGlobalDispatcher(previous))
    const dispatcher = vcrDispatcher()
    onTestFinished(() => dispatcher.close())
    const github = await startFakeGitHub()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const fetch = routes[1]!.through(dispatcher)
    await vcr.useCassette('github.yaml', () => octokitFor(github.origin, fetch).repos.get({ owner: 'octo', repo: 'hello' }))
    await github.close()

    const error = await vcr.useCassette('github.yaml', () =>
      octokitFor(github.origin, fetch)
        .issues.get({ owner: 'octo', repo: 'hello', issue_number: 1 })
        .then(() => undefined, (e: unknown) => e as Error & { status: number; cause: unknown }),
    )
    expect(error).toMatchObject({ name: 'HttpError', status: 500 })
    expect(error!.cause).toBeInstanceOf(TypeError)
    const vcrError = (error!.cause as TypeError).cause
    expect(vcrError).toBeInstanceOf(CannotOverwriteExistingCassetteError)
    expect((vcrError as Error).message).toContain(`GET ${github.origin}/repos/octo/hello/issues/1`)
    expect((vcrError as Error).message).not.toContain(GITHUB_TOKEN)
    expect(github.served).toEqual(['GET /repos/octo/hello'])
  })

  // A classic token of before 2021 (40 hex, still accepted by github.com and GitHub Enterprise Server) has no known prefix.
  const CLASSIC_TOKEN = createHash('sha1').update('vcrjs classic token').digest('hex')
  it.each([
    { form: 'a ghp_ token', token: GITHUB_TOKEN, kind: 'GitHub token' },
    { form: 'a classic 40-hex token', token: CLASSIC_TOKEN, kind: 'token credential' },
  ])('with filterDefaults off, the secret scan refuses to save $form, which Octokit sends as `authorization: token ...`', async ({ token, kind }) => {
    const previous = getGlobalDispatcher()
    onTestFinished(() => setGlobalDispatcher(previous))
    const dispatcher = vcrDispatcher()
    onTestFinished(() => dispatcher.close())
    const github = await startFakeGitHub(token)
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, filterDefaults: false })
    const octokit = new Octokit({ auth: token, baseUrl: github.origin, request: { fetch: routes[1]!.through(dispatcher) } })
    const saved = vcr.useCassette('github.yaml', () => octokit.repos.get({ owner: 'octo', repo: 'hello' }))
    await expect(saved).rejects.toMatchObject({ code: 'VCR_SECRET_IN_CASSETTE', message: expect.stringContaining(`request header authorization: ${kind}`) })
    await expect(saved).rejects.not.toMatchObject({ message: expect.stringContaining(token) })
    await expect(readFile(join(dir, 'github.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(github.served).toEqual(['GET /repos/octo/hello'])
  })
})
