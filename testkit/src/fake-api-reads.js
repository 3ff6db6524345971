/**
 * The fake AltText API's read routes: health, models, the credit packs, and the account reads of
 * the key owner.
 */
import { LIMITS } from '@alttextapi/core'
import { priceOf } from './fake-api-describe.js'
import { FakeApiError, invalid } from './fake-api-wire.js'

/**
 * The fake's credit packs unless programmed (`packs`): the real API's at the time of writing
 * (api/src/lib/packs.ts), as `FAKE_MODELS` are the registry's. A test about packs programs its own.
 */
export const FAKE_PACKS = Object.freeze([
  { id: 'pack_500', credits: 500, amount: 500, currency: 'usd' },
  { id: 'pack_2000', credits: 2000, amount: 1800, currency: 'usd' },
  { id: 'pack_10000', credits: 10000, amount: 8000, currency: 'usd' },
])

/** The authenticated read routes. */
export const ACCOUNT_READS = ['/v1/account', '/v1/credits', '/v1/usage']

/**
 * Answers a GET (the key is checked by the caller for ACCOUNT_READS).
 * @param {import('./fake-api-generation.js').FakeState} fake
 * @param {URL} url
 * @returns {unknown} the payload
 */
export function readRoute(fake, url) {
  if (url.pathname === '/health') return { ok: true }
  if (url.pathname === '/v1/models')
    return {
      models: fake.models.map((m) => ({
        ...m,
        longCredits: priceOf(m, { long: true }) - m.credits,
      })),
    }
  if (url.pathname === '/v1/billing/packs') return { packs: fake.packs }
  if (!ACCOUNT_READS.includes(url.pathname))
    throw new FakeApiError(404, 'not_found', 'No such route.')
  const { account } = fake
  if (url.pathname === '/v1/account') return account.user()
  const limit = readLimit(url.searchParams.get('limit'), url.pathname === '/v1/credits' ? 100 : 50)
  if (url.pathname === '/v1/credits')
    return { balance: account.balance, ledger: [...account.ledger].reverse().slice(0, limit) }
  const from = url.searchParams.get('from')
  const to = url.searchParams.get('to')
  const records = [...account.usage]
    .reverse()
    .filter((r) => (!from || r.createdAt >= from) && (!to || r.createdAt < to))
  const start = Number(url.searchParams.get('cursor') ?? 0) || 0
  return {
    records: records.slice(start, start + limit),
    nextCursor: start + limit < records.length ? String(start + limit) : null,
  }
}

/**
 * `?limit`: a whole number from 1 to the page size limit.
 * @param {string | null} value
 * @param {number} fallback
 */
function readLimit(value, fallback) {
  if (value === null || value === '') return fallback
  const limit = Number(value)
  if (!/^\d{1,4}$/.test(value) || limit < 1 || limit > LIMITS.maxUsagePageSize)
    throw invalid(`limit must be a whole number from 1 to ${LIMITS.maxUsagePageSize}.`)
  return limit
}
