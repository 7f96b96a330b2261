import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The built bin, as users run it: the tests exercise dist/, not the sources. */
export const CLI = fileURLToPath(new URL('../../packages/cli/dist/cli.js', import.meta.url))

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs `node packages/cli/dist/cli.js ...args` and resolves with its exit code and output, whatever the code. */
export function runCli(args: readonly string[], options: { cwd?: string } = {}): Promise<CliRun> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm build\` first (the CLI tests run the built bin)`)
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
      if (code === null) reject(error)
      else resolve({ code, stdout, stderr })
    })
  })
}
