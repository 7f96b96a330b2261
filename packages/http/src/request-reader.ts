import type { WrittenRequest } from './send-real.js'

/** What the reader hands on for each request the client wrote. */
export interface RequestReaderEvents {
  /** A whole request, head and body. The reader reads no further until `next()`. */
  request(written: WrittenRequest): void
  /** The client sent `Expect: 100-continue` and waits for the go-ahead before its body. */
  continue(): void
  /** A request vcrjs cannot record or replay (an upgrade, CONNECT): what it is, for the error. */
  refuse(what: string, written: Pick<WrittenRequest, 'method' | 'target'>): void
  /** Bytes that are not an HTTP/1.1 request, and why. */
  malformed(reason: string): void
}

const CRLF = Buffer.from('\r\n')
const HEAD_END = Buffer.from('\r\n\r\n')
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"
const REQUEST_LINE = new RegExp(`^(${TOKEN}) ([^ ]+) HTTP/1\\.[01]$`)
const HEADER_NAME = new RegExp(`^${TOKEN}$`)
/** As Node's server: requests are the agent's own client's, and headers far larger than any server takes are the real server's to refuse. */
const MAX_HEAD_BYTES = 1024 * 1024

type State =
  | { at: 'head' }
  | { at: 'length'; request: WrittenRequest; remaining: number; parts: Buffer[] }
  | { at: 'chunked'; request: WrittenRequest; remaining: number; parts: Buffer[]; trailers: boolean }
  | { at: 'answering' }
  | { at: 'done' }

/**
 * Reads the HTTP/1.1 requests a Node client writes on one in-memory
 * connection, the client being `http.request` behind the vcrjs agent: a
 * request line, headers, and a body framed by Content-Length or chunked.
 * It reads one request at a time, as a server does on a kept-alive
 * connection, and only the framing: what the request means is the core's.
 *
 * It stands in for an `http.Server` on the replay path, which would build an
 * IncomingMessage and a ServerResponse per request and cost more than the
 * client's own work (bench: "vcrjs vcrAgent (node:http)").
 */
export class RequestReader {
  readonly #events: RequestReaderEvents
  #pending: Buffer | undefined
  #state: State = { at: 'head' }

  constructor(events: RequestReaderEvents) {
    this.#events = events
  }

