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
 * rate-limit counter (when the payer is an API key), the claim of the Idempotency-Key (RETURNING
 * whether it took), the ledger row guarded by "the key is valid, within its limit, and this claim
 * is mine", and the balance. Only the rare outcomes take a second round trip: the claim did not
 * take (read who holds the key: a replay, a retry in progress) or took but paid nothing (release
 * it: a refusal). The inline items of a batch run are charged the same way, in the same (at most)
 * five statements however many they are (`imageChargeStatements`). After the model:
 * `afterAnswerStatements` (usage row + claim done) or `refundStatements` (refund + claim gone).
 */
import { newId } from './crypto.js'
import { type ClaimRow, IDEMPOTENCY_WINDOW_MS } from './idempotency.js'
import { type Counted, type KeyRow, keyLookup, keyRateCount, type RateLimit } from './key-auth.js'
import { type DescriptionFields, descriptionFields } from './model-answer.js'
import { keyUnitsCount, REFUND_LIMIT, SPEND_COUNTER, utcDayStart } from './rate-limit.js'
import { type ReuseRow, reuseExists, reuseLookupStatement, reuseStoreStatement } from './reuse.js'

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

/** Who pays for an image: an API key checked (and counted) inside the batch, or a known account. */
export type Payer = KeyPayer | AccountPayer

/** A known account (a batch item: the key was checked once for the run), and the key it used. */
export interface AccountPayer {
  userId: string
  apiKeyId: string | null
}

/** An API key as payer: checked, and counted against `perWindow` units per `limit` window. */
export interface KeyPayer {
  apiKeyHash: string
  limit: RateLimit
  perWindow: number
  /** The request was counted (and admitted) before: the charge checks the key, counts nothing. */
  counted?: boolean
}

/** The reuse of a charge: the request's reuse key, and whether a fresh description was asked. */
export interface ReuseOrder {
  hash: string
  fresh: boolean
}

/** One image of a charge: the claim it takes, the id of its answer to be, and its reuse key. */
export interface ImageOrder {
  /** SHA-256 of the Idempotency-Key (a random one when the request sent none). */
  keyHash: string
  /** SHA-256 of the canonical request. */
  requestHash: string
  /** The usage id: the answer's `id`, the ledger reference and the claim's reference. */
  id: string
  /** Without `fresh`, a stored description under `reuse.hash` is given instead of a charge. */
  reuse?: ReuseOrder | undefined
}

/** One charge: who pays, the claim it takes, the price, and the id of the answer to be. */
export interface ChargeOrder extends ImageOrder {
  payer: Payer
  price: number
  now: number
}

/** The key's limits, read to explain a refused charge (403 cap, 429 refunds). */
export interface KeyLimits {
  /** The key's daily credit cap (null: none). */
  cap: number | null
  /** Credits the key spent today (UTC), refunds deducted. */
  spent: number
  /** Refunds of the key in the current hour's window. */
  refunds: number
  /** When that window started (ms), null without one. */
  refundWindow: number | null
}

/** What the charge of one image found. */
export interface ImageCharge {
  /** The balance after the charge; null when nothing was charged. */
  balance: number | null
  /** Whether this request holds the Idempotency-Key (its claim took, and stays). */
  claimed: boolean
  /** Whoever else holds the key (read only when the claim did not take; null: nobody). */
  holder: ClaimRow | null
  /** The stored description given instead of a charge (null: none, or not asked). */
  reused: ReuseRow | null
  /**
   * The claim did not take, yet nobody held the key a moment later (the holder released it in
   * between): the request is neither refused nor answered — it may be tried again.
   */
  contended?: boolean
}

/**
 * An image's charge after its batch: what it found, and the statement still needed when its
 * claim did not take (read the holder) or took but paid nothing (release the claim) — rare cases
 * that cost a second round trip, so that the common one costs none. `finish` reads its result.
 */
interface PendingCharge {
  found: ImageCharge
  next: D1PreparedStatement | null
  finish: (result: D1Result | undefined) => ImageCharge
}

/** Runs the statements the pending charges still need in one batch; returns what they found. */
async function finishCharges(
  db: D1Database,
  pending: Array<PendingCharge | null>,
): Promise<Array<ImageCharge | null>> {
  const nexts = pending.flatMap((p) => (p?.next ? [p.next] : []))
  const results = nexts.length > 0 ? await db.batch(nexts) : []
  let at = 0
  return pending.map((p) => (p ? p.finish(p.next ? results[at++] : undefined) : null))
}

/** What the charge batch found. */
export interface ChargeResult extends ImageCharge {
  /** The key and its owner (API-key payers; undefined: unknown or revoked). */
  key?: KeyRow
  /** The rate-limit counter after this request (API-key payers not counted before). */
  counted?: Counted
}

