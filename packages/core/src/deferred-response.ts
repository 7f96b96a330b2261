/**
 * On cassette data whose `response` a reader parses when it is first read:
 * the function that reads it (once), for `interactionsFromData` to build the
 * response from without keeping the rest of the data.
 */
export const DEFERRED_RESPONSE = Symbol('vcrjs.deferred-response')

const UNREAD = Symbol('unread')

/**
 * An interaction's plain data whose `response` is read (`read()`, once) when
 * first accessed: an enumerable own property like any other, so whoever walks
 * the data (a save, the CLI, JSON.stringify) sees the same value as if it had
 * been parsed at once; `interactionsFromData` checks such a response when it
 * is played rather than at load.
 */
export function withDeferredResponse(request: unknown, read: () => unknown): Record<string | symbol, unknown> {
  let response: unknown = UNREAD
  const once = (): unknown => {
    if (response === UNREAD) response = read()
    return response
  }
  return {
    [DEFERRED_RESPONSE]: once,
    request,
    get response(): unknown {
      return once()
    },
    set response(value: unknown) {
      response = value
    },
  }
}
