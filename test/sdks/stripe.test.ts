import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CannotOverwriteExistingCassetteError, VCR } from '@vcrjs/core'
import { vcrAgent } from '@vcrjs/http'
import { vcrDispatcher } from '@vcrjs/undici'
import Stripe from 'stripe'
import { getGlobalDispatcher, setGlobalDispatcher } from 'undici'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { type Certificate, selfSignedCertificate } from '../http/tls.js'
import { tempCassetteDir } from '../support/temp.js'
import { readSecretFreeCassette } from './cassette-file.js'
import { CUSTOMERS, type FakeStripe, STRIPE_KEY, startFakeStripe } from './fake-stripe.js'
import { networkLog } from './network-log.js'

type StripeConfig = NonNullable<ConstructorParameters<typeof Stripe>[1]>

/**
 * Stripe records against a local Stripe API and replays offline through each
 * transport it offers: node:http (its default, with vcrjs's agent as
 * `httpAgent`) and fetch (`Stripe.createFetchHttpClient()`, over Node's global
 * fetch with vcrjs's dispatcher installed globally, or over a fetch function
 * that hands fetch the dispatcher).
 */
interface Transport {
  transport: string
  /** Stripe's default protocol is https; the fake serves it with a self-signed certificate. */
  https?: true
  config(certificate: Certificate): StripeConfig
}

const transports: Transport[] = [
  {
    transport: 'node:https, its default (httpAgent: vcrAgent)',
    https: true,
    config: (certificate) => {
      const agent = vcrAgent(undefined, { ca: certificate.cert })
      onTestFinished(() => agent.destroy())
      return { httpAgent: agent }
    },
  },
  {
    transport: 'node:http (httpAgent: vcrAgent)',
    config: () => {
      const agent = vcrAgent(undefined, { protocol: 'http' })
      onTestFinished(() => agent.destroy())
      return { httpAgent: agent }
    },
  },
  {
    transport: 'fetch over the global dispatcher (createFetchHttpClient())',
    config: () => {
      const previous = getGlobalDispatcher()
      onTestFinished(() => setGlobalDispatcher(previous))
      const dispatcher = vcrDispatcher()
      onTestFinished(() => dispatcher.close())
      setGlobalDispatcher(dispatcher)
      return { httpClient: Stripe.createFetchHttpClient() }
    },
  },
  {
    transport: 'fetch with the dispatcher (createFetchHttpClient(fetchFn))',
    config: () => {
      const dispatcher = vcrDispatcher()
      onTestFinished(() => dispatcher.close())
      // Node's RequestInit types lack `dispatcher`, which Node's fetch accepts.
      return { httpClient: Stripe.createFetchHttpClient((url, init) => fetch(url, { ...init, dispatcher } as unknown as RequestInit)) }
    },
  },
]

/** A Stripe client as a test suite configures one against the fake; `idempotencyKeys` collects the key Stripe generated for each request. */
function stripeFor(fake: FakeStripe, config: StripeConfig) {
  const stripe = new Stripe(STRIPE_KEY, { host: '127.0.0.1', port: fake.port, protocol: fake.protocol, maxNetworkRetries: 0, ...config })
  const idempotencyKeys: Array<string | undefined> = []
  stripe.on('request', (event: Stripe.RequestEvent) => idempotencyKeys.push(event.idempotency_key))
  return { stripe, idempotencyKeys }
}

/** What an application sees of a session with the Stripe API: objects, a list walked with auto-pagination, a declined card's error. */
async function stripeSession(stripe: Stripe) {
  const ada = await stripe.customers.create({ email: 'ada@example.com', name: 'Ada', metadata: { plan: 'pro' } })
  const bob = await stripe.customers.create({ email: 'bob@example.com', name: 'Bob' })
  const listed: Stripe.Customer[] = []
  for await (const customer of stripe.customers.list({ limit: 2 })) listed.push(customer)
  const declined = await stripe.paymentIntents.create({ amount: 2000, currency: 'eur', payment_method: 'pm_card_chargeDeclined', confirm: true }).then(
    () => undefined,
    (error: unknown) => error as Stripe.errors.StripeError,
  )
  return {
    created: [ada, bob].map((customer) => ({ customer: { ...customer }, requestId: customer.lastResponse.requestId, status: customer.lastResponse.statusCode })),
    listed,
    declined: declined && {
      error: declined,
      type: declined.type,
      message: declined.message,
      code: declined.code,
      decline_code: declined.decline_code,
      statusCode: declined.statusCode,
      requestId: declined.requestId,
      raw: declined.raw,
    },
  }
}