/** The payer's account id as SQL (one `?` placeholder) and its parameter. */
function ownerSql(payer: Payer, placeholder = '?'): { sql: string; param: string } {
  return 'apiKeyHash' in payer
    ? {
        sql: `(SELECT user_id FROM api_keys WHERE key_hash = ${placeholder} AND revoked_at IS NULL)`,
        param: payer.apiKeyHash,
      }
    : { sql: placeholder, param: payer.userId }
}

/** The payer's API key id as SQL (one `?`) and its parameter; null for an account without key. */
function keyIdSql(payer: Payer): { sql: string; param: string } | null {
  if ('apiKeyHash' in payer) {
    return { sql: '(SELECT id FROM api_keys WHERE key_hash = ?)', param: payer.apiKeyHash }
  }
  return payer.apiKeyId === null ? null : { sql: '?', param: payer.apiKeyId }
}

const CLAIM_COLUMNS = 'request_hash, status, reference, redescribed, answer, created_at, updated_at'

/**
 * Charges `order.price` in one atomic batch (see the module comment). Never throws for a refusal:
 * the caller reads the result (key, counter, balance, holder, reuse) and answers.
 */
export async function charge(db: D1Database, order: ChargeOrder): Promise<ChargeResult> {
  const byKey = 'apiKeyHash' in order.payer ? order.payer : undefined
  const counting = byKey && !byKey.counted ? byKey : undefined
  const { payer, price, now, ...image } = order
  const images = imageChargeStatements(
    db,
    { payer, price, now, images: [image] },
    // The counter was bumped by a statement before: a request over the limit pays nothing.
    counting
      ? {
          sql: '(SELECT count FROM rate_limits WHERE key = ? || (SELECT id FROM api_keys WHERE key_hash = ?)) <= ?',
          params: [counting.limit.prefix, counting.apiKeyHash, counting.perWindow],
        }
      : undefined,
  )
  const results = await withRiders(db, [
    ...(byKey ? [keyLookup(db, byKey.apiKeyHash)] : []),
    ...(counting ? [keyRateCount(db, counting.apiKeyHash, counting.limit, order.now)] : []),
    ...images.statements,
  ])
  let at = 0
  const key = byKey ? (results[at++]?.results[0] as KeyRow | undefined) : undefined
  const counted = counting ? (results[at++]?.results[0] as Counted | undefined) : undefined
  // Over the limit: the request is refused, even where a reusable description was found.
  const refused = counting !== undefined && (counted?.count ?? 0) > counting.perWindow
  const [found] = await finishCharges(db, images.read(results.slice(at), refused))
  return { key, counted, ...(found as ImageCharge) }
}

/**
 * Reads the key's limits (cap, spent today, refunds this hour): only when a charge was refused,
 * to say why — so the charges that succeed carry no statement for it.
 */
export async function readKeyLimits(
  db: D1Database,
  payer: Payer,
  now: number,
): Promise<KeyLimits | undefined> {
  const statement = limitsRead(db, payer, now)
  if (!statement) return undefined
  const [result] = await db.batch([statement])
  return readLimits(result)
}

function limitsRead(db: D1Database, payer: Payer, now: number): D1PreparedStatement | null {
  const keyId = keyIdSql(payer)
  if (!keyId) return null
  return db
    .prepare(
      `SELECT k.daily_credit_cap AS cap,
         (SELECT count FROM rate_limits WHERE key = ?1 || k.id AND window_start = ?3) AS spent,
         (SELECT count FROM rate_limits WHERE key = ?2 || k.id AND window_start > ?4) AS refunds,
         (SELECT window_start FROM rate_limits WHERE key = ?2 || k.id AND window_start > ?4) AS refund_window
       FROM api_keys k WHERE k.id = ${keyId.sql.replace('?', '?5')}`,
    )
    .bind(
      SPEND_COUNTER.prefix,
      REFUND_LIMIT.prefix,
      utcDayStart(now),
      now - REFUND_LIMIT.windowMs,
      keyId.param,
    )
}

function readLimits(result: D1Result | undefined): KeyLimits | undefined {
  const row = result?.results[0] as
    | {
        cap: number | null
        spent: number | null
        refunds: number | null
        refund_window: number | null
      }
    | undefined
  if (!row) return undefined
  return {
    cap: row.cap ?? null,
    spent: row.spent ?? 0,
    refunds: row.refunds ?? 0,
    refundWindow: row.refund_window ?? null,
  }
}

/**
 * The conditions of a key's own limits on charging `price` credits (an SQL expression):
 * fewer refunds this hour than the cap, and today's spending plus the price within the key's daily
 * credit cap (when it has one).
 */
