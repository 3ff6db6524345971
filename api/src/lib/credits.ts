/**
 * The one module that writes money and Idempotency-Key claims. Every statement that changes a
 * balance, writes or rewrites the ledger, or claims, releases, settles or reaps a key is built
 * here; no other file writes the ledger.
 *
 * D1 has no interactive transactions, so each change is a few statements in one atomic `batch()`:
 * a conditional INSERT of the ledger row (it inserts only when the resulting balance stays ≥ 0 and
 * every other condition of the change holds), then an UPDATE of the balance guarded by the
 * existence of that very row. Both apply or neither; two requests can never spend the same credit
 * because D1 serialises writes and the conditions are re-read inside the batch.
 *
 * Charging one image (`charge`) is ONE batch, whatever the request: the key lookup and the
 * rate-limit counter (when the payer is an API key), the claim of the Idempotency-Key, the ledger
 * row guarded by "the key is valid, within its limit, and this claim is mine", the balance, the
 * release of the claim when nothing was charged, and a read of whoever holds the key. After the
 * model: `settleStatements` (usage row + claim done) or `refundStatements` (refund + claim gone).
 */
import { newId } from './crypto.js'
import { type ClaimRow, IDEMPOTENCY_WINDOW_MS, MAX_FREE_REDESCRIPTIONS } from './idempotency.js'
import { type Counted, type KeyRow, keyLookup, keyRateCount, type RateLimit } from './key-auth.js'

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

/** Who pays for an image: an API key checked and counted inside the batch, or a known account. */
export type Payer = KeyPayer | { userId: string }

/** An API key as payer: checked, and counted against `perWindow` requests per `limit` window. */
export interface KeyPayer {
  apiKeyHash: string
  limit: RateLimit
  perWindow: number
}

/** One charge: who pays, the claim it takes, the price, and the id of the answer to be. */
export interface ChargeOrder {
  payer: Payer
  /** SHA-256 of the Idempotency-Key (a random one when the request sent none). */
  keyHash: string
  /** SHA-256 of the canonical request. */
  requestHash: string
  /** The usage id: the answer's `id`, the ledger reference and the claim's reference. */
  id: string
  price: number
  now: number
}

/** What the charge batch found. */
export interface ChargeResult {
  /** The key and its owner (API-key payers; undefined: unknown or revoked). */
  key?: KeyRow
  /** The rate-limit counter after this request (API-key payers). */
  counted?: Counted
  /** The balance after the charge; null when nothing was charged. */
  balance: number | null
  /** Whoever holds the Idempotency-Key after the batch (null: nobody). */
  holder: ClaimRow | null
}

/** The payer's account id as SQL (one `?` placeholder) and its parameter. */
function ownerSql(payer: Payer, placeholder = '?'): { sql: string; param: string } {
  return 'userId' in payer
    ? { sql: placeholder, param: payer.userId }
    : {
        sql: `(SELECT user_id FROM api_keys WHERE key_hash = ${placeholder} AND revoked_at IS NULL)`,
        param: payer.apiKeyHash,
      }
}

const CLAIM_COLUMNS = 'request_hash, status, reference, redescribed, created_at, updated_at'

/**
 * Charges `order.price` in one atomic batch (see the module comment). Never throws for a refusal:
 * the caller reads the result (key, counter, balance, holder) and answers.
 */
export async function charge(db: D1Database, order: ChargeOrder): Promise<ChargeResult> {
  const byKey = 'apiKeyHash' in order.payer ? order.payer : undefined
  const results = await db.batch([
    ...(byKey
      ? [
          keyLookup(db, byKey.apiKeyHash),
          keyRateCount(db, byKey.apiKeyHash, byKey.limit, order.now),
        ]
      : []),
    // The counter was bumped by a statement before: a request over the limit pays nothing.
    ...imageChargeStatements(
      db,
      order,
      byKey
        ? {
            sql: '(SELECT count FROM rate_limits WHERE key = ? || (SELECT id FROM api_keys WHERE key_hash = ?)) <= ?',
            params: [byKey.limit.prefix, byKey.apiKeyHash, byKey.perWindow],
          }
        : undefined,
    ),
  ])
  return {
    key: byKey ? (results[0]?.results[0] as KeyRow | undefined) : undefined,
    counted: byKey ? (results[1]?.results[0] as Counted | undefined) : undefined,
    ...imageChargeResult(results.slice(-IMAGE_CHARGE_STATEMENTS)),
  }
}

