/**
 * The interactions every tool is measured on: GET requests to distinct URLs,
 * each answered by a ~700-byte JSON body with the headers a typical API sends.
 * Deterministic, so every format holds the same interactions.
 */
export interface BenchInteraction {
  readonly path: string
  readonly requestHeaders: Readonly<Record<string, string>>
  readonly status: number
  readonly responseHeaders: Readonly<Record<string, string>>
  readonly body: string
}

export const REQUEST_HEADERS: Readonly<Record<string, string>> = { Accept: 'application/json', 'User-Agent': 'vcrjs-bench' }

const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ')

export function interactionPath(index: number): string {
  return `/items/${index}?page=${index % 50}&fields=all`
}

export function benchInteraction(index: number): BenchInteraction {
  const body = itemBody(index)
  return {
    path: interactionPath(index),
    requestHeaders: REQUEST_HEADERS,
    status: 200,
    responseHeaders: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'Cache-Control': 'private, max-age=60',
      Date: 'Mon, 24 Nov 2025 10:00:00 GMT',
      ETag: `W/"${index.toString(16)}-bench"`,
    },
    body,
  }
}

function itemBody(index: number): string {
  const words = Array.from({ length: 60 }, (_, at) => WORDS[(index + at * 7) % WORDS.length])
  const item = {
    id: index,
    type: 'item',
    name: `Item number ${index}`,
    slug: `item-${index}`,
    owner: { id: index % 97, login: `user${index % 97}`, url: `https://api.example.test/users/${index % 97}` },
    created_at: '2025-11-24T10:00:00Z',
    tags: ['alpha', 'beta', 'gamma'].slice(0, 1 + (index % 3)),
    price: { amount: (index * 37) % 10_000, currency: 'EUR' },
    description: words.join(' '),
  }
  return pad(JSON.stringify(item), 700)
}

/** Fills `notes` so every body is close to `size` bytes, whatever the index's digits. */
function pad(json: string, size: number): string {
  const missing = size - json.length - ',"notes":""'.length
  return missing > 0 ? `${json.slice(0, -1)},"notes":"${'x'.repeat(missing)}"}` : json
}