function keyLimitGuard(payer: Payer, price: string, now: number) {
  const keyId = keyIdSql(payer)
  if (!keyId) return null
  const cap = `(SELECT daily_credit_cap FROM api_keys WHERE id = ${keyId.sql})`
  return {
    sql: `COALESCE((SELECT count FROM rate_limits WHERE key = ? || ${keyId.sql} AND window_start > ?), 0) < ?
      AND (${cap} IS NULL
        OR COALESCE((SELECT count FROM rate_limits WHERE key = ? || ${keyId.sql} AND window_start = ?), 0) + ${price} <= ${cap})`,
    params: [
      REFUND_LIMIT.prefix,
      keyId.param,
      now - REFUND_LIMIT.windowMs,
      REFUND_LIMIT.perWindow,
      keyId.param,
      SPEND_COUNTER.prefix,
      keyId.param,
      utcDayStart(now),
      keyId.param,
    ],
  }
}

/** One image's ledger row to be: its id, and what its charge is guarded by. */
interface ChargeRow {
  ledgerId: string
  keyHash: string
  /** The usage id: the ledger row's reference, the claim's. */
  id: string
  /** The reuse key whose stored description makes the charge unneeded (null: none asked). */
  reuse: string | null
}

/**
 * The charges of images of one payer, in three statements however many images (each image one
 * element of a JSON parameter):
 * - the ledger rows: an image is eligible when its claim is this attempt's, no reusable
 *   description exists under its reuse key, and `guard` holds; the n-th eligible image (in order)
 *   is charged only when the balance covers n prices and, for a key with a daily cap, today's
 *   spending plus n prices stays within it — as image-by-image charges would decide, since every
 *   image has the same price. Rows are written in that order (the ledger is read in rowid order
 *   within one moment). Returns `id` and `balance` (after that row) for each row written.
 * - the balance, less what those rows took;
 * - the key's spending of today, more what they took (only for keys with a daily cap).
 */
function chargeRowsStatements(
  db: D1Database,
  charge: { payer: Payer; price: number; now: number; rows: readonly ChargeRow[] },
  guard: { sql: string; params: unknown[] } | undefined,
): D1PreparedStatement[] {
  const { payer, price, now, rows } = charge
  if (!Number.isInteger(price)) throw new Error('a price must be an integer')
  const owner = ownerSql(payer)
  const limits = keyLimitGuard(payer, 'c.n * c.price', now)
  const ids = JSON.stringify(rows.map((row) => row.ledgerId))
  const written = '(SELECT value FROM json_each(?1))'
  const reusable = reuseExists(
    { sql: 'u.id', params: [] },
    { sql: "json_extract(w.value, '$.reuse')", params: [] },
    now,
  )
  const keyId = keyIdSql(payer)
  return [
    db
      .prepare(
        `INSERT INTO ledger (id, user_id, delta, reason, reference, balance_after, created_at)
         SELECT c.ledger_id, c.user_id, -c.price, 'generation', c.reference, c.credits - c.n * c.price, c.at
         FROM (
           SELECT json_extract(w.value, '$.ledgerId') AS ledger_id, u.id AS user_id,
             json_extract(w.value, '$.id') AS reference, u.credits AS credits, ? AS price, ? AS at,
             ROW_NUMBER() OVER (ORDER BY w.key) AS n
           FROM json_each(?) w JOIN users u ON u.id = ${owner.sql}
           WHERE EXISTS (SELECT 1 FROM idempotency_keys i WHERE i.user_id = u.id
               AND i.key_hash = json_extract(w.value, '$.keyHash') AND i.reference = json_extract(w.value, '$.id'))
             AND NOT ${reusable.sql}
             ${guard ? `AND (${guard.sql})` : ''}
         ) c
         WHERE c.credits - c.n * c.price >= 0${limits ? ` AND ${limits.sql}` : ''}
         ORDER BY c.n
         RETURNING id, balance_after AS balance`,
      )
      .bind(
        price,
        now,
        JSON.stringify(rows),
        owner.param,
        ...reusable.params,
        ...(guard?.params ?? []),
        ...(limits?.params ?? []),
      ),
    // The owner is the ledger rows': they exist only if the charges were allowed.
    db
      .prepare(
        `UPDATE users SET credits = credits + (SELECT sum(delta) FROM ledger WHERE id IN ${written})
         WHERE id = (SELECT user_id FROM ledger WHERE id IN ${written} LIMIT 1)`,
      )
      .bind(ids),
    ...(keyId
      ? [
          db
            .prepare(
              `INSERT INTO rate_limits (key, window_start, count)
               SELECT ?2 || k.id, ?3, s.spent FROM api_keys k,
                 (SELECT -sum(delta) AS spent FROM ledger WHERE id IN ${written}) s
               WHERE k.id = ${keyId.sql.replace('?', '?4')} AND k.daily_credit_cap IS NOT NULL
                 AND s.spent IS NOT NULL
               ON CONFLICT(key) DO UPDATE SET
                 count = CASE WHEN window_start = excluded.window_start THEN count + excluded.count ELSE excluded.count END,
                 window_start = excluded.window_start`,
            )
            .bind(ids, SPEND_COUNTER.prefix, utcDayStart(now), keyId.param),
        ]
      : []),
  ]
}

