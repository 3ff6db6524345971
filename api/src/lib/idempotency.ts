/**
 * Idempotency keys for generation: a retried request (same `Idempotency-Key`, same account,
 * within 24 h) is never charged twice.
 *
 * D1 has no interactive transactions, so a key is claimed by the same atomic `batch()` that
 * charges: an INSERT of the claim (the primary key (user, key hash) makes a second claim fail),
 * the ledger row guarded by "this claim is mine", and a DELETE that releases the claim again when
 * the balance could not pay. A failure refunds and deletes the claim in one batch (a retry then
 * runs normally); a success writes the usage row and marks the claim `done` in one batch. A later
 * request with the key reads the claim: `done` → replay (the alt text comes from the usage row,
 * where an objection keeps it out), `pending` → "in progress" (429), another request hash → 400.
 *
 * Only hashes are stored (of the key, and of the canonical request with images by their SHA-256).
 */
import { ApiError } from '../errors.js'
import { creditStatements } from './credits.js'
import { sha256Hex } from './crypto.js'

/** The request header, and the header marking a replayed answer. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key'
export const REPLAYED_HEADER = 'Idempotent-Replayed'

/** How long a key is remembered. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000

/** How often a completed request whose alt text was not kept may be described again for free. */
export const MAX_FREE_REDESCRIPTIONS = 3

/** A stored claim. */
export interface ClaimRow {
  request_hash: string
  status: 'pending' | 'done'
  reference: string
  redescribed: number
  created_at: number
  updated_at: number
}

/** A key of one request: whose it is, and the hashes that identify it. */
export interface IdempotencyClaim {
  userId: string
  keyHash: string
  requestHash: string
}

/**
 * Reads the `Idempotency-Key` header: `undefined` when absent, else 1–200 printable ASCII
 * characters (400 otherwise).
 */
export function readIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (!/^[\x20-\x7e]{1,200}$/.test(value) || value.trim() === '') {
    throw new ApiError(
      'invalid_request',
      'Idempotency-Key must be 1–200 printable ASCII characters (a UUID is a good choice).',
    )
  }
  return value
}

