/** One HTTP call of the demo, as an application would make it. */
export interface DemoCall {
  /** What the call stands for, shown in the output. */
  label: string
  method: 'GET' | 'POST'
  /** Resolved against the demo server's origin. */
  path: string
  headers?: Record<string, string>
  body?: string
}

/** What the application got back: enough to tell whether a replay matched the live run. */
export interface DemoResponse {
  status: number
  /** Lower-case names; repeated headers as the client exposes them. */
  headers: Record<string, string[]>
  /** The body as the client hands it over (decompressed where the client decompresses). */
  body: string
}

/**
 * An HTTP client wired to vcrjs through its adapter. Adding a client to the
 * demo is one file in demo/clients/ exporting one of these, listed in demo/clients.ts.
 */
export interface DemoClient {
  /** Shown in the output; also the cassette's file name. */
  readonly name: string
  /**
   * Creates the client configured once, as an app would at start-up, with its
   * vcrjs adapter created without a cassette: each call then uses the cassette
   * of the `vcr.useCassette` it runs in.
   */
  start(): DemoSession
}

export interface DemoSession {
  send(url: string, call: DemoCall): Promise<DemoResponse>
  close(): Promise<void>
}
