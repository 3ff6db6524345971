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
