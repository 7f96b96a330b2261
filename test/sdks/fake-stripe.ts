import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { listenOnLoopback } from '../support/listen.js'

/** A test-mode secret key as Stripe issues them (`sk_test_` + 24 base62 or more); built here, never issued. */
export const STRIPE_KEY = `sk_test_${'51VcrjsLocalFake'.repeat(3).slice(0, 40)}`

/** The customers the list endpoint holds, newest first as Stripe lists them. */
export const CUSTOMERS = Array.from({ length: 5 }, (_, i) => customer(`cus_Fake${5 - i}`, `c${5 - i}@example.com`, `Customer ${5 - i}`, {}))

export interface FakeStripe {
  /** Stripe's `protocol` option for this fake. */
  readonly protocol: 'http' | 'https'
  readonly port: number
  /** What the fake saw of each request, in order: method, path with query, and the headers the tests check. */
  readonly served: Array<{ method: string; url: string; idempotencyKey?: string; telemetry?: string; stripeVersion?: string; contentType?: string; body: string }>
  close(): Promise<void>
}

function customer(id: string, email: string, name: string, metadata: Record<string, string>) {
  return { id, object: 'customer', email, name, metadata, created: 1764460800, livemode: false, balance: 0, currency: null, delinquent: false }
}

/**
 * A local Stripe API (v1) for the calls the Stripe tests make, in the real
 * API's wire shape: form-encoded request bodies (`metadata[plan]=pro`), JSON
 * answers with `request-id`, the `stripe-version` in force and the
 * `idempotency-key` echoed on a POST, `object: 'list'` pages with `has_more`
 * for cursor pagination (`starting_after`), and a 402 `card_error` for a
 * declined card. A request without `Authorization: Bearer <STRIPE_KEY>` gets
 * Stripe's 401. Over https with `tls` (Stripe's default protocol). Closed when the test finishes.
 */
export async function startFakeStripe(tls?: { key: string; cert: string }): Promise<FakeStripe> {
  const served: FakeStripe['served'] = []
  let created = 0
  const listener: RequestListener = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const header = (name: string) => req.headers[name] as string | undefined
      served.push({
        method: req.method!,
        url: req.url!,
        idempotencyKey: header('idempotency-key'),
        telemetry: header('x-stripe-client-telemetry'),
        stripeVersion: header('stripe-version'),
        contentType: header('content-type'),
        body,
      })
      route(req, res, body, served.length)
    })
  }
  const server = tls ? createHttpsServer(tls, listener) : createServer(listener)
  const { port, close } = await listenOnLoopback(server)

  function route(req: IncomingMessage, res: ServerResponse, body: string, n: number) {
    const url = new URL(req.url!, 'http://stripe.local')
    const send = (status: number, data: unknown) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': `req_fake${n}`, 'stripe-version': String(req.headers['stripe-version']) }
      if (req.method === 'POST' && req.headers['idempotency-key']) headers['idempotency-key'] = String(req.headers['idempotency-key'])
      res.writeHead(status, headers)
      res.end(JSON.stringify(data))
    }
    if (req.headers.authorization !== `Bearer ${STRIPE_KEY}`) {
      return send(401, { error: { message: 'Invalid API Key provided', type: 'invalid_request_error' } })
    }
    if (req.method === 'POST' && url.pathname === '/v1/customers') {
      const form = new URLSearchParams(body)
      const metadata: Record<string, string> = {}
      for (const [key, value] of form) {
        const field = /^metadata\[(.+)\]$/.exec(key)
        if (field) metadata[field[1]!] = value
      }
      created++
      return send(200, customer(`cus_New${created}`, form.get('email') ?? '', form.get('name') ?? '', metadata))
    }
    if (req.method === 'GET' && url.pathname === '/v1/customers') {
      const limit = Number(url.searchParams.get('limit') ?? 10)
      const after = url.searchParams.get('starting_after')
      const start = after ? CUSTOMERS.findIndex((c) => c.id === after) + 1 : 0
      const data = CUSTOMERS.slice(start, start + limit)
      return send(200, { object: 'list', url: '/v1/customers', has_more: start + limit < CUSTOMERS.length, data })
    }
    if (req.method === 'POST' && url.pathname === '/v1/payment_intents') {
      const form = new URLSearchParams(body)
      if (form.get('payment_method') === 'pm_card_chargeDeclined') {
        return send(402, {
          error: {
            code: 'card_declined',
            decline_code: 'generic_decline',
            doc_url: 'https://stripe.com/docs/error-codes/card-declined',
            message: 'Your card was declined.',
            param: '',
            type: 'card_error',
            payment_intent: { id: 'pi_Fake1', object: 'payment_intent', amount: Number(form.get('amount')), currency: form.get('currency'), status: 'requires_payment_method' },
          },
        })
      }
      return send(200, { id: 'pi_Fake2', object: 'payment_intent', amount: Number(form.get('amount')), currency: form.get('currency'), status: 'succeeded' })
    }
    send(404, { error: { message: `Unrecognized request URL (${req.method}: ${url.pathname}).`, type: 'invalid_request_error' } })
  }

  return { protocol: tls ? 'https' : 'http', port, served, close }
}