/** How many statements `imageChargeStatements` makes. */
const IMAGE_CHARGE_STATEMENTS = 5

/**
 * The statements that charge one image: claim the key, the ledger row guarded by "this claim is
 * mine" (and `guard`), the balance, the release of the claim when nothing was charged, and a read
 * of whoever holds the key.
 */
function imageChargeStatements(
  db: D1Database,
  order: ChargeOrder,
  guard: { sql: string; params: unknown[] } | undefined,
): D1PreparedStatement[] {
  const owner = ownerSql(order.payer)
  const mine = `EXISTS (SELECT 1 FROM idempotency_keys WHERE user_id = ${owner.sql} AND key_hash = ? AND reference = ?)`
  const { ledgerId, statements } = creditStatements(db, {
    ...('userId' in order.payer
      ? { userId: order.payer.userId }
      : { keyHash: order.payer.apiKeyHash }),
    delta: -order.price,
    reason: 'generation',
    reference: order.id,
    at: order.now,
    onlyIf: {
      sql: guard ? `${mine} AND ${guard.sql}` : mine,
      params: [owner.param, order.keyHash, order.id, ...(guard?.params ?? [])],
    },
  })
  return [
    claimStatement(db, order),
    ...statements,
    // Nothing was charged (no key, over the limit, no balance, or the key is someone else's):
    // this attempt's claim goes again, so a retry runs normally.
    db
      .prepare(
        `DELETE FROM idempotency_keys WHERE user_id = ${owner.sql} AND key_hash = ? AND reference = ?
         AND NOT EXISTS (SELECT 1 FROM ledger WHERE id = ?)`,
      )
      .bind(owner.param, order.keyHash, order.id, ledgerId),
    db
      .prepare(
        `SELECT ${CLAIM_COLUMNS} FROM idempotency_keys WHERE user_id = ${owner.sql} AND key_hash = ?`,
      )
      .bind(owner.param, order.keyHash),
  ]
}

/** Reads the results of `imageChargeStatements`. */
function imageChargeResult(results: D1Result[]): Pick<ChargeResult, 'balance' | 'holder'> {
  const charged = results[1]?.results[0] as { balance?: unknown } | undefined
  return {
    balance: typeof charged?.balance === 'number' ? charged.balance : null,
    holder: (results[4]?.results[0] as ClaimRow | undefined) ?? null,
  }
}

/** Claims the key: a new row, or one older than the window (a key is honoured for 24 h). */
function claimStatement(db: D1Database, order: ChargeOrder): D1PreparedStatement {
  const owner = ownerSql(order.payer, '?1')
  return db
    .prepare(
      `INSERT INTO idempotency_keys (user_id, key_hash, request_hash, status, reference, redescribed, created_at, updated_at)
       SELECT owner, ?2, ?3, 'pending', ?4, 0, ?5, ?5 FROM (SELECT ${owner.sql} AS owner) WHERE owner IS NOT NULL
       ON CONFLICT (user_id, key_hash) DO UPDATE SET request_hash = excluded.request_hash,
         status = 'pending', reference = excluded.reference, redescribed = 0,
         created_at = excluded.created_at, updated_at = excluded.updated_at
       WHERE idempotency_keys.created_at < ?6`,
    )
    .bind(
      owner.param,
      order.keyHash,
      order.requestHash,
      order.id,
      order.now,
      order.now - IDEMPOTENCY_WINDOW_MS,
    )
}

/** Who is asking, for charging and the usage record. */
export interface Caller {
  userId: string
  apiKeyId: string | null
}

/** What a success leaves: the usage record and the claim marked done. */
export interface Settlement {
  caller: Caller
  request: { endpoint: string; imageUrl: string | null; language: string }
  result: { altText: string; model: string }
  price: number
  id: string
  keyHash: string
  at: number
}

