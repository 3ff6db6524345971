/**
 * Fixed-window counters in D1, one upsert per hit. Used for failed logins (per email and per IP)
 * and for generation per API key.
 */

/** The result of counting one hit. */
export interface RateLimitResult {
  allowed: boolean
  count: number
  /** Seconds until the window resets (for `Retry-After`). */
  retryAfter: number
}

/** Counts one hit against `key` and tells whether it is within `limit` per `windowMs`. */
export async function hit(
  db: D1Database,
  key: string,
  limit: number,
  windowMs: number,
  now = Date.now(),
): Promise<RateLimitResult> {
  const row = await db
    .prepare(
      `INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
       ON CONFLICT(key) DO UPDATE SET
         count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,
         window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
       RETURNING count, window_start AS windowStart`,
    )
    .bind(key, now, windowMs)
    .first<{ count: number; windowStart: number }>()
  const count = row?.count ?? 1
  const windowStart = row?.windowStart ?? now
  return {
    allowed: count <= limit,
    count,
    retryAfter: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)),
  }
}

/** Reads the current count without adding to it. */
export async function peek(
  db: D1Database,
  key: string,
  limit: number,
  windowMs: number,
  now = Date.now(),
): Promise<RateLimitResult> {
  const row = await db
    .prepare('SELECT count, window_start AS windowStart FROM rate_limits WHERE key = ?')
    .bind(key)
    .first<{ count: number; windowStart: number }>()
  if (!row || row.windowStart <= now - windowMs) return { allowed: true, count: 0, retryAfter: 0 }
  return {
    allowed: row.count < limit,
    count: row.count,
    retryAfter: Math.max(1, Math.ceil((row.windowStart + windowMs - now) / 1000)),
  }
}

/**
 * Gives back one hit counted by `hit` (e.g. an attempt that turned out not to be a failure). Never
 * goes below zero.
 */
export async function release(db: D1Database, key: string): Promise<void> {
  await db
    .prepare('UPDATE rate_limits SET count = count - 1 WHERE key = ? AND count > 0')
    .bind(key)
    .run()
}

/** Forgets a counter (e.g. after a successful login). */
export async function reset(db: D1Database, key: string): Promise<void> {
  await db.prepare('DELETE FROM rate_limits WHERE key = ?').bind(key).run()
}

/**
 * Refunds per API key per hour. A refund gives back the credit of a failed description; without
 * a cap, a request whose image always yields unusable output would buy unlimited free model
 * calls. Past the cap, the key's generation answers 429 until the hour's window ends.
 */
export const REFUND_LIMIT = { prefix: 'refund:', windowMs: 3_600_000, perWindow: 30 } as const

/** The counter of credits a key spent today (UTC), for its daily credit cap. */
export const SPEND_COUNTER = { prefix: 'spend:' } as const

/** Start of the UTC day of `now` (the window of the daily credit cap). */
export function utcDayStart(now: number): number {
  return now - (now % 86_400_000)
}

/**
 * Counts `units` against the generation counter of the key `hash` (fixed window; one unit per
 * request plus one per image URL it makes us fetch) and returns the count. Counts only for a valid
 * key, so invented keys cannot fill the counter table.
 */
export function keyUnitsCount(
  db: D1Database,
  hash: string,
  limit: { prefix: string; windowMs: number },
  now: number,
  units: number,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO rate_limits (key, window_start, count)
       SELECT ?2 || k.id, ?3, ?5 FROM api_keys k WHERE k.key_hash = ?1 AND k.revoked_at IS NULL
       ON CONFLICT(key) DO UPDATE SET
         count = CASE WHEN window_start <= ?3 - ?4 THEN ?5 ELSE count + ?5 END,
         window_start = CASE WHEN window_start <= ?3 - ?4 THEN ?3 ELSE window_start END
       RETURNING count, window_start AS windowStart`,
    )
    .bind(hash, limit.prefix, now, limit.windowMs, units)
}
