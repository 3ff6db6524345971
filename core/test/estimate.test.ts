/** Estimates before a run spends: price from the model list, balance from GET /v1/credits. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeApi, startFakeApi } from '../../testkit/src/fake-api.js'
import { createClient } from '../src/index.js'
import { budgetStop, estimateCost, formatEstimate } from '../src/node/index.js'

const KEY = 'atk_0123456789abcdefghijklmnopqrstuvwxyz'
const MODELS = [
  { id: 'cheap', name: 'Cheap', credits: 1, default: true },
  { id: 'fine', name: 'Fine', credits: 3, default: false },
]

let api: FakeApi
beforeEach(async () => {
  api = await startFakeApi({ key: KEY, models: MODELS })
})
afterEach(async () => {
  await api.close()
})
const client = () =>
  createClient({
    apiKey: KEY,
    baseUrl: api.url,
    maxRetries: 0,
  })

/** The routes read and what each answered, whatever the order the requests arrived in. */
const reads = () => api.requests.map((r) => `${r.method} ${r.path} ${r.status}`).sort()

describe('estimateCost', () => {
  it('prices the images to send with the model asked for, against the balance and budget', async () => {
    api.program({ balance: 10 })
    const e = await estimateCost(client(), { planned: 4, cached: 7, model: 'fine', maxCredits: 20 })
    expect(e).toMatchObject({ toDescribe: 4, cached: 7, pricePerImage: 3, creditsNeeded: 12 })
    expect(e).toMatchObject({ balance: 10, enough: false, withinBudget: true })
    expect(formatEstimate(e)).toBe(
      '4 images to describe (up to 12 credits), 7 cached; balance 10 credits: 2 more credits needed; budget 20 credits',
    )
    expect(reads()).toEqual(['GET /v1/credits 200', 'GET /v1/models 200'])
  })

  it('uses the default model, and reads nothing but the balance when nothing is to send', async () => {
    api.program({ balance: 1 })
    const e = await estimateCost(client(), { planned: 0, cached: 3, maxCredits: 0 })
    expect(formatEstimate(e)).toBe(
      '0 images to describe (up to 0 credits), 3 cached; balance 1 credit; budget 0 credits',
    )
    expect(reads()).toEqual(['GET /v1/credits 200'])
  })

  it('still estimates when the balance cannot be read (e.g. no key in a dry run)', async () => {
    api.fail({ status: 401, code: 'unauthorized', scope: 'all' })
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
    expect(reads()).toEqual(['GET /v1/credits 401', 'GET /v1/models 200'])
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
