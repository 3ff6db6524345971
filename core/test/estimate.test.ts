/** Estimates before a run spends: price from the model list, balance from GET /v1/credits. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createClient } from '../src/index.js'
import { budgetStop, estimateCost, formatEstimate } from '../src/node/index.js'
import { apiError, type FakeApi, type Handler, json, startFakeApi } from './fake-server.js'

let api: FakeApi
beforeEach(async () => {
  api = await startFakeApi()
})
afterEach(async () => {
  await api.close()
})
const client = () =>
  createClient({
    apiKey: 'atk_0123456789abcdefghijklmnopqrstuvwxyz',
    baseUrl: api.url,
    maxRetries: 0,
  })

/** Answers by path, whatever the order the two requests arrive in. */
const byPath =
  (routes: Record<string, Handler>): Handler =>
  (req, res, body) =>
    (routes[(req.url ?? '').split('?')[0] as string] ?? apiError(404, 'not_found'))(req, res, body)

const models = json(200, {
  models: [
    { id: 'cheap', name: 'Cheap', credits: 1, default: true },
    { id: 'fine', name: 'Fine', credits: 3, default: false },
  ],
})
const credits = (balance: number) => json(200, { balance, ledger: [] })

describe('estimateCost', () => {
  it('prices the images to send with the model asked for, against the balance and budget', async () => {
    api.script(...Array(2).fill(byPath({ '/v1/models': models, '/v1/credits': credits(10) })))
    const e = await estimateCost(client(), { planned: 4, cached: 7, model: 'fine', maxCredits: 20 })
    expect(e).toMatchObject({ toDescribe: 4, cached: 7, pricePerImage: 3, creditsNeeded: 12 })
    expect(e).toMatchObject({ balance: 10, enough: false, withinBudget: true })
    expect(formatEstimate(e)).toBe(
      '4 images to describe (up to 12 credits), 7 cached; balance 10 credits: 2 more credits needed; budget 20 credits',
    )
    expect(api.seen.map((s) => s.path).sort()).toEqual(['/v1/credits', '/v1/models'])
  })

  it('uses the default model, and reads nothing but the balance when nothing is to send', async () => {
    api.script(byPath({ '/v1/credits': credits(1) }))
    const e = await estimateCost(client(), { planned: 0, cached: 3, maxCredits: 0 })
    expect(formatEstimate(e)).toBe(
      '0 images to describe (up to 0 credits), 3 cached; balance 1 credit; budget 0 credits',
    )
    expect(api.seen).toHaveLength(1)
  })

  it('still estimates when the balance cannot be read (e.g. no key in a dry run)', async () => {
    api.script(
      ...Array(2).fill(
        byPath({ '/v1/models': models, '/v1/credits': apiError(401, 'unauthorized') }),
      ),
    )
    const e = await estimateCost(client(), { planned: 2, cached: 0, maxCredits: 1 })
    expect(e).toMatchObject({
      creditsNeeded: 2,
      balance: undefined,
      enough: true,
      withinBudget: false,
    })
    expect(formatEstimate(e)).toBe(
      '2 images to describe (up to 2 credits), 0 cached; budget 1 credit: over budget',
    )
  })
})

describe('budgetStop', () => {
  it('is one message for the images a budget kept back, and nothing otherwise', () => {
    expect(budgetStop({ 'dry run': 3 })).toBeUndefined()
    expect(budgetStop({ 'budget of 5 credits reached': 2 })).toBe(
      'budget of 5 credits reached: 2 images not described. Raise the budget (maxCredits / --max-credits) to describe them.',
    )
  })
})