/**
 * The statements that settle a success: the usage row (`store_history` is read in the same
 * statement, so an objection made a moment ago is honoured, and an account erased meanwhile gets
 * no row) and `status = done` on the claim, so a retry with the key replays.
 */
export function settleStatements(db: D1Database, s: Settlement): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO usage (id, user_id, api_key_id, endpoint, model, image_url, alt_text, language, credits_used, created_at)
         SELECT ?1, id, ?2, ?3, ?4, CASE WHEN store_history = 1 THEN ?5 END, CASE WHEN store_history = 1 THEN ?6 END, ?7, ?8, ?9
         FROM users WHERE id = ?10`,
      )
      .bind(
        s.id,
        s.caller.apiKeyId,
        s.request.endpoint,
        s.result.model,
        s.request.imageUrl,
        s.result.altText,
        s.request.language,
        s.price,
        s.at,
        s.caller.userId,
      ),
    claimDone(db, s.caller.userId, s.keyHash, s.id, s.at),
  ]
}

/** Marks the claim `reference` of a key done. */
export function claimDone(
  db: D1Database,
  userId: string,
  keyHash: string,
  reference: string,
  at: number,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE idempotency_keys SET status = 'done', updated_at = ?
       WHERE user_id = ? AND key_hash = ? AND reference = ?`,
    )
    .bind(at, userId, keyHash, reference)
}

/**
 * Gives a failed attempt's price back (never twice: an abandoned claim may have been refunded
 * already) and deletes its claim, so a retry with the key runs normally.
 */
export function refundStatements(
  db: D1Database,
  attempt: { userId: string; price: number; id: string; keyHash: string },
): D1PreparedStatement[] {
  return [
    ...creditStatements(db, {
      userId: attempt.userId,
      delta: attempt.price,
      reason: 'refund',
      reference: attempt.id,
      onlyIf: {
        sql: "NOT EXISTS (SELECT 1 FROM ledger WHERE reference = ? AND reason = 'refund')",
        params: [attempt.id],
      },
    }).statements,
    db
      .prepare('DELETE FROM idempotency_keys WHERE user_id = ? AND key_hash = ? AND reference = ?')
      .bind(attempt.userId, attempt.keyHash, attempt.id),
  ]
}

/**
 * Releases an abandoned `pending` claim (no sign of life since `leaseCutoff`): its charge is
 * refunded unless it was already refunded or its usage row was written, and the claim is deleted,
 * in one batch guarded by "still this abandoned claim".
 */
export async function reapAbandoned(
  db: D1Database,
  userId: string,
  keyHash: string,
  reference: string,
  leaseCutoff: number,
): Promise<void> {
  const paid = await db
    .prepare(
      "SELECT -delta AS price FROM ledger WHERE user_id = ? AND reference = ? AND reason = 'generation'",
    )
    .bind(userId, reference)
    .first<{ price: number }>()
  const stillAbandoned = `EXISTS (SELECT 1 FROM idempotency_keys WHERE user_id = ? AND key_hash = ? AND reference = ? AND status = 'pending' AND updated_at < ?)`
  const guard = [userId, keyHash, reference, leaseCutoff]
  const statements: D1PreparedStatement[] = []
  if (paid && paid.price > 0) {
    statements.push(
      ...creditStatements(db, {
        userId,
        delta: paid.price,
        reason: 'refund',
        reference,
        onlyIf: {
          sql: `${stillAbandoned}
            AND NOT EXISTS (SELECT 1 FROM ledger WHERE reference = ? AND reason = 'refund')
            AND NOT EXISTS (SELECT 1 FROM usage WHERE id = ?)`,
          params: [...guard, reference, reference],
        },
      }).statements,
    )
  }
  statements.push(
    db
      .prepare(
        `DELETE FROM idempotency_keys WHERE user_id = ? AND key_hash = ? AND reference = ? AND status = 'pending' AND updated_at < ?`,
      )
      .bind(...guard),
  )
  await db.batch(statements)
}

/** What the claim of a whole batch run found, and what each item's charge found. */
export interface RunClaim {
  key?: KeyRow
  counted?: Counted
  /** The claim before this request (null: none, or expired). */
  before: ClaimRow | null
  /** Whether this request now holds the run's claim. */
  held: boolean
  /** Per item, in order: the balance after its charge (null: not charged) and its key's holder. */
  items: Array<Pick<ChargeResult, 'balance' | 'holder'>>
}

