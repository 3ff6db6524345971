import { env } from 'cloudflare:workers'
import type { BatchResponse } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { pngFile } from '../../../testkit/src/image-files.js'
import { account, b64, balanceOf, call, fakeModel, varsFor } from '../../test/generation.js'
import { expectError, expectLedgerInvariant } from '../../test/helpers.js'

const images = env.IMAGE_SERVER_URL
const local = { ALLOW_PRIVATE_IMAGE_URLS: 'true' }
type Result = BatchResponse['results'][number]
type ItemError = Extract<Result, { error: unknown }>
const isError = (result: Result): result is ItemError => 'error' in result

describe('POST /v1/alt-text/batch', () => {
  it('answers in order; a bad image fails alone and costs nothing', async () => {
    const model = await fakeModel()
    await model.reply('A small red square')
    const { key, user } = await account(10)
    const res = await call('/v1/alt-text/batch', {
      key,
      json: {
        language: 'es',
        images: [
          { image: b64(pngFile(1, 1, 1)), context: 'primera' },
          { imageUrl: `${images}/html` },
          { imageUrl: `${images}/jpeg`, language: 'it', maxLength: 30 },
          { image: b64(new TextEncoder().encode('plain text')) },
        ],
      },
      vars: varsFor(model, local),
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const body = await res.json<BatchResponse>()
    expect(body.results).toHaveLength(4)
    expect(body.results[0]).toMatchObject({
      altText: 'A small red square',
      language: 'es',
      model: 'google/gemini-2.5-flash-lite',
      creditsUsed: 1,
    })
    expect(body.results[1]).toMatchObject({ error: { code: 'image_fetch_failed' } })
    expect(body.results[2]).toMatchObject({
      altText: 'A small red square',
      language: 'it',
      creditsUsed: 1,
    })
    expect(body.results[3]).toMatchObject({ error: { code: 'unsupported_media_type' } })
    expect(body.creditsUsed).toBe(2)
    expect(body.creditsRemaining).toBe(8)
    expect(await balanceOf(user.id)).toBe(8)
    await expectLedgerInvariant(user.id)
    const prompts = (await model.requests()).map((r) => r.prompt)
    expect(prompts.some((p) => p.includes('primera') && p.includes('(es)'))).toBe(true)
    expect(prompts.some((p) => p.includes('(it)') && p.includes('30 characters'))).toBe(true)
    const { results } = await env.DB.prepare('SELECT endpoint FROM usage WHERE user_id = ?')
      .bind(user.id)
      .all<{ endpoint: string }>()
    expect(results.map((r) => r.endpoint)).toEqual(['/v1/alt-text/batch', '/v1/alt-text/batch'])
  })

  it('fails the items beyond the balance individually and the rest succeed', async () => {
    const model = await fakeModel()
    const { key, user } = await account(3)
    const res = await call('/v1/alt-text/batch', {
      key,
      json: {
        images: Array.from({ length: 7 }, (_, i) => ({ image: b64(pngFile(1, 1, 100 + i)) })),
      },
      vars: varsFor(model),
    })
    expect(res.status).toBe(200)
    const body = await res.json<BatchResponse>()
    expect(body.results.filter((r) => !isError(r))).toHaveLength(3)
    const failed = body.results.filter(isError)
    expect(failed).toHaveLength(4)
    for (const item of failed) expect(item.error.code).toBe('insufficient_credits')
    expect(body).toMatchObject({ creditsUsed: 3, creditsRemaining: 0 })
    expect(await expectLedgerInvariant(user.id)).toBe(0)
    expect(await model.requests()).toHaveLength(3)
  })

  it('refunds an item whose models all fail and keeps the others', async () => {
    const model = await fakeModel()
    // The first image's requested model and both fallbacks fail; later calls succeed.
    await model.failNext(3, 'empty')
    const { key, user } = await account(5)
    const res = await call('/v1/alt-text/batch', {
      key,
      json: { images: [{ image: b64(pngFile(1, 1, 200)) }] },
      vars: varsFor(model),
    })
    const body = await res.json<BatchResponse>()
    expect(body.results[0]).toMatchObject({ error: { code: 'model_error' } })
    expect(body).toMatchObject({ creditsUsed: 0, creditsRemaining: 5 })
    const second = await call('/v1/alt-text/batch', {
      key,
      json: { images: [{ image: b64(pngFile(1, 1, 201)) }] },
      vars: varsFor(model),
    })
    expect((await second.json<BatchResponse>()).creditsUsed).toBe(1)
    expect(await expectLedgerInvariant(user.id)).toBe(4)
  })

  it('stops asking models that keep failing, so an outage fails fast and costs nothing', async () => {
    const model = await fakeModel()
    await model.failNext(100, { status: 500 })
    const { key, user } = await account(20)
    const images = Array.from({ length: 12 }, (_, i) => ({ image: b64(pngFile(1, 1, 400 + i)) }))
    const res = await call('/v1/alt-text/batch', { key, json: { images }, vars: varsFor(model) })
    const body = await res.json<BatchResponse>()
    for (const result of body.results)
      expect(result).toMatchObject({ error: { code: 'model_error' } })
    expect(body).toMatchObject({ creditsUsed: 0, creditsRemaining: 20 })
    // Without the shared health, 12 items × 2 models × 3 attempts = 72 calls. With it, the first
    // four items (in flight together) and a few that started before both models were written off.
    expect((await model.stats()).calls).toBeLessThanOrEqual(36)
    expect(await expectLedgerInvariant(user.id)).toBe(20)
  })

  it('stops the whole batch when the provider account is out of credit', async () => {
    const model = await fakeModel()
    await model.failNext(100, { status: 402 })
    const { key } = await account(20)
    const images = Array.from({ length: 10 }, (_, i) => ({ image: b64(pngFile(1, 1, 500 + i)) }))
    const body = await (
      await call('/v1/alt-text/batch', { key, json: { images }, vars: varsFor(model) })
    ).json<BatchResponse>()
    expect(body.results.every((r) => isError(r) && r.error.code === 'model_error')).toBe(true)
    expect((await model.stats()).calls).toBeLessThanOrEqual(4)
  })

  it('refuses a malformed batch as a whole', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const vars = varsFor(model)
    await expectError(
      await call('/v1/alt-text/batch', { key, json: { images: [] }, vars }),
      400,
      'invalid_request',
    )
    await expectError(
      await call('/v1/alt-text/batch', {
        key,
        json: { images: Array.from({ length: 51 }, () => ({ image: b64(pngFile()) })) },
        vars,
      }),
      400,
      'invalid_request',
    )
    const mixed = await call('/v1/alt-text/batch', {
      key,
      json: { images: [{ image: b64(pngFile()) }, { language: 'en' }] },
      vars,
    })
    expect((await expectError(mixed, 400, 'invalid_request')).error.message).toContain('images[1]')
    await expectError(
      await call('/v1/alt-text/batch', {
        key,
        json: { images: [{ image: b64(pngFile()) }], model: 'nope/nope' },
        vars,
      }),
      400,
      'invalid_request',
    )
    expect(await balanceOf(user.id)).toBe(5)
    expect(await model.requests()).toHaveLength(0)
  })

  it('answers 402 as a whole when not even one image can be paid for', async () => {
    const model = await fakeModel()
    const { key } = await account(0)
    await expectError(
      await call('/v1/alt-text/batch', {
        key,
        json: { images: [{ image: b64(pngFile()) }] },
        vars: varsFor(model),
      }),
      402,
      'insufficient_credits',
    )
  })

  it('runs at most 4 model calls at once', async () => {
    const model = await fakeModel()
    const { key } = await account(12)
    // Every call takes a while, so calls overlap as much as the batch lets them.
    await model.latency(150)
    const res = await call('/v1/alt-text/batch', {
      key,
      json: {
        images: Array.from({ length: 12 }, (_, i) => ({ image: b64(pngFile(1, 1, 300 + i)) })),
      },
      vars: varsFor(model),
    })
    expect((await res.json<BatchResponse>()).creditsUsed).toBe(12)
    const { calls, maxInFlight } = await model.stats()
    expect(calls).toBe(12)
    expect(maxInFlight).toBe(4)
  })

  it('pays exactly as many images as the balance allows across 6 parallel batches', async () => {
    const model = await fakeModel()
    const { key, user } = await account(9)
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, b) =>
        call('/v1/alt-text/batch', {
          key,
          // Distinct images: the same bytes again would be reused, free.
          json: {
            images: Array.from({ length: 4 }, (_, i) => ({
              image: b64(pngFile(1, 1, 2000 + b * 4 + i)),
            })),
          },
          headers: { 'idempotency-key': crypto.randomUUID() },
          vars: varsFor(model),
        }),
      ),
    )
    let served = 0
    for (const res of answers) {
      // A batch that could pay for nothing answers 402 as a whole; the others item by item.
      if (res.status === 402) continue
      expect(res.status, await res.clone().text()).toBe(200)
      const body = (await res.json()) as BatchResponse
      served += body.results.filter((result) => !isError(result)).length
      for (const result of body.results.filter(isError)) {
        expect(result.error.code).toBe('insufficient_credits')
      }
    }
    expect(served).toBe(9)
    expect((await model.stats()).calls).toBe(9)
    expect(await balanceOf(user.id)).toBe(0)
    // Every run and every paid item is settled; no refused claim is left behind.
    const { results } = await env.DB.prepare(
      "SELECT count(*) AS n FROM idempotency_keys WHERE user_id = ? AND status <> 'done'",
    )
      .bind(user.id)
      .all<{ n: number }>()
    expect(results[0]?.n).toBe(0)
    await expectLedgerInvariant(user.id)
  })
})
