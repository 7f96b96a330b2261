/**
 * The two SSE wire shapes LLM APIs stream, as their fake endpoints send them:
 * OpenAI's chat completions (`data: {...}` chunks ending in `data: [DONE]`)
 * and Anthropic's messages (`event: message_start` ... `message_stop`). Each
 * string is one event, which the scripted server writes as one chunk.
 */
const openaiChunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-test', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`

const anthropicEvent = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`

export const OPENAI_SSE: readonly string[] = [
  openaiChunk({ role: 'assistant', content: '' }),
  openaiChunk({ content: 'Hel' }),
  // Non-ASCII text, split across events as a model's tokens are.
  openaiChunk({ content: 'lo, Kö' }),
  openaiChunk({ content: 'ln 🚀' }),
  openaiChunk({}, 'stop'),
  'data: [DONE]\n\n',
]

export const ANTHROPIC_SSE: readonly string[] = [
  anthropicEvent('message_start', {
    message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-test', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } },
  }),
  anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  // An SSE comment line, which a reader skips: Anthropic sends `ping` events between deltas, others send `: keep-alive`.
  ': keep-alive\n\n',
  anthropicEvent('ping', {}),
  anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hel' } }),
  anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'lo, Köln 🚀' } }),
  anthropicEvent('content_block_stop', { index: 0 }),
  anthropicEvent('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } }),
  anthropicEvent('message_stop', {}),
]

/** The streams the scripted SSE server sends, by request path (the real APIs' paths). */
export const SSE_ROUTES: Readonly<Record<string, readonly string[]>> = {
  '/v1/chat/completions': OPENAI_SSE,
  '/v1/messages': ANTHROPIC_SSE,
}

/** One dispatched Server-Sent Event: its type (`message` when none is named) and its data lines joined. */
export interface SseEvent {
  event: string
  data: string
}

/**
 * An incremental SSE reader (the WHATWG EventSource parsing rules for `\n` and
 * `\r\n` line ends, minus `id` and `retry`, which these streams do not use): `push` takes the body's bytes
 * as the client hands them, in any split, and returns the events completed so
 * far. A multi-byte character split across chunks is decoded whole.
 */
export class SseReader {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true })
  private buffer = ''
  private type = ''
  private data: string[] = []

  push(chunk: Uint8Array | string): SseEvent[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true })
    const out: SseEvent[] = []
    for (let end = this.buffer.indexOf('\n'); end !== -1; end = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, end).replace(/\r$/, '')
      this.buffer = this.buffer.slice(end + 1)
      if (line === '') {
        if (this.data.length > 0) out.push({ event: this.type || 'message', data: this.data.join('\n') })
        this.type = ''
        this.data = []
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') this.type = value
      else if (field === 'data') this.data.push(value)
    }
    return out
  }
}

/** The events of a whole body, read at once. */
export function sseEvents(body: Uint8Array | string): SseEvent[] {
  return new SseReader().push(body)
}