/** One item of a run: the claim it takes and the id of its answer to be. */
export interface RunItem {
  keyHash: string
  requestHash: string
  id: string
}

/**
 * Authenticates the key, counts the request, claims the key of a whole batch (a lock: one run at
 * a time) AND charges every item, in one batch. A completed earlier run of the same request may
 * be claimed again (its items replay); a run in progress, or another request, may not. The run's
 * claim is taken only within the rate limit, and an item is charged only while the run's claim is
 * this request's, so a refused batch pays nothing and leaves no lock behind. Items are charged in
 * order: with credit for N, the first N payable items are paid.
 */
export async function claimRun(
  db: D1Database,
  run: KeyPayer & {
    keyHash: string
    requestHash: string
    reference: string
    now: number
    price: number
    items: RunItem[]
  },
): Promise<RunClaim> {
  const owner = '(SELECT user_id FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL)'
  const runIsMine = {
    sql: `EXISTS (SELECT 1 FROM idempotency_keys WHERE user_id = (SELECT user_id FROM api_keys WHERE key_hash = ?) AND key_hash = ? AND reference = ?)`,
    params: [run.apiKeyHash, run.keyHash, run.reference],
  }
  const results = await db.batch([
    keyLookup(db, run.apiKeyHash),
    keyRateCount(db, run.apiKeyHash, run.limit, run.now),
    db
      .prepare(
        `SELECT ${CLAIM_COLUMNS} FROM idempotency_keys WHERE user_id = ${owner} AND key_hash = ?2 AND created_at >= ?3`,
      )
      .bind(run.apiKeyHash, run.keyHash, run.now - IDEMPOTENCY_WINDOW_MS),
    db
      .prepare(
        `INSERT INTO idempotency_keys (user_id, key_hash, request_hash, status, reference, redescribed, created_at, updated_at)
         SELECT owner, ?2, ?3, 'pending', ?4, 0, ?5, ?5 FROM (SELECT ${owner} AS owner)
         WHERE owner IS NOT NULL
           AND (SELECT count FROM rate_limits WHERE key = ?7 || (SELECT id FROM api_keys WHERE key_hash = ?1)) <= ?8
         ON CONFLICT (user_id, key_hash) DO UPDATE SET request_hash = excluded.request_hash,
           status = 'pending', reference = excluded.reference, updated_at = excluded.updated_at,
           created_at = CASE WHEN idempotency_keys.created_at < ?6 THEN excluded.created_at
                             ELSE idempotency_keys.created_at END
         WHERE idempotency_keys.created_at < ?6
            OR (idempotency_keys.status = 'done' AND idempotency_keys.request_hash = excluded.request_hash)`,
      )
      .bind(
        run.apiKeyHash,
        run.keyHash,
        run.requestHash,
        run.reference,
        run.now,
        run.now - IDEMPOTENCY_WINDOW_MS,
        run.limit.prefix,
        run.perWindow,
      ),
    db
      .prepare(`SELECT reference FROM idempotency_keys WHERE user_id = ${owner} AND key_hash = ?2`)
      .bind(run.apiKeyHash, run.keyHash),
    ...run.items.flatMap((item) =>
      imageChargeStatements(db, { payer: run, ...item, price: run.price, now: run.now }, runIsMine),
    ),
  ])
  const [found, counted, before, , after] = results
  return {
    key: found?.results[0] as KeyRow | undefined,
    counted: counted?.results[0] as Counted | undefined,
    before: (before?.results[0] as ClaimRow | undefined) ?? null,
    held: (after?.results[0] as { reference?: string } | undefined)?.reference === run.reference,
    items: run.items.map((_, index) =>
      imageChargeResult(
        results.slice(
          5 + index * IMAGE_CHARGE_STATEMENTS,
          5 + (index + 1) * IMAGE_CHARGE_STATEMENTS,
        ),
      ),
    ),
  }
}

/**
 * A sign of life of a long run: its claim and the pending claims of its items are refreshed, so
 * that nobody takes them for abandoned while the items are still being described.
 */