/**
 * The statements that charge images of one payer at one moment (one for a request, the inline
 * items of a batch run), the same few however many images: ONE claims every image's key
 * (RETURNING the claims that took), ONE reads every reusable description asked for, then the
 * charges (`chargeRowsStatements`: the ledger rows, the balance, the key's spending). `read` turns
 * the results into a `PendingCharge` per image: when its claim did not take, the holder is read
 * next; when it took but nothing was charged nor reused (no key, over a limit, no balance), the
 * claim is released next, so a retry runs normally.
 */
function imageChargeStatements(
  db: D1Database,
  charge: { payer: Payer; price: number; now: number; images: readonly ImageOrder[] },
  guard: { sql: string; params: unknown[] } | undefined,
): {
  statements: D1PreparedStatement[]
  /** `refused`: `guard` did not hold (the request is refused as a whole). */
  read: (results: D1Result[], refused: boolean) => PendingCharge[]
} {
  const { payer, price, now, images } = charge
  const owner = ownerSql(payer)
  // The reuse key an image asks to be looked up under (none with `fresh`).
  const asked = (image: ImageOrder) => (image.reuse && !image.reuse.fresh ? image.reuse.hash : null)
  const rows = images.map((image) => ({
    ledgerId: newId('led'),
    keyHash: image.keyHash,
    id: image.id,
    reuse: asked(image),
  }))
  const lookups = rows.flatMap((row) => row.reuse ?? [])
  // Nothing was charged nor reused: this attempt's claim goes again (guarded as in the batch, so
  // it never removes a claim that paid).
  // (`refused`: the whole charge was refused, so even a reusable description paid nothing.)
  const release = (row: ChargeRow, refused: boolean) => {
    const reuse =
      row.reuse && !refused
        ? reuseExists(
            { sql: owner.sql, params: [owner.param] },
            { sql: '?', params: [row.reuse] },
            now,
          )
        : null
    return db
      .prepare(
        `DELETE FROM idempotency_keys WHERE user_id = ${owner.sql} AND key_hash = ? AND reference = ?
         AND NOT EXISTS (SELECT 1 FROM ledger WHERE id = ?)${reuse ? ` AND NOT ${reuse.sql}` : ''}`,
      )
      .bind(owner.param, row.keyHash, row.id, row.ledgerId, ...(reuse?.params ?? []))
  }
  const holderRead = (image: ImageOrder) =>
    db
      .prepare(
        `SELECT ${CLAIM_COLUMNS}, (SELECT credits FROM users WHERE id = ${owner.sql}) AS credits
         FROM idempotency_keys WHERE user_id = ${owner.sql} AND key_hash = ?`,
      )
      .bind(owner.param, owner.param, image.keyHash)
  const chargesAt = lookups.length > 0 ? 2 : 1
  return {
    statements: [
      claimsStatement(db, payer, now, images),
      ...(lookups.length > 0 ? [reuseLookupStatement(db, owner, lookups, now)] : []),
      ...chargeRowsStatements(db, { payer, price, now, rows }, guard),
    ],
    read(results, refused) {
      const claimed = new Map(
        (results[0]?.results as Array<{ key_hash: string; reference: string }> | undefined)?.map(
          (row) => [row.key_hash, row.reference],
        ),
      )
      const stored = chargesAt === 2 ? (results[1]?.results ?? []) : []
      const found = new Map(
        (stored as Array<ReuseRow & { reuse_hash: string }>).map(({ reuse_hash, ...row }) => [
          reuse_hash,
          row,
        ]),
      )
      const balances = new Map(
        (results[chargesAt]?.results as Array<{ id: string; balance: number }> | undefined)?.map(
          (row) => [row.id, row.balance],
        ),
      )
      return images.map((image, index): PendingCharge => {
        const row = rows[index] as ChargeRow
        const charged: ImageCharge = {
          balance: balances.get(row.ledgerId) ?? null,
          claimed: claimed.get(image.keyHash) === image.id,
          holder: null,
          reused: row.reuse ? (found.get(row.reuse) ?? null) : null,
        }
        if (!charged.claimed) {
          return {
            found: charged,
            next: holderRead(image),
            finish: (result) => {
              const holder = (result?.results[0] as ClaimRow | undefined) ?? null
              return { ...charged, holder, contended: holder === null }
            },
          }
        }
        const paid = !refused && (charged.balance !== null || charged.reused !== null)
        if (paid) return { found: charged, next: null, finish: () => charged }
        return {
          found: charged,
          next: release(row, refused),
          finish: () => ({ ...charged, claimed: false }),
        }
      })
    },
  }
}

