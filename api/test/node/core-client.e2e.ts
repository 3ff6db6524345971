/**
 * The client against the real API: the Worker runs in workerd (`wrangler dev`, local D1) with a
 * fake OpenRouter behind it. Every route the client calls is exercised once, the batch endpoint's
 * per-item answers reach single callers through the batcher, and running out of credits gives a
 * typed 402 that is not retried.
 */

import { type AltTextClient, AltTextError, createBatcher, createClient } from '@alttextapi/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/** The parts of testkit (plain JS, outside this package's Worker-typed tsconfig) used here. */
interface Testkit {
  startApi(options: {
    vars: Record<string, string>
  }): Promise<{ url: string; stop(): Promise<void> }>
  startFakeModel(): Promise<{
    url: string
    calls: number
    requests: { images: unknown[] }[]
    close(): Promise<void>
  }>
  tinyPng(seed: number): Uint8Array<ArrayBuffer>
}

const { startApi, startFakeModel, tinyPng } = (await import(
  new URL('../../../testkit/src/index.js', import.meta.url).href
)) as Testkit

let api: Awaited<ReturnType<typeof startApi>>
let model: Awaited<ReturnType<typeof startFakeModel>>
let client: AltTextClient
const SIGNUP_CREDITS = 6

beforeAll(async () => {
  model = await startFakeModel()
  api = await startApi({
    vars: {
      OPENROUTER_API_KEY: 'sk-fake',
      OPENROUTER_BASE_URL: model.url,
      SIGNUP_CREDITS: String(SIGNUP_CREDITS),
    },
  })
  const signup = await fetch(`${api.url}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'core@example.com', password: 'correct horse battery' }),
  })
  expect(signup.status).toBe(201)
  const { apiKey } = (await signup.json()) as { apiKey: { key: string } }
  client = createClient({ apiKey: apiKey.key, baseUrl: api.url, retryBaseMs: 1 })
}, 120_000)

afterAll(async () => {
  await api?.stop()
  await model?.close()
})

describe('against the real API', () => {
  it('reads models, account and credits', async () => {
    const { models } = await client.models()
    expect(models.length).toBeGreaterThan(0)
    expect(models.filter((m) => m.default)).toHaveLength(1)
    const account = await client.account()
    expect(account).toMatchObject({ email: 'core@example.com', credits: SIGNUP_CREDITS })
    const credits = await client.credits()
    expect(credits.balance).toBe(SIGNUP_CREDITS)
    expect(credits.ledger.map((entry) => entry.reason)).toEqual(['signup'])
  })

  it('generates from bytes, then from a Blob via the batcher, and records usage', async () => {
    const png = tinyPng(1)
    const one = await client.generate({ image: png, language: 'en', context: 'A test page' })
    expect(one.altText.length).toBeGreaterThan(0)
    expect(one.creditsUsed).toBeGreaterThan(0)
    expect(model.requests.at(-1)?.images).toHaveLength(1)

    const batcher = createBatcher(client, { maxWaitMs: 10 })
    const [a, b] = await Promise.all([
      batcher.generate({ image: new Blob([tinyPng(2)]) }),
      batcher.generate({ image: tinyPng(3), language: 'de' }),
    ])
    expect(a.altText.length).toBeGreaterThan(0)
    expect(b.language).toBe('de')
    expect(b.creditsRemaining).toBe(a.creditsRemaining)

    const usage = await client.usage({ limit: 10 })
    expect(usage.records.length).toBe(3)
    expect(usage.records.some((r) => r.endpoint.includes('batch'))).toBe(true)
  })

  it('running out of credits is a typed 402, per item in a batch and for a single call', async () => {
    const { balance } = await client.credits()
    const price = (await client.models()).models.find((m) => m.default)?.credits ?? 1
    const affordable = Math.floor(balance / price)
    const images = Array.from({ length: affordable + 1 }, (_, i) => ({ image: tinyPng(10 + i) }))
    const batch = await client.generateBatch({ images })
    const failed = batch.results.filter((r) => 'error' in r)
    expect(failed).toHaveLength(1)
    expect(batch.creditsUsed).toBe(affordable * price)
    for (const result of failed) {
      expect(result).toMatchObject({ error: { code: 'insufficient_credits' } })
    }
    expect(batch.creditsRemaining).toBe(balance - affordable * price)

    const calls = model.calls
    // Whatever is left is below the price: the single call is refused before any model call.
    expect(batch.creditsRemaining).toBeLessThan(price)
    const error = await client.generate({ image: tinyPng(9) }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AltTextError)
    expect(error).toMatchObject({ code: 'insufficient_credits', status: 402 })
    expect((error as AltTextError).message).toContain('Buy more credits')
    expect(model.calls).toBe(calls)
  })

  it('a wrong key is a 401 whose message points at ALTTEXT_API_KEY', async () => {
    const wrong = createClient({ apiKey: `atk_${'x'.repeat(40)}`, baseUrl: api.url })
    const error = await wrong.account().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 })
    expect((error as AltTextError).message).toContain('ALTTEXT_API_KEY')
  })
})
