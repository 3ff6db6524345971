import {
  AccountDeleteRequest,
  AccountExport,
  type ExportedSession,
  type Purchase,
} from '@alttextapi/core'
import { Hono } from 'hono'
import { ApiError } from '../errors.js'
import { API_KEY_COLUMNS, type ApiKeyRow, apiKeyJson } from '../lib/api-keys.js'
import { readJson } from '../lib/body.js'
import { eraseAccount } from '../lib/erasure.js'
import { beginPasswordAttempt, passwordAccepted, throttleTarget } from '../lib/login-throttle.js'
import { verifyPassword } from '../lib/password.js'
import { type LedgerRow, ledgerJson, type UsageRow, usageJson } from '../lib/records.js'
import { describe } from '../lib/route-doc.js'
import { findUserById, iso, isoOrNull, userJson } from '../lib/users.js'
import { requireAuth } from '../middleware/auth.js'
import type { AppEnv } from '../types.js'

interface KeyRow extends ApiKeyRow {
  revoked_at: number | null
}

interface SessionRow {
  id: string
  created_at: number
  expires_at: number
}

interface PurchaseRow {
  id: string
  stripe_session_id: string
  pack_id: string
  credits: number
  amount: number
  currency: string
  status: Purchase['status']
  created_at: number
  paid_at: number | null
  payment_intent: string | null
  credits_reversed: number
  reversal_shortfall: number
}

/** The rows of one batch result (an empty list when there is none). */
const rows = <T>(result: D1Result | undefined): T[] => (result?.results ?? []) as T[]

/**
 * `/v1/account` (beside the account router): the data subject's rights of access and
 * portability (`GET /export`) and erasure (`DELETE /`). Session only: an API key in a build
 * script must not be able to download or delete the account.
 */
const getExportDoc = describe({
  summary: 'Download everything stored about you',
  description:
    'One JSON document (a download: Content-Disposition attachment) with everything stored about the account: the account (with when it last changed), API keys including revoked ones (never their hashes), the sessions (id, creation and expiry; never their tokens or hashes) and how many are active, every usage record, the credit ledger and the purchases (with their Stripe Checkout Session ids).',
  tag: 'Privacy',
  auth: ['session'],
  response: {
    status: 200,
    schema: AccountExport,
    headers: {
      'Content-Disposition': {
        description:
          'attachment; filename="alttextapi-export-<date>.json": browsers save it as a file.',
        schema: { type: 'string' },
      },
    },
  },
  errors: ['unauthorized'],
})

const deleteRootDoc = describe({
  summary: 'Delete your account',
  description:
    'Needs the password. Deletes the account, its keys and sessions at once. Usage, ledger and purchase rows that billing law keeps for 7 years stay without any personal data (no email, name, image URLs or alt text) and without a link to you. The email can sign up again as a new account.',
  tag: 'Privacy',
  auth: ['session'],
  request: AccountDeleteRequest,
  response: { status: 204, description: 'The account is gone.' },
  errors: ['unauthorized', 'forbidden', 'rate_limited'],
})

export const privacy = new Hono<AppEnv>()
  .get('/export', getExportDoc, requireAuth('session'), async (c) => {
    const db = c.env.DB
    const userId = c.var.user.id
    const now = Date.now()
    const [user, keys, sessions, usage, ledger, purchases] = await db.batch([
      db
        .prepare(
          'SELECT id, email, name, credits, store_history, created_at, updated_at FROM users WHERE id = ?',
        )
        .bind(userId),
      db
        .prepare(
          `SELECT ${API_KEY_COLUMNS}, revoked_at FROM api_keys WHERE user_id = ? ORDER BY created_at`,
        )
        .bind(userId),
      // Never token_hash. Expired sessions are still stored until the retention job runs.
      db
        .prepare(
          'SELECT id, created_at, expires_at FROM sessions WHERE user_id = ? ORDER BY created_at, id',
        )
        .bind(userId),
      db
        .prepare(
          `SELECT id, created_at, endpoint, model, image_url, alt_text, language, credits_used, api_key_id
           FROM usage WHERE user_id = ? ORDER BY created_at, id`,
        )
        .bind(userId),
      db
        .prepare(
          'SELECT id, delta, reason, reference, balance_after, created_at FROM ledger WHERE user_id = ? ORDER BY created_at, rowid',
        )
        .bind(userId),
      db
        .prepare(
          `SELECT id, stripe_session_id, pack_id, credits, amount, currency, status, created_at, paid_at,
             payment_intent, credits_reversed, reversal_shortfall
           FROM purchases WHERE user_id = ? ORDER BY created_at`,
        )
        .bind(userId),
    ])
    const account = user?.results[0] as
      | (Parameters<typeof userJson>[0] & { updated_at: number })
      | undefined
    if (!account) throw new ApiError('unauthorized', 'The account no longer exists.')
    const sessionList = rows<SessionRow>(sessions).map(
      (row): ExportedSession => ({
        id: row.id,
        createdAt: iso(row.created_at),
        expiresAt: iso(row.expires_at),
      }),
    )
    const body: AccountExport = {
      exportedAt: iso(now),
      account: { ...userJson(account), updatedAt: iso(account.updated_at) },
      // Revoked keys are still stored (their usage points at them), so they are listed too.
      apiKeys: rows<KeyRow>(keys).map((row) => ({
        ...apiKeyJson(row),
        revokedAt: isoOrNull(row.revoked_at),
      })),
      sessions: {
        active: rows<SessionRow>(sessions).filter((row) => row.expires_at > now).length,
        list: sessionList,
      },
      usage: rows<UsageRow>(usage).map(usageJson),
      ledger: rows<LedgerRow>(ledger).map(ledgerJson),
      purchases: rows<PurchaseRow>(purchases).map(
        (row): Purchase => ({
          id: row.id,
          stripeSessionId: row.stripe_session_id,
          packId: row.pack_id,
          credits: row.credits,
          amount: row.amount,
          currency: row.currency,
          status: row.status,
          createdAt: iso(row.created_at),
          paidAt: isoOrNull(row.paid_at),
          paymentIntent: row.payment_intent,
          creditsReversed: row.credits_reversed,
          reversalShortfall: row.reversal_shortfall,
        }),
      ),
    }
    const date = iso(now).slice(0, 10)
    return c.json(body, 200, {
      'content-disposition': `attachment; filename="alttextapi-export-${date}.json"`,
    })
  })

  .delete('/', deleteRootDoc, requireAuth('session'), async (c) => {
    const { password } = await readJson(c, AccountDeleteRequest)
    const db = c.env.DB
    const record = await findUserById(db, c.var.user.id)
    if (!record) throw new ApiError('unauthorized', 'The account no longer exists.')
    // A stolen session must not be able to guess the password here faster than at login.
    const target = throttleTarget(c, record.email)
    await beginPasswordAttempt(db, target)
    if (!(await verifyPassword(password, record.password_hash, c.var.config.bcryptRounds))) {
      throw new ApiError('forbidden', 'The password is not correct. Nothing was deleted.')
    }
    await passwordAccepted(db, target)
    await eraseAccount(db, { id: record.id, email: record.email })
    return c.body(null, 204)
  })
