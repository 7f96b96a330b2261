import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import { onTestFinished } from 'vitest'
import { WRITER } from './global-setup.js'

/** A running child writer (children/writer.ts) and the lines it printed. */
export interface Writer {
  readonly child: ChildProcess
  /** Every line printed so far. */
  readonly printed: readonly string[]
  /** Resolves with the next line the child prints that starts with `prefix`. */
  next(prefix: string): Promise<string>
  /** Resolves with the child's exit code (null when killed) and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts a child writer; it is killed when the test ends if still running. */
export function startWriter(args: string[]): Writer {
  const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  // 'close', not 'exit': every line the child printed before it died has been read by then.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })))
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const lines: Interface = createInterface({ input: child.stdout! })
  const waiting: { prefix: string; resolve: (line: string) => void }[] = []
  const printed: string[] = []
  lines.on('line', (line) => {
    printed.push(line)
    const at = waiting.findIndex(({ prefix }) => line.startsWith(prefix))
    if (at !== -1) waiting.splice(at, 1)[0]!.resolve(line)
  })
  return {
    child,
    printed,
    exited,
    next: (prefix) =>
      new Promise<string>((resolve, reject) => {
        waiting.push({ prefix, resolve })
        void exited.then(({ code, signal }) => reject(new Error(`the writer exited (code ${code}, signal ${signal}) before printing "${prefix}"`)))
      }),
  }
}

/**
 * Mounts a fresh tmpfs of `size` (e.g. '1m') and returns its folder; unmounted
 * when the test ends. The fault tests need root (CI runs as root): without
 * it, this fails with a message saying so rather than skipping.
 */
export function mountTmpfs(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vcrjs-faults-mnt-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0777`, 'tmpfs', dir], { stdio: 'pipe' })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(
      `The fault tests mount a small tmpfs (a full disk, a read-only folder) and need root with CAP_SYS_ADMIN, as CI has; mount failed: ${(error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message}`,
    )
  }
  onTestFinished(() => {
    execFileSync('umount', ['-l', dir])
    rmSync(dir, { recursive: true, force: true })
  })
  return dir
}

export function remountReadOnly(dir: string): void {
  execFileSync('mount', ['-o', 'remount,ro', dir])
}

/** The names of the dot files (temporary files, locks) in `dir`. */
export async function dotFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('.'))
}
