// Load: 2,000 generation requests, 50 at a time, for an account with credit for 1,000. Exactly
// 1,000 succeed and 1,000 get 402; the balance ends at 0, the ledger sums to it, no 5xx; the
// model is asked exactly 1,000 times (the charge comes first: no image is described unpaid).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerOf, pngBase64, post, signup, startApiWithModel } from './support.mjs'

describe('load: 2,000 requests against 1,000 credits', () => {
  let model
  let api
  beforeAll(async () => {
    ;({ model, api } = await startApiWithModel({
      SIGNUP_CREDITS: '1000',
      RATE_LIMIT_PER_MINUTE: '100000',
    }))
  }, 120_000)
  afterAll(async () => {
    await api?.stop()
    await model?.close()
  })

  it('never overspends and never fails with a 5xx', async () => {
    const account = await signup(api)
    const statuses = new Map()
    const odd = []
    const unexpected = []
    let next = 0
    const worker = async () => {
      while (next < 2000) {
        // A new image each time: the same bytes again would be reused for free.
        const seed = next++
        const res = await post(
          `${api.url}/v1/alt-text`,
          { image: pngBase64(seed) },
          { authorization: `Bearer ${account.key}` },
        )
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        if (res.status >= 500 && odd.length < 3) odd.push(`${res.status} ${res.text.slice(0, 300)}`)
        if (res.status === 402) expect(res.body.error.code).toBe('insufficient_credits')
        // Keep what an unexpected answer said, so a failure names its cause.
        else if (res.status !== 200) unexpected.push(`${res.status} ${res.text.slice(0, 300)}`)
      }
    }
    await Promise.all(Array.from({ length: 50 }, worker))
    expect(unexpected).toEqual([])
    expect(Object.fromEntries(statuses), odd.join('\n')).toEqual({ 200: 1000, 402: 1000 })
    const { balance, ledger, usage } = await ledgerOf(api, account.token)
    expect(balance).toBe(0)
    expect(ledger.reduce((sum, row) => sum + row.delta, 0)).toBe(0)
    expect(usage).toHaveLength(1000)
    expect(model.calls).toBe(1000)
  }, 300_000)
})
