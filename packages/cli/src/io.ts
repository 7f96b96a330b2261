/** Where a command writes: results to stdout, problems and progress to stderr. */
export interface Io {
  out(line: string): void
  err(line: string): void
  /** A progress line that the next one overwrites; only on a terminal, never in a log or a pipe. */
  progress(line: string): void
}

export function processIo(): Io {
  // `vcrjs inspect ... | head`: the reader left, which is no error of ours.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
  const tty = process.stderr.isTTY === true
  let shown = false
  const clear = () => {
    if (shown) process.stderr.write('\r\x1b[K')
    shown = false
  }
  return {
    out(line) {
      clear()
      process.stdout.write(`${line}\n`)
    },
    err(line) {
      clear()
      process.stderr.write(`${line}\n`)
    },
    progress(line) {
      if (!tty) return
      process.stderr.write(`\r\x1b[K${line}`)
      shown = line !== ''
    },
  }
}

/** `1 cassette`, `2 cassettes`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}