/**
 * Claims the images' keys in one statement (each image one element of a JSON parameter): a new
 * row, or one older than the window (a key is honoured for 24 h). Returns a row (key_hash,
 * reference) for each claim that took, none for a key another attempt holds.
 */
function claimsStatement(
  db: D1Database,
  payer: Payer,
  now: number,
  images: readonly ImageOrder[],
): D1PreparedStatement {
  const owner = ownerSql(payer, '?1')
  const claims = images.map((image) => ({
    keyHash: image.keyHash,
    requestHash: image.requestHash,
    id: image.id,
  }))
  return db
    .prepare(
      `INSERT INTO idempotency_keys (user_id, key_hash, request_hash, status, reference, redescribed, created_at, updated_at)
       SELECT o.owner, json_extract(w.value, '$.keyHash'), json_extract(w.value, '$.requestHash'),
         'pending', json_extract(w.value, '$.id'), 0, ?3, ?3
       FROM (SELECT ${owner.sql} AS owner) o, json_each(?2) w WHERE o.owner IS NOT NULL
       ON CONFLICT (user_id, key_hash) DO UPDATE SET request_hash = excluded.request_hash,
         status = 'pending', reference = excluded.reference, redescribed = 0, answer = NULL,
         created_at = excluded.created_at, updated_at = excluded.updated_at
       WHERE idempotency_keys.created_at < ?4
       RETURNING key_hash, reference`,
    )
    .bind(owner.param, JSON.stringify(claims), now, now - IDEMPOTENCY_WINDOW_MS)
}

/** Who is asking, for charging and the usage record. */
export interface Caller {
  userId: string
  apiKeyId: string | null
}

/** The answer a completed request gives again on a retry with its key (kept with the claim). */
export interface StoredAnswer extends Partial<DescriptionFields> {
  altText: string
  language: string
  model: string
  creditsUsed: number
  reused: boolean
}

/** What a success leaves: the usage record, the claim done with its answer, the reuse row. */
export interface Settlement {
  caller: Caller
  request: { endpoint: string; imageUrl: string | null; language: string }
  /** The answer's text and model, and its decorative, kind and longDescription. */
  result: { altText: string; model: string } & Partial<DescriptionFields>
  /** Credits paid: 0 for a reused description. */
  price: number
  id: string
  keyHash: string
  at: number
  /** The reuse key: a charged description is kept for reuse under it (history on). */
  reuseHash?: string
  reused: boolean
}

/**
 * The statements that settle successes and end batch runs, however many: at most three, each
 * taking every write as one JSON parameter (`json_each`), so a batch of 50 settles in as many
 * statements as one request — in local workerd each statement costs about 0.1 ms of CPU in the
 * database object (BENCHMARKS.md, "where the API's CPU goes"). They write the usage rows
 * (`store_history` is read in the same statement, so an objection made a moment ago is honoured,
 * and an account erased meanwhile gets no row), `status = done` on each claim with its answer, so
 * a retry with the key replays without a model call (a run's end: done, no answer of its own), and
 * — for a charged description — the row that lets it be reused.
 */
function afterAnswerStatements(
  db: D1Database,
  writes: readonly AfterAnswer[],
): D1PreparedStatement[] {
  const settled = writes.filter((w): w is Settlement => !('runEnd' in w))
  // A charged description is kept for reuse under its key; a reused one is there already.
  const kept = settled.flatMap((s) =>
    s.reuseHash && !s.reused
      ? [
          {
            userId: s.caller.userId,
            reuseHash: s.reuseHash,
            altText: s.result.altText,
            model: s.result.model,
            language: s.request.language,
            usageId: s.id,
            at: s.at,
            fields: s.result,
          },
        ]
      : [],
  )
  return [
    ...(settled.length > 0 ? [usageRowsStatement(db, settled)] : []),
    ...(writes.length > 0 ? [claimsDoneStatement(db, writes)] : []),
    ...(kept.length > 0 ? [reuseStoreStatement(db, kept)] : []),
  ]
}

