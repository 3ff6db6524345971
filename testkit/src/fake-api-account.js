/**
 * The one account of the fake AltText API: balance with a ledger that sums to it, usage records,
 * descriptions kept for reuse (by image hash and options, like the real API) and Idempotency-Key
 * claims.
 */

/**
 * @typedef {object} LedgerEntry
 * @property {string} id
 * @property {number} delta
 * @property {'signup' | 'generation' | 'refund' | 'purchase' | 'adjustment'} reason
 * @property {string | null} reference
 * @property {number} balanceAfter
 * @property {string} createdAt
 */

/**
 * @typedef {object} UsageRecord
 * @property {string} id
 * @property {string} createdAt
 * @property {string} endpoint
 * @property {string} model
 * @property {string | null} imageUrl
 * @property {string | null} altText
 * @property {string} language
 * @property {number} creditsUsed
 * @property {string | null} apiKeyId
 */

/**
 * @typedef {{ state: 'pending' } | { state: 'done', request: string, status: number, payload: any }} KeyClaim
 */

const CREATED_AT = '2026-01-01T00:00:00.000Z'

/** @param {number} balance the starting balance (a `signup` ledger row) */
export function createAccount(balance) {
  let sequence = 0
  const nextId = (/** @type {string} */ prefix) =>
    `${prefix}_${String(++sequence).padStart(6, '0')}`
  const account = {
    balance: 0,
    storeHistory: true,
    /** @type {LedgerEntry[]} */
    ledger: [],
    /** @type {UsageRecord[]} */
    usage: [],
    /** Kept answers by reuse key (image hash + options). @type {Map<string, any>} */
    kept: new Map(),
    /** @type {Map<string, KeyClaim>} */
    keys: new Map(),
    nextId,
    /**
     * Changes the balance with a ledger row.
     * @param {number} delta
     * @param {LedgerEntry['reason']} reason
     * @param {string | null} [reference]
     */
    change(delta, reason, reference = null) {
      account.balance += delta
      account.ledger.push({
        id: nextId('led'),
        delta,
        reason,
        reference,
        balanceAfter: account.balance,
        createdAt: new Date().toISOString(),
      })
    },
    /** Sets the balance (an `adjustment` row for the difference). @param {number} value */
    setBalance(value) {
      if (value !== account.balance) account.change(value - account.balance, 'adjustment')
    },
    /** The user object of GET /v1/account. */
    user() {
      return {
        id: 'usr_fake',
        email: 'owner@example.com',
        name: null,
        credits: account.balance,
        storeHistory: account.storeHistory,
        createdAt: CREATED_AT,
      }
    },
    /** Forgets everything but the balance (which gets a fresh `signup` row). */
    reset() {
      const current = account.balance
      account.balance = 0
      account.ledger.length = 0
      account.usage.length = 0
      account.kept.clear()
      account.keys.clear()
      if (current !== 0) account.change(current, 'signup')
    },
  }
  if (balance !== 0) account.change(balance, 'signup')
  return account
}

/** @typedef {ReturnType<typeof createAccount>} FakeAccount */