describe('stripe', () => {
  it.each(transports)('records customers.create, an auto-paginated customers.list and a card error through $transport, and replays them offline in record mode once', async ({ https, config }) => {
    const network = networkLog()
    const certificate = await selfSignedCertificate()
    const fake = await startFakeStripe(https && certificate)
    const dir = await tempCassetteDir()
    // Stripe keeps a telemetry id under the user's config folder: keep it in this test's folder.
    vi.stubEnv('XDG_CONFIG_HOME', dir)
    onTestFinished(() => {
      vi.unstubAllEnvs()
    })
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const transport = config(certificate)

    const recording = stripeFor(fake, transport)
    const live = await vcr.useCassette('stripe.yaml', () => stripeSession(recording.stripe))
    expect(fake.served.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'POST /v1/customers',
      'POST /v1/customers',
      'GET /v1/customers?limit=2',
      'GET /v1/customers?limit=2&starting_after=cus_Fake4',
      'GET /v1/customers?limit=2&starting_after=cus_Fake2',
      'POST /v1/payment_intents',
    ])
    expect(live.created.map(({ customer }) => customer)).toMatchObject([
      { id: 'cus_New1', email: 'ada@example.com', metadata: { plan: 'pro' } },
      { id: 'cus_New2', email: 'bob@example.com' },
    ])
    expect(live.listed).toEqual(CUSTOMERS)
    expect(live.declined).toMatchObject({ type: 'StripeCardError', code: 'card_declined', decline_code: 'generic_decline', statusCode: 402, requestId: 'req_fake6' })
    expect(live.declined!.error).toBeInstanceOf(Stripe.errors.StripeCardError)
    // What makes Stripe's requests differ run to run: a random Idempotency-Key on each POST, and
    // from the second request on, telemetry with the previous request's id and duration.
    const posts = fake.served.filter(({ method }) => method === 'POST')
    expect(posts.map(({ idempotencyKey }) => idempotencyKey)).toEqual(recording.idempotencyKeys.filter((key) => key?.startsWith('stripe-node-retry-')))
    expect(new Set(posts.map(({ idempotencyKey }) => idempotencyKey)).size).toBe(3)
    expect(fake.served[0]!.telemetry).toBeUndefined()
    expect(JSON.parse(fake.served[1]!.telemetry!)).toMatchObject({ last_request_metrics: { request_id: 'req_fake1', request_duration_ms: expect.any(Number) } })
    expect(fake.served[0]).toMatchObject({ stripeVersion: Stripe.API_VERSION, contentType: 'application/x-www-form-urlencoded', body: 'email=ada%40example.com&name=Ada&metadata[plan]=pro' })
    expect(new Set(network.hosts)).toEqual(new Set(['127.0.0.1']))

    const file = join(dir, 'stripe.yaml')
    const { text, interactions } = await readSecretFreeCassette(file, [STRIPE_KEY])
    expect(interactions).toHaveLength(6)
    expect(interactions[0]!.request.body).toBe('email=ada%40example.com&name=Ada&metadata[plan]=pro')
    expect(interactions[1]!.request.headers['X-Stripe-Client-Telemetry']?.[0]).toContain('req_fake1')

    await fake.close()
    network.reset()
    const replaying = stripeFor(fake, transport)
    const replayed = await vcr.useCassette('stripe.yaml', (cassette) => {
      expect(cassette.recordMode).toBe('once')
      return stripeSession(replaying.stripe)
    })
    const { declined: liveDeclined, ...liveRest } = live
    const { declined: replayedDeclined, ...replayedRest } = replayed
    expect(replayedRest).toEqual(liveRest)
    const { error: liveError, ...liveData } = liveDeclined!
    const { error: replayedError, ...replayedData } = replayedDeclined!
    expect(replayedData).toEqual(liveData)
    expect(replayedError).toBeInstanceOf(Stripe.errors.StripeCardError)
    expect(replayedError.constructor).toBe(liveError.constructor)
    // The replay sent new random keys (and its own telemetry), and the default matchers ignore headers.
    const replayedKeys = replaying.idempotencyKeys.filter((key) => key?.startsWith('stripe-node-retry-'))
    expect(replayedKeys).toHaveLength(3)
    for (const key of replayedKeys) expect(recording.idempotencyKeys).not.toContain(key)
    // Nothing was attempted on the network, and 'once' re-recorded nothing: the file is as it was.
    expect(network.sockets).toBe(0)
    expect(network.hosts.filter((host) => host !== '127.0.0.1')).toEqual([])
    expect(await readFile(file, 'utf8')).toBe(text)
  })

  it.each(transports)("a request the cassette lacks fails through $transport with the core error as the StripeConnectionError's detail, naming no key", async ({ https, config }) => {
    const certificate = await selfSignedCertificate()
    const fake = await startFakeStripe(https && certificate)
    const dir = await tempCassetteDir()
    vi.stubEnv('XDG_CONFIG_HOME', dir)
    onTestFinished(() => {
      vi.unstubAllEnvs()
    })
    const vcr = new VCR({ cassetteLibraryDir: dir })
    const transport = config(certificate)
    await vcr.useCassette('stripe.yaml', () => stripeFor(fake, transport).stripe.customers.create({ email: 'ada@example.com' }))
    await fake.close()

    const error = await vcr.useCassette('stripe.yaml', () =>
      stripeFor(fake, transport)
        .stripe.customers.retrieve('cus_New1')
        .then(() => undefined, (e: unknown) => e as Stripe.errors.StripeConnectionError),
    )
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError)
    let cause: unknown = error!.detail
    while (cause instanceof Error && !(cause instanceof CannotOverwriteExistingCassetteError)) cause = cause.cause
    expect(cause).toBeInstanceOf(CannotOverwriteExistingCassetteError)
    expect((cause as Error).message).toContain(`GET ${fake.protocol}://127.0.0.1:${fake.port}/v1/customers/cus_New1`)
    expect((cause as Error).message).not.toContain(STRIPE_KEY)
    expect(fake.served).toHaveLength(1)
  })

  it('with filterDefaults off, the secret scan refuses to save the key Stripe sends as `Authorization: Bearer sk_test_...`', async () => {
    const fake = await startFakeStripe()
    const dir = await tempCassetteDir()
    vi.stubEnv('XDG_CONFIG_HOME', dir)
    onTestFinished(() => {
      vi.unstubAllEnvs()
    })
    const vcr = new VCR({ cassetteLibraryDir: dir, filterDefaults: false })
    const transport = transports[1]!.config(await selfSignedCertificate())
    const saved = vcr.useCassette('stripe.yaml', () => stripeFor(fake, transport).stripe.customers.create({ email: 'ada@example.com' }))
    // sk_test_ keys are no known format (they reach test data only); the Bearer scheme is what gives this one away.
    await expect(saved).rejects.toMatchObject({ code: 'VCR_SECRET_IN_CASSETTE', message: expect.stringMatching(/request header Authorization: bearer credential/i) })
    await expect(saved).rejects.not.toMatchObject({ message: expect.stringContaining(STRIPE_KEY) })
    await expect(readFile(join(dir, 'stripe.yaml'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(fake.served).toHaveLength(1)
  })

  it('additionalMatchers body tells two creates apart by their form fields, whatever the Idempotency-Key', async () => {
    const fake = await startFakeStripe()
    const dir = await tempCassetteDir()
    vi.stubEnv('XDG_CONFIG_HOME', dir)
    onTestFinished(() => {
      vi.unstubAllEnvs()
    })
    const vcr = new VCR({ cassetteLibraryDir: dir, additionalMatchers: ['body'] })
    const transport = transports[1]!.config(await selfSignedCertificate())
    const createBoth = (stripe: Stripe, order: string[]) =>
      Promise.all(order.map((name) => stripe.customers.create({ email: `${name.toLowerCase()}@example.com`, name }).then((customer) => `${customer.name} ${customer.id}`)))
    const live = await vcr.useCassette('stripe.yaml', () => createBoth(stripeFor(fake, transport).stripe, ['Ada', 'Bob']))
    await fake.close()
    // In the other order, each create still gets its own recorded answer.
    const replayed = await vcr.useCassette('stripe.yaml', () => createBoth(stripeFor(fake, transport).stripe, ['Bob', 'Ada']))
    expect(live).toEqual(['Ada cus_New1', 'Bob cus_New2'])
    expect(replayed).toEqual(['Bob cus_New2', 'Ada cus_New1'])
  })
})
