import type { DemoCall } from './demo-client.js'

/** The calls every client makes: what a typical API-consuming app does. */
export const CALLS: readonly DemoCall[] = [
  { label: 'JSON GET', method: 'GET', path: '/json' },
  {
    label: 'POST a JSON body',
    method: 'POST',
    path: '/echo',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'vcrjs', tags: ['record', 'replay'] }),
  },
  { label: 'gzip-compressed JSON', method: 'GET', path: '/gzip' },
  { label: 'redirect chain (2 hops)', method: 'GET', path: '/redirect/2' },
  { label: 'two Set-Cookie headers', method: 'GET', path: '/cookies' },
  { label: 'a slow endpoint (300 ms)', method: 'GET', path: '/slow?ms=300' },
]
