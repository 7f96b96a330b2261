import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const VCRPY_REPLAY = fileURLToPath(new URL('../support/vcrpy-replay.py', import.meta.url))
const PYTHON = '/usr/bin/python3'

export interface VcrpyRequest {
  method: string
  url: string
  headers: [string, string][]
  body: Buffer | null
}

/** What test/support/vcrpy-replay.py prints: the cassette as vcrpy reads it, and what Python requests got replaying `requests` under record mode none. */
export interface VcrpyView {
  cassette: Array<{ method: string; uri: string; headers: Record<string, string>; bodyBase64: string | null; status: number; responseBodyBase64: string | null }>
  replayed: Array<{ status: number; bodyBase64: string | null }>
  allPlayed: boolean
}

/** Loads the cassette with Debian's vcrpy and replays `requests` through it. Fails, never skips, when vcrpy is missing. */
export function vcrpyReplay(cassette: string, requests: readonly VcrpyRequest[]): Promise<VcrpyView> {
  const input = requests.map(({ method, url, headers, body }) => ({ method, url, headers, bodyBase64: body?.toString('base64') ?? null }))
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [VCRPY_REPLAY, cassette], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', (error) => reject(new Error(`cannot run ${PYTHON} (${error.message}); apt-get install python3-vcr python3-requests`)))
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as VcrpyView)
      else reject(new Error(`vcrpy failed on ${cassette} (exit ${code}):\n${stderr}`))
    })
    child.stdin.end(JSON.stringify(input))
  })
}