/** The usage rows of successes, alt text and image address only for accounts that keep history. */
function usageRowsStatement(db: D1Database, settled: readonly Settlement[]): D1PreparedStatement {
  const rows = settled.map((s) => ({
    id: s.id,
    userId: s.caller.userId,
    apiKeyId: s.caller.apiKeyId,
    endpoint: s.request.endpoint,
    model: s.result.model,
    imageUrl: s.request.imageUrl,
    altText: s.result.altText,
    language: s.request.language,
    price: s.price,
    at: s.at,
  }))
  return db
    .prepare(
      `INSERT INTO usage (id, user_id, api_key_id, endpoint, model, image_url, alt_text, language, credits_used, created_at)
       SELECT json_extract(w.value, '$.id'), u.id, json_extract(w.value, '$.apiKeyId'),
         json_extract(w.value, '$.endpoint'), json_extract(w.value, '$.model'),
         CASE WHEN u.store_history = 1 THEN json_extract(w.value, '$.imageUrl') END,
         CASE WHEN u.store_history = 1 THEN json_extract(w.value, '$.altText') END,
         json_extract(w.value, '$.language'), json_extract(w.value, '$.price'),
         json_extract(w.value, '$.at')
       FROM json_each(?1) w JOIN users u ON u.id = json_extract(w.value, '$.userId')`,
    )
    .bind(JSON.stringify(rows))
}

/**
 * Marks the writes' claims done: a success's with the answer a retry gets again, a batch run's
 * end with none of its own (its items' claims hold theirs).
 */
function claimsDoneStatement(db: D1Database, writes: readonly AfterAnswer[]): D1PreparedStatement {
  const claims = writes.map((w) =>
    'runEnd' in w
      ? { userId: w.userId, keyHash: w.keyHash, reference: w.reference, at: w.at, answer: null }
      : {
          userId: w.caller.userId,
          keyHash: w.keyHash,
          reference: w.id,
          at: w.at,
          answer: JSON.stringify({
            altText: w.result.altText,
            language: w.request.language,
            model: w.result.model,
            creditsUsed: w.price,
            reused: w.reused,
            ...descriptionFields(w.result),
          } satisfies StoredAnswer),
        },
  )
  return db
    .prepare(
      `UPDATE idempotency_keys SET status = 'done', updated_at = json_extract(w.value, '$.at'),
         answer = json_extract(w.value, '$.answer')
       FROM json_each(?1) w
       WHERE idempotency_keys.user_id = json_extract(w.value, '$.userId')
         AND idempotency_keys.key_hash = json_extract(w.value, '$.keyHash')
         AND idempotency_keys.reference = json_extract(w.value, '$.reference')`,
    )
    .bind(JSON.stringify(claims))
}

// Settlements riding along ---------------------------------------------------------------------
// A success's settlement is written after its answer has left (a batch's: its items' settlements
// and the run's end). Written on its own it is a second D1 round trip per request, and in workerd
// a round trip costs about as much CPU as relaying the image (BENCHMARKS.md). So it first waits in
// this isolate for a moment: the isolate's next charge, or claim of a batch run, takes every
// waiting settlement into its own batch (before its own statements, so a replay of that key in
// this isolate sees the claim done); what none took in time is written by the request's own
// `waitUntil` (`flushSettlements`). Only descriptions of settlements wait here, never
// statements: each is built with the D1 binding of the request that writes it.

/**
 * The end of a batch run, written after its answer like a settlement: the run's claim done, so a
 * retry with its key replays the items (their own settlements mark them done).
 */
export interface RunEnd {
  runEnd: true
  userId: string
  keyHash: string
  reference: string
  at: number
}

/** A write that waits for a batch to carry it: a success's settlement, or a batch run's end. */
export type AfterAnswer = Settlement | RunEnd

/** Writes of answers already sent, waiting for a batch to carry them. Bounded by `flush`. */
const waiting: AfterAnswer[] = []

/** Lets a settlement (or a run's end) wait for the isolate's next charge or run claim (above). */
export function queueSettlement(write: AfterAnswer): void {
  waiting.push(write)
}

/** Whether any settlement waits. */
export function settlementsWaiting(): boolean {
  return waiting.length > 0
}

/** Whether `write` still waits (no batch has taken it yet). */
export function isWaiting(write: AfterAnswer): boolean {
  return waiting.includes(write)
}

/**
 * Writes every waiting settlement in one batch, tried twice; should both fail, each is logged as
 * `usage_not_recorded` and the charge stands (a retry with the key then finds the claim pending
 * and, after the lease, refunds it).
 */
export async function flushSettlements(db: D1Database): Promise<void> {
  await writeSettlements(db, waiting.splice(0))
}