  /** Bytes the client wrote. */
  push(chunk: Buffer): void {
    if (this.#state.at === 'done') return
    this.#pending = this.#pending === undefined || this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk])
    this.#read()
  }

  /** The response to the last request is written: read the next one. */
  next(): void {
    if (this.#state.at !== 'answering') return
    this.#state = { at: 'head' }
    this.#read()
  }

  #read(): void {
    for (;;) {
      const state = this.#state
      const pending = this.#pending
      if (pending === undefined || state.at === 'answering' || state.at === 'done') return
      if (state.at === 'head') {
        if (!this.#readHead(pending)) return
      } else if (state.at === 'length') {
        if (pending.length === 0) return
        const part = pending.length <= state.remaining ? pending : pending.subarray(0, state.remaining)
        state.parts.push(part)
        state.remaining -= part.length
        this.#pending = pending.subarray(part.length)
        if (state.remaining === 0) this.#deliver(state)
      } else if (!this.#readChunk(state, pending)) {
        return
      }
    }
  }

  /** Reads a request head; false when more bytes are needed (or the connection is given up). */
  #readHead(pending: Buffer): boolean {
    const end = pending.indexOf(HEAD_END)
    if (end === -1) {
      if (pending.length > MAX_HEAD_BYTES) this.#malformed('HPE_HEADER_OVERFLOW')
      return false
    }
    const lines = pending.toString('latin1', 0, end).split('\r\n')
    this.#pending = pending.subarray(end + HEAD_END.length)
    const requestLine = REQUEST_LINE.exec(lines[0]!)
    if (!requestLine) return this.#malformed('HPE_INVALID_REQUEST_LINE')
    const [, method, target] = requestLine as unknown as [string, string, string]
    const rawHeaders: string[] = []
    let length: string | undefined
    let transferEncoding: string | undefined
    let upgrade = false
    let connectionUpgrade = false
    let expectsContinue = false
    for (let i = 1; i < lines.length; i++) {
      // `name: value`, the value without the spaces and tabs around it; no regex with captures, as this runs for every header of every replay.
      const line = lines[i]!
      const colon = line.indexOf(':')
      const name = line.slice(0, colon)
      if (colon === -1 || !HEADER_NAME.test(name) || BARE_LINE_BREAK.test(line)) return this.#malformed('HPE_INVALID_HEADER_TOKEN')
      const value = withoutSpaceAround(line, colon + 1)
      rawHeaders.push(name, value)
      // Only the framing headers matter here: the others are not lower-cased to be compared.
      if (!FRAMING_NAME_LENGTHS.has(name.length)) continue
      switch (name.toLowerCase()) {
        case 'content-length':
          if (!/^\d+$/.test(value) || (length !== undefined && length !== value)) return this.#malformed('HPE_INVALID_CONTENT_LENGTH')
          length = value
          break
        case 'transfer-encoding':
          transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`
          break
        case 'connection':
          connectionUpgrade ||= /(?:^|,)[ \t]*upgrade[ \t]*(?:,|$)/i.test(value)
          break
        case 'upgrade':
          upgrade = true
          break
        case 'expect':
          expectsContinue = /(?:^|\W)100-continue(?:$|\W)/i.test(value)
          break
      }
    }
    const request: WrittenRequest = { method, target, rawHeaders, body: EMPTY }
    // What llhttp calls an upgrade: an Upgrade header the Connection header names, or a CONNECT.
    if (method === 'CONNECT') return this.#refuse('a CONNECT tunnel', request)
    if (upgrade && connectionUpgrade) return this.#refuse('a protocol upgrade (such as a WebSocket)', request)
    // As Node's server: the go-ahead comes at once, whatever the body.
    if (expectsContinue) this.#events.continue()
    if (transferEncoding !== undefined) {
      if (length !== undefined) return this.#malformed('HPE_UNEXPECTED_CONTENT_LENGTH')
      if (!/(?:^|,)[ \t]*chunked[ \t]*$/i.test(transferEncoding)) return this.#malformed('HPE_INVALID_TRANSFER_ENCODING')
      this.#state = { at: 'chunked', request, remaining: -1, parts: [], trailers: false }
      return true
    }
    const remaining = length === undefined ? 0 : Number(length)
    if (remaining === 0) {
      this.#deliver({ request, parts: [] })
      return true
    }
    this.#state = { at: 'length', request, remaining, parts: [] }
    return true
  }

  /** Reads one step of a chunked body: a size line, chunk data, or the trailers; false when more bytes are needed. */
  #readChunk(state: Extract<State, { at: 'chunked' }>, pending: Buffer): boolean {
    if (state.remaining > 0) {
      if (pending.length === 0) return false
      const part = pending.length <= state.remaining ? pending : pending.subarray(0, state.remaining)
      state.parts.push(part)
      state.remaining -= part.length
      this.#pending = pending.subarray(part.length)
      return true
    }
    const lineEnd = pending.indexOf(CRLF)
    if (lineEnd === -1) return false
    const line = pending.toString('latin1', 0, lineEnd)
    this.#pending = pending.subarray(lineEnd + CRLF.length)
    if (state.trailers) {
      // Trailers end with an empty line; the request is whole then. Their content is not recorded, as before.
      if (line === '') this.#deliver(state)
      return true
    }
    if (state.remaining === 0) {
      // The CRLF after a chunk's data.
      if (line !== '') return this.#malformed('HPE_STRICT')
      state.remaining = -1
      return true
    }
    const size = /^([0-9A-Fa-f]+)[ \t]*(?:;.*)?$/.exec(line)
    if (!size) return this.#malformed('HPE_INVALID_CHUNK_SIZE')
    const bytes = Number.parseInt(size[1]!, 16)
    if (bytes === 0) state.trailers = true
    else state.remaining = bytes
    return true
  }

  #deliver(state: { request: WrittenRequest; parts: Buffer[] }): void {
    this.#state = { at: 'answering' }
    const { request } = state
    const body = state.parts.length === 0 ? EMPTY : state.parts.length === 1 ? state.parts[0]! : Buffer.concat(state.parts)
    this.#events.request({ method: request.method, target: request.target, rawHeaders: request.rawHeaders, body })
  }

  #refuse(what: string, request: WrittenRequest): false {
    this.#stop()
    this.#events.refuse(what, request)
    return false
  }

  #malformed(reason: string): false {
    this.#stop()
    this.#events.malformed(reason)
    return false
  }

  #stop(): void {
    this.#state = { at: 'done' }
    this.#pending = undefined
  }
}

const EMPTY = Buffer.alloc(0)

/** A CR or LF left inside a line: not a header line (the head was split at CRLF). */
const BARE_LINE_BREAK = /[\r\n]/

/** The lengths of content-length, transfer-encoding, connection, upgrade and expect. */
const FRAMING_NAME_LENGTHS = new Set([14, 17, 10, 7, 6])

/** `line` from `start` on, without the spaces and tabs at either end. */
function withoutSpaceAround(line: string, start: number): string {
  let from = start
  let to = line.length
  while (from < to && (line.charCodeAt(from) === 0x20 || line.charCodeAt(from) === 0x09)) from++
  while (to > from && (line.charCodeAt(to - 1) === 0x20 || line.charCodeAt(to - 1) === 0x09)) to--
  return line.slice(from, to)
}
