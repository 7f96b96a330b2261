import Anthropic from '@anthropic-ai/sdk'
import { VCR } from '@vcrjs/core'
import { vcrDispatcher } from '@vcrjs/undici'
import OpenAI from 'openai'
import { type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici'
import { describe, expect, it, onTestFinished } from 'vitest'
import { startSseServer } from './support/sse-server.js'
import { tempCassetteDir } from './support/temp.js'

/**
 * The two LLM SDKs most Node tests stream through, each against a local fake
 * of its streaming endpoint with the real wire shape, recorded and replayed
 * through global fetch and through the SDK's own `fetchOptions.dispatcher`.
 */
interface Sdk {
  id: string
  /** The SSE events the fake endpoint sends, one write each. */
  wire: readonly string[]
  /** Opens a streamed completion; its iterator yields the SDK's own chunk or event objects. */
  open(baseURL: string, fetchOptions: RequestInit | undefined): Promise<AsyncIterable<unknown>>
  /** What a test compares: the delta text of an item, or its type. */
  describe(item: unknown): string
}

// Each SDK types fetchOptions with its own copy of the fetch types.
type OpenAIOptions = NonNullable<ConstructorParameters<typeof OpenAI>[0]>
type AnthropicOptions = NonNullable<ConstructorParameters<typeof Anthropic>[0]>

const openaiChunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-test', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`

const anthropicEvent = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`

const sdks: Sdk[] = [
  {
    id: 'openai',
    wire: [
      openaiChunk({ role: 'assistant', content: '' }),
      openaiChunk({ content: 'Hel' }),
      openaiChunk({ content: 'lo' }),
      openaiChunk({}, 'stop'),
      'data: [DONE]\n\n',
    ],
    async open(baseURL, fetchOptions) {
      const client = new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0, ...(fetchOptions ? { fetchOptions: fetchOptions as OpenAIOptions['fetchOptions'] } : {}) })
      return client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], stream: true })
    },
    describe: (item) => {
      const choice = (item as OpenAI.ChatCompletionChunk).choices[0]!
      return choice.finish_reason ?? `delta ${JSON.stringify(choice.delta.content)}`
    },
  },
  {
    id: '@anthropic-ai/sdk',
    wire: [
      anthropicEvent('message_start', {
        message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-test', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } },
      }),
      anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hel' } }),
      anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'lo' } }),
      anthropicEvent('content_block_stop', { index: 0 }),
      anthropicEvent('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } }),
      anthropicEvent('message_stop', {}),
    ],
    async open(baseURL, fetchOptions) {
      const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL, maxRetries: 0, ...(fetchOptions ? { fetchOptions: fetchOptions as AnthropicOptions['fetchOptions'] } : {}) })
      return client.messages.create({ model: 'claude-test', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }], stream: true })
    },
    describe: (item) => {
      const event = item as Anthropic.RawMessageStreamEvent
      return event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? `delta ${JSON.stringify(event.delta.text)}` : event.type
    },
  },
]

const routes = [
  { route: 'global fetch', through: (dispatcher: Dispatcher): RequestInit | undefined => (setGlobalDispatcher(dispatcher), undefined) },
  // Node's RequestInit types lack `dispatcher`, which Node's fetch accepts (undici's own types have it).
  { route: 'fetchOptions.dispatcher', through: (dispatcher: Dispatcher) => ({ dispatcher }) as unknown as RequestInit },
]

describe.each(sdks)('$id streaming', (sdk) => {
  it.each(routes)('records through $route with each event reaching the SDK before the next is sent, and replays it offline', async ({ through }) => {
    const previous = getGlobalDispatcher()
    onTestFinished(() => setGlobalDispatcher(previous))
    const dispatcher = vcrDispatcher()
    onTestFinished(() => dispatcher.close())
    const server = await startSseServer()
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const baseURL = server.url('/v1')

    const recorded = await vcr.useCassette('completion.yaml', async () => {
      const iterator = (await sdk.open(baseURL, through(dispatcher)))[Symbol.asyncIterator]()
      await server.opened()
      const items: string[] = []
      for (const event of sdk.wire) {
        server.send(event)
        if (event === 'data: [DONE]\n\n') continue // ends OpenAI's stream, yields nothing
        const next = await iterator.next()
        items.push(sdk.describe(next.value))
        server.events.push(`SDK got ${items.at(-1)}`)
      }
      server.end()
      expect((await iterator.next()).done).toBe(true)
      return items
    })
    // Each item reached the SDK's iterator before the server sent the next event: the stream went through live.
    const order = server.events.filter((event) => event.startsWith('sent') || event.startsWith('SDK got'))
    expect(order.slice(0, 4)).toEqual(['sent 1', `SDK got ${recorded[0]}`, 'sent 2', `SDK got ${recorded[1]}`])
    expect(recorded).toContain('delta "Hel"')
    await server.close()

    const replayed = await vcr.useCassette(
      'completion.yaml',
      async () => {
        const items: string[] = []
        for await (const item of await sdk.open(baseURL, through(dispatcher))) items.push(sdk.describe(item))
        return items
      },
      { recordMode: 'none' },
    )
    expect(replayed).toEqual(recorded)
  })
})
