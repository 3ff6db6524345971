/**
 * API-key authentication in D1: the lookup by SHA-256 hash, the per-key generation counter, and
 * what they answer. Shared by the auth middleware and the charge of an image, which folds them
 * into the same batch as the deduction (`credits.ts`).
 */
import type { KeyScope } from '@alttextapi/core'
import type { Context } from 'hono'
import { ApiError } from '../errors.js'
import type { AppEnv, AuthUser } from '../types.js'
import { timingSafeEqual } from './crypto.js'

/** Updating `last_used_at` on every request would add a write per call; once a minute is enough. */
const LAST_USED_RESOLUTION_MS = 60_000

/** The generation limit's counter: per key, per fixed minute. */
export const GENERATION_LIMIT = { prefix: 'gen:', windowMs: 60_000 } as const

/** A counter to bump in the lookup's batch. */
export interface RateLimit {
  /** Prepended to the key id to name the counter. */
  prefix: string
  windowMs: number
}

/** A row of `users`, as the auth queries select it. */
export interface UserRow {
  id: string
  email: string
  name: string | null
  credits: number
  store_history: number
  created_at: number
}

/** A key and its owner. */
export interface KeyRow extends UserRow {
  key_id: string
  key_hash: string
  last_used_at: number | null
  /** What the key may do (see core's `KeyScope`). */
  key_scope: KeyScope
  /** Credits the key may spend per UTC day, or null (enforced by the charge, credits.ts). */
  daily_credit_cap: number | null
}

/** A counter after the hit. */
export interface Counted {
  count: number
  windowStart: number
}

/** The handlers' view of a user row. */
export const toUser = (row: UserRow): AuthUser => ({
  id: row.id,
  email: row.email,
  name: row.name,
  credits: row.credits,
  storeHistory: row.store_history === 1,
  createdAt: row.created_at,
})

/** The key and its owner, if the key exists and is not revoked. */
export function keyLookup(db: D1Database, hash: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT k.id AS key_id, k.key_hash, k.last_used_at, k.scope AS key_scope, k.daily_credit_cap, u.id, u.email, u.name, u.credits, u.store_history, u.created_at
       FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ? AND k.revoked_at IS NULL`,
    )
    .bind(hash)
}

/**
 * Counts one request against the key's counter (fixed window) and returns the count. Counts only
 * for a valid key, so invented keys cannot fill the counter table.
 */
export function keyRateCount(
  db: D1Database,
  hash: string,
  limit: RateLimit,
  now: number,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO rate_limits (key, window_start, count)
       SELECT ?2 || k.id, ?3, 1 FROM api_keys k WHERE k.key_hash = ?1 AND k.revoked_at IS NULL
       ON CONFLICT(key) DO UPDATE SET
         count = CASE WHEN window_start <= ?3 - ?4 THEN 1 ELSE count + 1 END,
         window_start = CASE WHEN window_start <= ?3 - ?4 THEN ?3 ELSE window_start END
       RETURNING count, window_start AS windowStart`,
    )
    .bind(hash, limit.prefix, now, limit.windowMs)
}

/** 401 for a key that does not exist or was revoked. */
const invalidKey = () =>
  new ApiError(
    'unauthorized',
    'The API key is not valid or was revoked. Check ALTTEXT_API_KEY or create a new key in the dashboard.',
  )

/** The row, when it really is the key's (the hash compared in constant time); else 401. */
export function requireKeyRow(row: KeyRow | null | undefined, hash: string): KeyRow {
  if (!row || !timingSafeEqual(row.key_hash, hash)) throw invalidKey()
  return row
}

/** 429 with `Retry-After` when the counter is past `limit`. */
export function checkRateLimit(
  counted: Counted | undefined,
  limit: number,
  window: RateLimit,
  now: number,
): void {
  if (!counted || counted.count <= limit) return
  const retryAfter = Math.max(1, Math.ceil((counted.windowStart + window.windowMs - now) / 1000))
  throw new ApiError(
    'rate_limited',
    `This API key passed its limit of ${limit} generation units this minute (one per request and one per image URL fetched). Retry after ${retryAfter} s.`,
    { 'retry-after': String(retryAfter) },
  )
}

/** Sets `c.var.user` and `c.var.credential`, and notes the key's use (at most once a minute). */
export function useKey(c: Context<AppEnv>, row: KeyRow, now: number): void {
  c.set('user', toUser(row))
  c.set('credential', { kind: 'key', apiKeyId: row.key_id, scope: row.key_scope })
  if (row.last_used_at !== null && now - row.last_used_at <= LAST_USED_RESOLUTION_MS) return
  const touch = c.env.DB.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?')
    .bind(now, row.key_id)
    .run()
  try {
    c.executionCtx.waitUntil(touch)
  } catch {
    // No execution context (some test harnesses): the write still runs, unwatched.
    touch.catch(() => undefined)
  }
}

/**
 * Looks up an API key (and counts the request, when rate limited) in one round trip; sets the
 * request's user and credential. Throws 401 or 429; else returns the count (when counted).
 */
export async function authenticateKey(
  c: Context<AppEnv>,
  hash: string,
  now: number,
  rateLimit: RateLimit | undefined,
): Promise<Counted | undefined> {
  const db = c.env.DB
  let row: KeyRow | null
  let counted: Counted | undefined
  if (rateLimit) {
    const [found, hit] = await db.batch<KeyRow | Counted>([
      keyLookup(db, hash),
      keyRateCount(db, hash, rateLimit, now),
    ])
    row = (found?.results[0] as KeyRow | undefined) ?? null
    counted = hit?.results[0] as Counted | undefined
  } else {
    row = await keyLookup(db, hash).first<KeyRow>()
  }
  useKey(c, requireKeyRow(row, hash), now)
  if (rateLimit) checkRateLimit(counted, c.var.config.rateLimitPerMinute, rateLimit, now)
  return counted
}

/**
 * Counts the request and throws 401/429 when the key is revoked or over its limit: the answer
 * that comes before the request's own problem. A database failure here is only logged: the
 * request's own error is the answer then.
 */
export async function answerKeyProblemFirst(c: Context<AppEnv>, keyHash: string): Promise<void> {
  try {
    await authenticateKey(c, keyHash, Date.now(), GENERATION_LIMIT)
  } catch (problem) {
    if (problem instanceof ApiError) throw problem
    const { name } = (problem ?? {}) as { name?: unknown }
    console.warn(
      JSON.stringify({
        level: 'warn',
        area: 'charge',
        event: 'key_check_failed',
        reason: typeof name === 'string' ? name : 'error',
      }),
    )
  }
}
