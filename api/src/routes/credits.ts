import { Credits, type Credits as CreditsBody } from '@alttextapi/core'
import { Hono } from 'hono'
import { ApiError } from '../errors.js'
import { type LedgerRow, ledgerJson } from '../lib/records.js'
import { describe } from '../lib/route-doc.js'
import { requireAuth } from '../middleware/auth.js'
import type { AppEnv } from '../types.js'

/** Most ledger entries one answer holds (and the default). */
export const MAX_LEDGER_ENTRIES = 100

function parseLimit(value: string | undefined): number {
  if (value === undefined) return MAX_LEDGER_ENTRIES
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_LEDGER_ENTRIES) {
    throw new ApiError(
      'invalid_request',
      `Invalid request: limit must be an integer from 1 to ${MAX_LEDGER_ENTRIES}.`,
    )
  }
  return Number(value)
}

/** `/v1/credits`: the balance and the latest ledger entries. */
export const credits = new Hono<AppEnv>().get(
  '/',
  describe({
    summary: 'Credit balance and ledger',
    description:
      'The balance and the latest ledger entries, newest first. Every change of the balance has an entry; the entries ' +
      'sum to the balance, and balanceAfter is the balance right after each one. A key of scope generate sees the ' +
      'balance and only the entries of its own generations.',
    tag: 'Credits',
    auth: ['session', 'key'],
    query: [
      {
        name: 'limit',
        description: `How many entries (1–${MAX_LEDGER_ENTRIES}, default ${MAX_LEDGER_ENTRIES}).`,
        schema: {
          type: 'integer',
          minimum: 1,
          maximum: MAX_LEDGER_ENTRIES,
          default: MAX_LEDGER_ENTRIES,
        },
      },
    ],
    response: { status: 200, schema: Credits },
    errors: ['unauthorized'],
  }),
  requireAuth('session', 'key', 'generate'),
  async (c) => {
    const limit = parseLimit(c.req.query('limit'))
    const db = c.env.DB
    const userId = c.var.user.id
    const credential = c.var.credential
    // A generate key sees the entries of its own generations only (usage ids are their references).
    const ownKey =
      credential.kind === 'key' && credential.scope === 'generate' ? credential.apiKeyId : null
    // One batch, so the balance and the entries are read from the same state.
    const [balance, ledger] = await db.batch([
      db.prepare('SELECT credits AS balance FROM users WHERE id = ?').bind(userId),
      db
        .prepare(
          `SELECT id, delta, reason, reference, balance_after, created_at FROM ledger
         WHERE user_id = ?1
           AND (?3 IS NULL OR reference IN (SELECT id FROM usage WHERE user_id = ?1 AND api_key_id = ?3))
         ORDER BY created_at DESC, rowid DESC LIMIT ?2`,
        )
        .bind(userId, limit, ownKey),
    ])
    const row = balance?.results[0] as { balance: number } | undefined
    if (!row) throw new ApiError('unauthorized', 'The account no longer exists.')
    return c.json<CreditsBody>({
      balance: row.balance,
      ledger: ((ledger?.results ?? []) as LedgerRow[]).map(ledgerJson),
    })
  },
)
