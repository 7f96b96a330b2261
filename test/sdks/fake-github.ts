import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { listenOnLoopback } from '../support/listen.js'

/**
 * The token the fake accepts, shaped like a classic personal access token so
 * the secret scan knows it; built here so no scanner of this repository flags
 * the source. It was never issued.
 */
export const GITHUB_TOKEN = `ghp_${'vcrjsLocalFake'.repeat(3).slice(0, 36)}`

export const REPO = { id: 4242, name: 'hello', full_name: 'octo/hello', private: false, default_branch: 'main', owner: { login: 'octo', id: 1, type: 'User' } }
export const ISSUES = Array.from({ length: 5 }, (_, i) => ({ id: 9000 + i, number: i + 1, title: `Issue ${i + 1}`, state: 'open', labels: [], user: { login: 'octo' } }))

export interface FakeGitHub {
  /** `http://127.0.0.1:<port>`, Octokit's `baseUrl`. */
  readonly origin: string
  /** `METHOD path?query` of every request served, in order. */
  readonly served: string[]
  close(): Promise<void>
}

/**
 * A local GitHub REST API for the calls the Octokit tests make, in the real
 * API's wire shape: JSON with `application/json; charset=utf-8`, `x-github-request-id`,
 * `Link` pagination pointing at `/repositories/{id}/...` as github.com does,
 * 201 for a created issue, and GitHub's 404 body. Every request must carry
 * `authorization: token <GITHUB_TOKEN>` (what Octokit sends for a token), or
 * it gets GitHub's 401. Closed when the test finishes.
 */
export async function startFakeGitHub(token = GITHUB_TOKEN): Promise<FakeGitHub> {
  const served: string[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      served.push(`${req.method} ${req.url}`)
      route(req, res, Buffer.concat(chunks).toString('utf8'), served.length)
    })
  })
  const { port, close } = await listenOnLoopback(server)
  const origin = `http://127.0.0.1:${port}`

  function route(req: IncomingMessage, res: ServerResponse, body: string, n: number) {
    const url = new URL(req.url!, origin)
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': `F00D:${n}`, 'x-ratelimit-remaining': String(5000 - n), ...headers })
      res.end(JSON.stringify(data))
    }
    if (req.headers.authorization !== `token ${token}`) {
      return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' })
    }
    if (req.method === 'GET' && url.pathname === '/repos/octo/hello') return send(200, REPO)
    if (req.method === 'GET' && (url.pathname === '/repos/octo/hello/issues' || url.pathname === `/repositories/${REPO.id}/issues`)) {
      const perPage = Number(url.searchParams.get('per_page') ?? 30)
      const page = Number(url.searchParams.get('page') ?? 1)
      const last = Math.ceil(ISSUES.length / perPage)
      const link = (p: number, rel: string) => `<${origin}/repositories/${REPO.id}/issues?per_page=${perPage}&page=${p}>; rel="${rel}"`
      const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [link(1, 'first'), link(page - 1, 'prev')]
      return send(200, ISSUES.slice((page - 1) * perPage, page * perPage), { link: links.join(', ') })
    }
    if (req.method === 'POST' && url.pathname === '/repos/octo/hello/issues') {
      if (!req.headers['content-type']?.startsWith('application/json')) return send(415, { message: 'Unsupported Media Type' })
      const { title, body: text, labels } = JSON.parse(body) as { title: string; body?: string; labels?: string[] }
      return send(201, { id: 9100, number: ISSUES.length + 1, title, body: text, state: 'open', labels: (labels ?? []).map((name) => ({ name })), user: { login: 'octo' } }, {
        location: `${origin}/repos/octo/hello/issues/${ISSUES.length + 1}`,
      })
    }
    send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/repos#get-a-repository', status: '404' })
  }

  return { origin, served, close }
}