async function writeSettlements(db: D1Database, writes: AfterAnswer[]): Promise<void> {
  if (writes.length === 0) return
  const statements = () => afterAnswerStatements(db, writes)
  try {
    await db.batch(statements()).catch(() => db.batch(statements()))
  } catch (error) {
    const { name } = (error ?? {}) as { name?: unknown }
    for (const write of writes) {
      // Metadata only: the usage id (or the run's), never alt text or keys. A run whose end is
      // lost answers 429 to a retry until its lease passes, then is reaped.
      const [area, event, id] =
        'runEnd' in write
          ? ['batch', 'run_end_not_recorded', write.reference]
          : ['usage', 'usage_not_recorded', write.id]
      console.warn(
        JSON.stringify({
          level: 'warn',
          area,
          event,
          id,
          reason: typeof name === 'string' ? name : 'error',
        }),
      )
    }
  }
}

/**
 * Runs `statements` in one batch with the waiting settlements before them; returns the results of
 * `statements` only. Should the batch fail with riders, they are written on their own and the
 * statements tried alone, so a rider's failure never fails this request.
 */
async function withRiders(db: D1Database, statements: D1PreparedStatement[]): Promise<D1Result[]> {
  const riders = waiting.splice(0)
  if (riders.length === 0) return db.batch(statements)
  const carried = afterAnswerStatements(db, riders)
  try {
    return (await db.batch([...carried, ...statements])).slice(carried.length)
  } catch {
    await writeSettlements(db, riders)
    return db.batch(statements)
  }
}

/**
 * Gives a failed attempt's price back (never twice: an abandoned claim may have been refunded
 * already), counts the refund against its key's hourly refund cap when `capped` (a model answered
 * unusable output), takes it off the key's spending of today, and deletes its claim, so a retry
 * with the key runs normally.
 */
export function refundStatements(
  db: D1Database,
  attempt: {
    userId: string
    apiKeyId: string | null
    price: number
    id: string
    keyHash: string
    capped: boolean
  },
): D1PreparedStatement[] {
  const now = Date.now()
  const { ledgerId, statements } = creditStatements(db, {
    userId: attempt.userId,
    delta: attempt.price,
    reason: 'refund',
    reference: attempt.id,
    at: now,
    onlyIf: {
      sql: "NOT EXISTS (SELECT 1 FROM ledger WHERE reference = ? AND reason = 'refund')",
      params: [attempt.id],
    },
  })
  return [
    ...statements,
    ...(attempt.apiKeyId && attempt.capped
      ? [
          db
            .prepare(
              `INSERT INTO rate_limits (key, window_start, count)
               SELECT ?1, ?2, 1 WHERE EXISTS (SELECT 1 FROM ledger WHERE id = ?4)
               ON CONFLICT(key) DO UPDATE SET
                 count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,
                 window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END`,
            )
            .bind(
              `${REFUND_LIMIT.prefix}${attempt.apiKeyId}`,
              now,
              REFUND_LIMIT.windowMs,
              ledgerId,
            ),
        ]
      : []),
    ...(attempt.apiKeyId
      ? [
          db
            .prepare(
              `UPDATE rate_limits SET count = max(0, count - ?) WHERE key = ? AND window_start = ?
               AND EXISTS (SELECT 1 FROM ledger WHERE id = ?)`,
            )
            .bind(
              attempt.price,
              `${SPEND_COUNTER.prefix}${attempt.apiKeyId}`,
              utcDayStart(now),
              ledgerId,
            ),
        ]
      : []),
    db
      .prepare('DELETE FROM idempotency_keys WHERE user_id = ? AND key_hash = ? AND reference = ?')
      .bind(attempt.userId, attempt.keyHash, attempt.id),
  ]
}

/**
 * Releases an abandoned `pending` claim (no sign of life since `leaseCutoff`): its charge is
 * refunded unless it was already refunded or its usage row was written, and the claim is deleted,
 * in one batch guarded by "still this abandoned claim". Returns the credits it gave back.
 */
export async function reapAbandoned(
  db: D1Database,
  userId: string,
  keyHash: string,
  reference: string,
  leaseCutoff: number,
): Promise<number> {
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
  const [refund] = await db.batch(statements)
  // The ledger row's INSERT returns a row only when the refund was made (first statement).
  return paid && paid.price > 0 && refund?.results[0] ? paid.price : 0
}

/** What the claim of a whole batch run found, and what each item's charge found. */
export interface RunClaim {
  key?: KeyRow
  counted?: Counted
  /** The claim before this request (null: none, or expired). */
  before: ClaimRow | null
  /** Whether this request now holds the run's claim. */
  held: boolean
  /** Per item charged in this batch, in order (see `RunItem.charge`). */
  items: Array<ImageCharge | null>
  /** The balance after the batch, its items' charges included (null: the key is not valid). */
  balance: number | null
}

