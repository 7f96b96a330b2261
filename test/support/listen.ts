import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { onTestFinished } from 'vitest'

export interface Listening {
  readonly port: number
  /** Closes the server and its open connections; safe to call again (the test's cleanup calls it too). */
  close(): Promise<void>
}

/** Listens on a free loopback port, with the server's closing registered as the running test's cleanup. */
export async function listenOnLoopback(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  let closed: Promise<void> | undefined
  const close = () =>
    (closed ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()))
      server.closeAllConnections()
    }))
  onTestFinished(close)
  return { port: (server.address() as AddressInfo).port, close }
}
