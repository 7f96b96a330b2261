import type { InternalAxiosRequestConfig } from 'axios'
import type { Transport } from './transport.js'

/**
 * Runs one exchange (every hop of it) under the caller's `signal`, `cancelToken`
 * and `timeout`, rejecting with the error the transport's adapter gives live.
 * The timeout spans the whole redirect chain, as follow-redirects' does. The
 * inner adapter gets only the returned signal, so an abort stops the hop in flight.
 */
export function withCancellation<T>(
  config: InternalAxiosRequestConfig,
  transport: Transport,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController()
  const { signal, cancelToken } = config
  return new Promise<T>((resolve, reject) => {
    let settled = false
    let timer: NodeJS.Timeout | undefined
    const finish = () => {
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener?.('abort', onAbort)
    }
    const fail = (error: unknown) => {
      if (settled) return
      finish()
      controller.abort(error)
      reject(error)
    }
    const onAbort = () => fail(transport.abortError(config, (signal as AbortSignal | undefined)?.reason))
    if (signal?.aborted) return onAbort()
    signal?.addEventListener?.('abort', onAbort)
    // CancelToken's public side is its promise, resolved with the cancel reason.
    cancelToken?.promise.then((reason) => fail(reason))
    const timeout = Number.parseInt(String(config.timeout ?? 0), 10)
    if (timeout > 0) timer = setTimeout(() => fail(transport.timeoutError(config)), timeout)
    run(controller.signal).then(
      (value) => {
        if (settled) return
        finish()
        resolve(value)
      },
      (error: unknown) => {
        if (settled) return
        finish()
        reject(error)
      },
    )
  })
}
