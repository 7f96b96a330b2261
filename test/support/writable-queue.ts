import { Writable } from 'node:stream'

/** A Writable's chunks as an async iterator, for undici's `stream`, which writes the body into one; it ends at the Writable's end and throws its error. */
export function writableQueue(): { writable: Writable; chunks: AsyncIterator<Buffer> } {
  const queue: Buffer[] = []
  let finished = false
  let failure: Error | undefined
  let wake = () => {}
  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      queue.push(chunk)
      wake()
      callback()
    },
    final(callback) {
      finished = true
      wake()
      callback()
    },
  })
  writable.on('error', (error) => {
    failure = error
    wake()
  })
  const chunks = (async function* () {
    for (;;) {
      const chunk = queue.shift()
      if (chunk) yield chunk
      else if (failure) throw failure
      else if (finished) return
      else await new Promise<void>((resolve) => (wake = resolve))
    }
  })()
  return { writable, chunks }
}
