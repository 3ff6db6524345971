/**
 * The only way a balance changes. D1 has no interactive transactions, so a change is two
 * statements in one atomic `batch()`: a conditional INSERT of the ledger row (it inserts only when
 * the resulting balance stays ≥ 0), then an UPDATE of the balance guarded by the existence of that
 * very row. Both apply or neither; two requests can never spend the same credit because D1
 * serialises writes and the condition is re-read inside the batch.
 */
import { newId } from './crypto.js'

/** Why a balance changed (stored in `ledger.reason`). */
export type LedgerReason = 'signup' | 'generation' | 'refund' | 'purchase' | 'adjustment'

/** Whose balance changes: a user, or the owner of an API key that is not revoked. */
export type Owner = { userId: string; keyHash?: never } | { keyHash: string; userId?: never }

/**
 * The statements that change a balance, for callers that add more statements to the batch.
 * With `keyHash`, the key is checked inside the batch: a key unknown or revoked changes nothing.
 * The INSERT returns the new balance (`balance`) when the change applied, and no row otherwise.
 */
export function creditStatements(
  db: D1Database,
  change: Owner & {
    delta: number
    reason: LedgerReason
    reference?: string | null
    ledgerId?: string
    at?: number
    /**
     * An extra SQL condition the change needs (evaluated inside the batch, e.g. "this purchase is
     * still pending"). Its `?` placeholders take `params` (they are numbered after the six above).
     */
    onlyIf?: { sql: string; params: unknown[] }
  },
): { ledgerId: string; statements: [D1PreparedStatement, D1PreparedStatement] } {
  if (!Number.isInteger(change.delta)) throw new Error('credit delta must be an integer')
  const ledgerId = change.ledgerId ?? newId('led')
  const at = change.at ?? Date.now()
  const extra = change.onlyIf ? ` AND (${change.onlyIf.sql})` : ''
  const owner =
    change.keyHash === undefined
      ? 'id = ?6'
      : 'id = (SELECT user_id FROM api_keys WHERE key_hash = ?6 AND revoked_at IS NULL)'
  return {
    ledgerId,
    statements: [
      db
        .prepare(
          `INSERT INTO ledger (id, user_id, delta, reason, reference, balance_after, created_at)
           SELECT ?1, id, ?2, ?3, ?4, credits + ?2, ?5 FROM users WHERE ${owner} AND credits + ?2 >= 0${extra}
           RETURNING balance_after AS balance`,
        )
        .bind(
          ledgerId,
          change.delta,
          change.reason,
          change.reference ?? null,
          at,
          change.keyHash ?? change.userId,
          ...(change.onlyIf?.params ?? []),
        ),
      // The owner is the ledger row's: the row exists only if the change was allowed.
      db
        .prepare(
          'UPDATE users SET credits = credits + ?1 WHERE id = (SELECT user_id FROM ledger WHERE id = ?2)',
        )
        .bind(change.delta, ledgerId),
    ],
  }
}

/**
 * Adds `delta` (negative to spend) to a user's balance with a ledger row, atomically.
 * Returns the new balance, or `null` when the balance would go below zero (nothing changed).
 */
export async function changeCredits(
  db: D1Database,
  change: Owner & { delta: number; reason: LedgerReason; reference?: string | null },
): Promise<number | null> {
  const { statements } = creditStatements(db, change)
  const [inserted] = await db.batch<{ balance: number }>(statements)
  return inserted?.results[0]?.balance ?? null
}