export async function heartbeat(
  db: D1Database,
  userId: string,
  keyHashes: string[],
  now: number,
): Promise<void> {
  await db
    .prepare(
      `UPDATE idempotency_keys SET updated_at = ?1 WHERE user_id = ?2 AND status = 'pending'
       AND key_hash IN (SELECT value FROM json_each(?3))`,
    )
    .bind(now, userId, JSON.stringify(keyHashes))
    .run()
}

/**
 * Ends a batch run: its items' settlements, the run's claim marked done (the key may be replayed
 * now), and the balance after all of it, in one batch. Returns the balance.
 */
export async function finishRun(
  db: D1Database,
  userId: string,
  settlements: D1PreparedStatement[],
  run: { keyHash: string; reference: string } | undefined,
): Promise<number> {
  const results = await db.batch([
    ...settlements,
    ...(run ? [claimDone(db, userId, run.keyHash, run.reference, Date.now())] : []),
    db.prepare('SELECT credits FROM users WHERE id = ?').bind(userId),
  ])
  return (results.at(-1)?.results[0] as { credits?: number } | undefined)?.credits ?? 0
}

/** The usage row a completed request left (alt text null when history is off). */
export interface UsedRow {
  model: string
  language: string
  alt_text: string | null
  credits_used: number
}

/** Reads usage row `id` of the user and the user's balance now, in one round trip. */
export async function usageAndBalance(
  db: D1Database,
  userId: string,
  id: string,
): Promise<{ used: UsedRow | null; balance: number }> {
  const [used, balance] = await db.batch([
    db
      .prepare(
        'SELECT model, language, alt_text, credits_used FROM usage WHERE id = ? AND user_id = ?',
      )
      .bind(id, userId),
    db.prepare('SELECT credits FROM users WHERE id = ?').bind(userId),
  ])
  return {
    used: (used?.results[0] as UsedRow | undefined) ?? null,
    balance: (balance?.results[0] as { credits?: number } | undefined)?.credits ?? 0,
  }
}

/**
 * Takes one of the free re-descriptions of a completed request whose alt text was not kept.
 * False when they are used up.
 */
export async function takeRedescription(
  db: D1Database,
  claim: { userId: string; keyHash: string; reference: string },
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE idempotency_keys SET redescribed = redescribed + 1
       WHERE user_id = ? AND key_hash = ? AND reference = ? AND status = 'done' AND redescribed < ?`,
    )
    .bind(claim.userId, claim.keyHash, claim.reference, MAX_FREE_REDESCRIPTIONS)
    .run()
  return result.meta.changes === 1
}

/**
 * Retention of the ledger: the rows older than `cutoff` are folded into one carried-forward row
 * per account, then deleted — in one batch, so the ledger never stops summing to the balance.
 * Results: [folded, deleted].
 */
export function ledgerRetentionStatements(db: D1Database, cutoff: number): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO ledger (id, user_id, delta, reason, reference, balance_after, created_at)
         SELECT 'led_' || lower(hex(randomblob(12))), l.user_id, sum(l.delta), 'adjustment',
                'retention:carried-forward',
                (SELECT o.balance_after FROM ledger o WHERE o.user_id = l.user_id AND o.created_at < ?1
                 ORDER BY o.created_at DESC, o.rowid DESC LIMIT 1),
                ?1
         FROM ledger l WHERE l.user_id IS NOT NULL AND l.created_at < ?1
         GROUP BY l.user_id`,
      )
      .bind(cutoff),
    db.prepare('DELETE FROM ledger WHERE created_at < ?').bind(cutoff),
  ]
}

/**
 * Erasure of the ledger's personal data: the rows billing law keeps lose their user, and keep a
 * reference only when it points at another kept billing row (a usage or purchase row).
 */