/** SHA-256 (hex) of bytes. */
export async function sha256Bytes(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** SHA-256 of the canonical JSON of `parts` (an array: key order never matters). */
export function canonicalHash(parts: unknown[]): Promise<string> {
  return sha256Hex(JSON.stringify(parts))
}

/** The hash under which the key of a single request or a batch is stored. */
export const keyHashOf = (key: string) => sha256Hex(key)

/** The hash of item `index` of a batch sent with `key` (a line break cannot be in a key). */
export const itemKeyHashOf = (key: string, index: number) => sha256Hex(`${key}\n${index}`)

/**
 * How long a `pending` claim may go without a sign of life before it counts as abandoned (the
 * Worker was stopped mid-request): more than one image can take (its model calls stop after
 * 2 × MODEL_TIMEOUT_MS plus one call in progress).
 */
export function leaseMs(config: { modelTimeoutMs: number; imageFetchTimeoutMs: number }): number {
  return 3 * config.modelTimeoutMs + config.imageFetchTimeoutMs + 60_000
}

/** Reads the claim of `keyHash` (expired claims count as absent). */
export async function readClaim(
  db: D1Database,
  userId: string,
  keyHash: string,
  now = Date.now(),
): Promise<ClaimRow | null> {
  const row = await db
    .prepare(
      `SELECT request_hash, status, reference, redescribed, created_at, updated_at
       FROM idempotency_keys WHERE user_id = ? AND key_hash = ? AND created_at >= ?`,
    )
    .bind(userId, keyHash, now - IDEMPOTENCY_WINDOW_MS)
    .first<ClaimRow>()
  return row ?? null
}

/** 400 for a key reused with another request. */
export const keyReused = () =>
  new ApiError(
    'invalid_request',
    'Idempotency-Key reused with a different request: send a new key for a new request.',
  )

/** 429 while the first request with the key is still running. */
export const inProgress = () =>
  new ApiError(
    'rate_limited',
    'A request with this Idempotency-Key is still in progress; retry in a moment to get its result (it is charged once).',
    { 'Retry-After': '1' },
  )

/**
 * Releases an abandoned `pending` claim (no sign of life for longer than the lease): its charge
 * is refunded unless it was already refunded or its usage row was written, and the claim is
 * deleted, in one batch guarded by "still this abandoned claim". Returns true when it is gone.
 */
export async function reapAbandoned(
  db: D1Database,
  userId: string,
  keyHash: string,
  row: ClaimRow,
  leaseCutoff: number,
): Promise<boolean> {
  const charge = await db
    .prepare(
      "SELECT -delta AS price FROM ledger WHERE user_id = ? AND reference = ? AND reason = 'generation'",
    )
    .bind(userId, row.reference)
    .first<{ price: number }>()
  const stillAbandoned = `EXISTS (SELECT 1 FROM idempotency_keys WHERE user_id = ? AND key_hash = ? AND reference = ? AND status = 'pending' AND updated_at < ?)`
  const guard = [userId, keyHash, row.reference, leaseCutoff]
  const statements: D1PreparedStatement[] = []
  if (charge && charge.price > 0) {
    statements.push(
      ...creditStatements(db, {
        userId,
        delta: charge.price,
        reason: 'refund',
        reference: row.reference,
        onlyIf: {
          sql: `${stillAbandoned}
            AND NOT EXISTS (SELECT 1 FROM ledger WHERE reference = ? AND reason = 'refund')
            AND NOT EXISTS (SELECT 1 FROM usage WHERE id = ?)`,
          params: [...guard, row.reference, row.reference],
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
  return true
}

/** What an earlier request with the same key means for this one. */
export type Earlier =
  | { kind: 'none' }
  | { kind: 'done'; row: ClaimRow }
  | { kind: 'in_progress' }
  | { kind: 'reused' }

/**
 * Looks at the claim of `keyHash`: none (or expired, or abandoned and now released), done,
 * still in progress, or made by another request.
 */
export async function earlier(
  db: D1Database,
  claim: IdempotencyClaim,
  lease: number,
  now = Date.now(),
): Promise<Earlier> {
  const row = await readClaim(db, claim.userId, claim.keyHash, now)
  if (!row) return { kind: 'none' }
  if (row.request_hash !== claim.requestHash) return { kind: 'reused' }
  if (row.status === 'done') return { kind: 'done', row }
  if (row.updated_at >= now - lease) return { kind: 'in_progress' }
  await reapAbandoned(db, claim.userId, claim.keyHash, row, now - lease)
  const after = await readClaim(db, claim.userId, claim.keyHash, now)
  if (!after) return { kind: 'none' }
  if (after.request_hash !== claim.requestHash) return { kind: 'reused' }
  return after.status === 'done' ? { kind: 'done', row: after } : { kind: 'in_progress' }
}

/** The usage row a completed request left (alt text null when history is off). */
export interface UsedRow {
  model: string
  language: string
  alt_text: string | null
  credits_used: number
}

/** Reads the usage row `id` of the user. */
export function usageRow(db: D1Database, userId: string, id: string): Promise<UsedRow | null> {
  return db
    .prepare(
      'SELECT model, language, alt_text, credits_used FROM usage WHERE id = ? AND user_id = ?',
    )
    .bind(id, userId)
    .first<UsedRow>()
}

/**
 * Takes one of the free re-descriptions of a completed request whose alt text was not kept.
 * False when they are used up.
 */
export async function takeRedescription(
  db: D1Database,
  claim: IdempotencyClaim,
  reference: string,
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE idempotency_keys SET redescribed = redescribed + 1
       WHERE user_id = ? AND key_hash = ? AND reference = ? AND status = 'done' AND redescribed < ?`,
    )
    .bind(claim.userId, claim.keyHash, reference, MAX_FREE_REDESCRIPTIONS)
    .run()
  return result.meta.changes === 1
}

/** 400 when a completed request without kept alt text was described again too often. */
export const redescriptionsUsed = (id: string) =>
  new ApiError(
    'invalid_request',
    `This request (id ${id}) was completed and paid once; its alt text was not kept because history is off, and it has been described again ${MAX_FREE_REDESCRIPTIONS} times for free. Send a new Idempotency-Key to describe the image again (charged).`,
  )