/** One item of a run: the claim it takes, the id of its answer to be, and its reuse key. */
export interface RunItem extends ImageOrder {
  /** false: not charged with the run (its image is fetched first; it is charged on its own). */
  charge: boolean
}

/**
 * Authenticates the key, counts the request (`units`: one, plus one per image URL it will fetch),
 * claims the key of a whole batch (a lock: one run at a time) AND charges every item that can be
 * charged now, in one batch. A completed earlier run of the same request may be claimed again
 * (its items replay); a run in progress, or another request, may not. The run's claim is taken
 * only within the rate limit, and an item is charged only while the run's claim is this
 * request's, so a refused batch pays nothing and leaves no lock behind. Items are charged in
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
    units: number
    items: RunItem[]
  },
): Promise<RunClaim> {
  const owner = '(SELECT user_id FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL)'
  const runIsMine = {
    sql: `EXISTS (SELECT 1 FROM idempotency_keys WHERE user_id = (SELECT user_id FROM api_keys WHERE key_hash = ?) AND key_hash = ? AND reference = ?)`,
    params: [run.apiKeyHash, run.keyHash, run.reference],
  }
  const payer: KeyPayer = { apiKeyHash: run.apiKeyHash, limit: run.limit, perWindow: run.perWindow }
  // The items charged with the run (an item by URL is charged on its own, once fetched).
  const inline = run.items.filter((item) => item.charge)
  const charges =
    inline.length > 0
      ? imageChargeStatements(
          db,
          { payer, price: run.price, now: run.now, images: inline },
          runIsMine,
        )
      : null
  const results = await withRiders(db, [
    keyLookup(db, run.apiKeyHash),
    keyUnitsCount(db, run.apiKeyHash, run.limit, run.now, run.units),
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
            OR (idempotency_keys.status = 'done' AND idempotency_keys.request_hash = excluded.request_hash)
         RETURNING reference`,
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
    ...(charges?.statements ?? []),
    // The balance after the items' charges: the answer's `creditsRemaining` starts from it.
    db.prepare(`SELECT credits FROM users WHERE id = ${owner}`).bind(run.apiKeyHash),
  ])
  const [found, counted, before, claimed] = results
  const held =
    (claimed?.results[0] as { reference?: string } | undefined)?.reference === run.reference
  // A run not this request's (or over the limit) is refused: its items' claims all go again.
  const read = charges?.read(results.slice(4, -1), !held) ?? []
  const pending = run.items.map((item) => (item.charge ? (read.shift() ?? null) : null))
  return {
    key: found?.results[0] as KeyRow | undefined,
    counted: counted?.results[0] as Counted | undefined,
    before: (before?.results[0] as ClaimRow | undefined) ?? null,
    held,
    items: await finishCharges(db, pending),
    balance: (results.at(-1)?.results[0] as { credits?: number } | undefined)?.credits ?? null,
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
 * Ends a batch run that gives no answer of its own (refused as a whole, or failed): its claim is
 * marked done at once, so the key may be replayed or tried again. A run that answers ends after
 * its answer instead (`RunEnd`).
 */
export async function endRun(
  db: D1Database,
  userId: string,
  run: { keyHash: string; reference: string },
): Promise<void> {
  const end: RunEnd = { runEnd: true, userId, ...run, at: Date.now() }
  await db.batch(afterAnswerStatements(db, [end]))
}

/** The usage row a completed request left (alt text null when history is off). */
export interface UsedRow {
  model: string
  language: string
  alt_text: string | null
  credits_used: number
}

/**
 * Reads usage row `id` of the user (for claims completed before answers were kept with them).
 */
export async function usageRow(
  db: D1Database,
  userId: string,
  id: string,
): Promise<UsedRow | null> {
  return db
    .prepare(
      'SELECT model, language, alt_text, credits_used FROM usage WHERE id = ? AND user_id = ?',
    )
    .bind(id, userId)
    .first<UsedRow>()
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

/** Erasure of the account's Idempotency-Key claims (hashes, usage ids and answers, kept 24 h). */
export function claimsErasureStatement(db: D1Database, userId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM idempotency_keys WHERE user_id = ?').bind(userId)
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
  const results = await db.batch<{ taken: number; reversed: number; shortfall: number }>(statements)
  const row = results[2]?.results[0]
  return {
    taken: row?.taken ?? 0,
    reversed: row?.reversed ?? 0,
    shortfall: row?.shortfall ?? 0,
    applied: (results[3]?.meta.changes ?? 0) === 1,
  }
}