export function ledgerErasureStatement(db: D1Database, userId: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE ledger SET user_id = NULL,
         reference = CASE
           WHEN EXISTS (SELECT 1 FROM usage u WHERE u.id = ledger.reference)
             OR EXISTS (SELECT 1 FROM purchases p WHERE p.id = ledger.reference)
           THEN reference END
       WHERE user_id = ?`,
    )
    .bind(userId)
}

// Stripe reversals ------------------------------------------------------------------------------
// (helper-owned block: refunds and disputes of purchases; the webhook in fulfilment.ts calls it)

/** What one reversal event asks: take back credits of a purchase, up to a total. */
export interface ReversalOrder {
  /** The purchase (paid) whose credits are taken back. */
  purchaseId: string
  /**
   * How many of the purchase's credits are reversed in total once this event applies (Stripe
   * reports refunds cumulatively), at most the pack's credits. What earlier events took, or
   * found missing, counts towards it, so a partial refund followed by a full one or a dispute
   * after a refund never takes the same credit twice.
   */
  target: number
  /** The Stripe event id and type, recorded in the same batch (exactly once per event). */
  eventId: string
  eventType: string
  at: number
}

/** What a reversal did. */
export interface ReversalResult {
  /** Credits removed from the balance by this event. */
  taken: number
  /** Credits of the purchase reversed so far, this event included. */
  reversed: number
  /** Credits owed back that the balance no longer had, so far (recorded, not collected). */
  shortfall: number
  /** False when the event had been processed before (nothing changed). */
  applied: boolean
}

/**
 * Takes back the credits of a refunded or disputed purchase in one atomic batch: a ledger row
 * (`adjustment`, referencing the purchase) of minus what is still owed, bounded by the balance
 * (never below zero); the balance; the purchase's `credits_reversed` and `reversal_shortfall`
 * (what was owed but already spent); and the event id, so a redelivery changes nothing. Every
 * statement is guarded by "this event is not recorded yet" and re-reads the balance inside the
 * batch, so a generation racing the reversal cannot make it overdraw.
 */
export async function reversePurchase(
  db: D1Database,
  order: ReversalOrder,
): Promise<ReversalResult> {
  const ledgerId = newId('led')
  const fresh = 'NOT EXISTS (SELECT 1 FROM stripe_events WHERE id = ?3)'
  const owed = '(?2 - p.credits_reversed - p.reversal_shortfall)'
  const owedHere = '(?2 - credits_reversed - reversal_shortfall)'
  const statements = [
    // No row when nothing is owed or the balance is 0: a ledger row records a change.
    db
      .prepare(
        `INSERT INTO ledger (id, user_id, delta, reason, reference, balance_after, created_at)
         SELECT ?1, u.id, -MIN(u.credits, ${owed}), 'adjustment', p.id, u.credits - MIN(u.credits, ${owed}), ?5
         FROM purchases p JOIN users u ON u.id = p.user_id
         WHERE p.id = ?4 AND ${owed} > 0 AND u.credits > 0 AND ${fresh}`,
      )
      .bind(ledgerId, order.target, order.eventId, order.purchaseId, order.at),
    db
      .prepare(
        `UPDATE users SET credits = credits + (SELECT delta FROM ledger WHERE id = ?1)
         WHERE id = (SELECT user_id FROM ledger WHERE id = ?1)`,
      )
      .bind(ledgerId),
    db
      .prepare(
        `UPDATE purchases SET
           reversal_shortfall = reversal_shortfall + ${owedHere}
             + COALESCE((SELECT delta FROM ledger WHERE id = ?1), 0),
           credits_reversed = credits_reversed
             - COALESCE((SELECT delta FROM ledger WHERE id = ?1), 0)
         WHERE id = ?4 AND ${owedHere} > 0 AND ${fresh}
         RETURNING -COALESCE((SELECT delta FROM ledger WHERE id = ?1), 0) AS taken,
           credits_reversed AS reversed, reversal_shortfall AS shortfall`,
      )
      .bind(ledgerId, order.target, order.eventId, order.purchaseId),
    db
      .prepare('INSERT OR IGNORE INTO stripe_events (id, type, received_at) VALUES (?, ?, ?)')
      .bind(order.eventId, order.eventType, order.at),
  ]
  const results = await db.batch<{ taken: number; reversed: number; shortfall: number }>(
    statements,
  )
  const row = results[2]?.results[0]
  return {
    taken: row?.taken ?? 0,
    reversed: row?.reversed ?? 0,
    shortfall: row?.shortfall ?? 0,
    applied: (results[3]?.meta.changes ?? 0) === 1,
  }
}
