/**
 * Runs once in Node before the test files (which run inside workerd): starts the fake Stripe API
 * as a real HTTP server on loopback and hands its URL to the Worker's bindings (vitest.config.ts).
 */
import type { TestProject } from 'vitest/node'
import { startCollector } from './contract/collector.js'

/** The part of testkit's fake Stripe used here (testkit is JavaScript with JSDoc types). */
interface FakeStripe {
  url: string
  close(): Promise<void>
}
type StartFakeStripe = (options: { secretKey: string }) => Promise<FakeStripe>

/** The secrets the tests configure the Worker with (fake values; the fake checks the key). */
export const TEST_STRIPE = {
  secretKey: 'sk_test_alttextapi_fake',
  webhookSecret: 'whsec_test_alttextapi_fake',
} as const

export default async function setup(project: TestProject) {
  const testkit = new URL('../../testkit/src/fake-stripe.js', import.meta.url).href
  const { startFakeStripe } = (await import(testkit)) as { startFakeStripe: StartFakeStripe }
  const stripe = await startFakeStripe({ secretKey: TEST_STRIPE.secretKey })
  project.provide('fakeStripeUrl', stripe.url)
  // Exchanges of api() calls, for the contract test that runs after these tests (test/contract).
  const collector = await startCollector()
  project.provide('exchangeCollectorUrl', collector.url)
  return async () => {
    await stripe.close()
    await collector.close()
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    fakeStripeUrl: string
    exchangeCollectorUrl: string
  }
}
