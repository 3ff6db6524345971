// Faults: the fake model fails 30% of calls with 429, 500, a dropped connection or a hang past the
// API's model timeout. Every request either succeeds and is charged exactly once, or fails cleanly
// (a documented error, charged nothing). Afterwards the ledger sums to the balance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerOf, pngBase64, post, signup, startApiWithModel } from './support.mjs'

describe('faults: a model failing 30% of the time', () => {
  let model
  let api
  beforeAll(async () => {
    ;({ model, api } = await startApiWithModel({
      SIGNUP_CREDITS: '1000',
      RATE_LIMIT_PER_MINUTE: '100000',
      MODEL_TIMEOUT_MS: '400',
    }))
  }, 120_000)
  afterAll(async () => {
    await api?.stop()
    await model?.close()
  })

  it('charges successes once and failures nothing', async () => {
    const account = await signup(api)
    model.reset()
    model.setFailRate(0.3, [
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 500 },
      'timeout',
      'reset',
    ])
    const outcomes = []
    let next = 0
    const worker = async () => {
      while (next < 200) {
        const i = next++
        const res = await post(
          `${api.url}/v1/alt-text`,
          { image: pngBase64(i) },
          { authorization: `Bearer ${account.key}` },
        )
        outcomes.push(res)
      }
    }
    await Promise.all(Array.from({ length: 20 }, worker))
    model.setFailRate(0, [])

    const ok = outcomes.filter((r) => r.status === 200)
    const failed = outcomes.filter((r) => r.status !== 200)
    for (const r of failed) {
      // A clean failure: the documented model error, never a 500 or a leaked provider detail.
      expect(r.status).toBe(502)
      expect(r.body.error.code).toBe('model_error')
      expect(r.text).not.toMatch(/fake failure|upstream|stack/i)
    }
    // The faults really happened: far more model calls than requests (retries and fallbacks).
    expect(model.calls).toBeGreaterThan(230)
    expect(ok.length).toBeGreaterThan(100)
    const spent = ok.reduce((sum, r) => sum + r.body.creditsUsed, 0)
    const { balance, ledger, usage } = await ledgerOf(api, account.token)
    expect(balance).toBe(1000 - spent)
    expect(ledger.reduce((sum, row) => sum + row.delta, 0)).toBe(balance)
    // One usage record per success, and none for failures.
    expect(usage.map((u) => u.id).sort()).toEqual(ok.map((r) => r.body.id).sort())
  }, 300_000)
})
