import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { ApiError } from '../errors.js'
import { sha256Hex, timingSafeEqual } from '../lib/crypto.js'
import type { AppEnv, AuthUser } from '../types.js'

type Kind = 'session' | 'key'

/** Updating `last_used_at` on every request would add a write per call; once a minute is enough. */
const LAST_USED_RESOLUTION_MS = 60_000

interface UserRow {
  id: string
  email: string
  name: string | null
  credits: number
  store_history: number
  created_at: number
}

const toUser = (row: UserRow): AuthUser => ({
  id: row.id,
  email: row.email,
  name: row.name,
  credits: row.credits,
  storeHistory: row.store_history === 1,
  createdAt: row.created_at,
})

const missing = (kinds: Kind[]) =>
  new ApiError(
    'unauthorized',
    kinds.includes('key')
      ? 'Send your API key as "Authorization: Bearer atk_…". Create one in the dashboard.'
      : 'Log in and send the session token as "Authorization: Bearer ats_…".',
  )

/**
 * Requires a credential of one of `kinds` in `Authorization: Bearer …`: an API key (`atk_`) or a
 * session token (`ats_`). Looks it up by its SHA-256 hash (the only thing stored), so a revoked
 * key or ended session fails at once. Sets `c.var.user` and `c.var.credential`.
 */
export function requireAuth(...kinds: Kind[]) {
  return authenticate(kinds, {})
}

/**
 * Requires an API key and counts the request against the key's generation limit
 * (RATE_LIMIT_PER_MINUTE per fixed minute): 429 `rate_limited` with `Retry-After` beyond it.
 * The lookup and the counter are one D1 batch — one round trip on the hot path instead of two.
 */
export function requireKeyWithRateLimit() {
  return authenticate(['key'], { rateLimit: { prefix: 'gen:', windowMs: 60_000 } })
}

interface RateLimit {
  /** Prepended to the key id to name the counter. */
  prefix: string
  windowMs: number
}

function authenticate(kinds: Kind[], options: { rateLimit?: RateLimit }) {
  return createMiddleware<AppEnv>(async function requireAuth(c, next) {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    const token = match?.[1]
    if (!token) throw missing(kinds)
    const kind: Kind | undefined = token.startsWith('atk_')
      ? 'key'
      : token.startsWith('ats_')
        ? 'session'
        : undefined
    if (!kind || token.length > 200)
      throw new ApiError('unauthorized', 'The credential is not valid.')
    if (!kinds.includes(kind)) {
      throw new ApiError(
        'unauthorized',
        kind === 'key'
          ? 'This route needs a session: log in to the dashboard. API keys cannot manage the account.'
          : 'This route needs an API key (atk_…), not a session token.',
      )
    }
    const hash = await sha256Hex(token)
    const db = c.env.DB
    const now = Date.now()
    if (kind === 'session') {
      const row = await db
        .prepare(
          `SELECT s.id AS session_id, s.token_hash, s.expires_at, u.id, u.email, u.name, u.credits, u.store_history, u.created_at
           FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
        )
        .bind(hash)
        .first<UserRow & { session_id: string; token_hash: string; expires_at: number }>()
      if (!row || !timingSafeEqual(row.token_hash, hash) || row.expires_at <= now) {
        throw new ApiError('unauthorized', 'The session has ended or is not valid. Log in again.')
      }
      c.set('user', toUser(row))
      c.set('credential', { kind: 'session', sessionId: row.session_id })
    } else {
      await authenticateKey(c, hash, now, options.rateLimit)
    }
    await next()
  })
}

interface KeyRow extends UserRow {
  key_id: string
  key_hash: string
  last_used_at: number | null
}

/** Looks up an API key (and counts the request, when rate limited) in one round trip. */
async function authenticateKey(
  c: Context<AppEnv>,
  hash: string,
  now: number,
  rateLimit: RateLimit | undefined,
): Promise<void> {
  const db = c.env.DB
  const lookup = db
    .prepare(
      `SELECT k.id AS key_id, k.key_hash, k.last_used_at, u.id, u.email, u.name, u.credits, u.store_history, u.created_at
       FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ? AND k.revoked_at IS NULL`,
    )
    .bind(hash)
  let row: KeyRow | null
  let counted: { count: number; windowStart: number } | undefined
  if (rateLimit) {
    // Counts only for a valid key, so invented keys cannot fill the counter table.
    const count = db
      .prepare(
        `INSERT INTO rate_limits (key, window_start, count)
         SELECT ?2 || k.id, ?3, 1 FROM api_keys k WHERE k.key_hash = ?1 AND k.revoked_at IS NULL
         ON CONFLICT(key) DO UPDATE SET
           count = CASE WHEN window_start <= ?3 - ?4 THEN 1 ELSE count + 1 END,
           window_start = CASE WHEN window_start <= ?3 - ?4 THEN ?3 ELSE window_start END
         RETURNING count, window_start AS windowStart`,
      )
      .bind(hash, rateLimit.prefix, now, rateLimit.windowMs)
    const [found, hit] = await db.batch<KeyRow | { count: number; windowStart: number }>([
      lookup,
      count,
    ])
    row = (found?.results[0] as KeyRow | undefined) ?? null
    counted = hit?.results[0] as { count: number; windowStart: number } | undefined
  } else {
    row = await lookup.first<KeyRow>()
  }
  if (!row || !timingSafeEqual(row.key_hash, hash)) {
    throw new ApiError(
      'unauthorized',
      'The API key is not valid or was revoked. Check ALTTEXT_API_KEY or create a new key in the dashboard.',
    )
  }
  c.set('user', toUser(row))
  c.set('credential', { kind: 'key', apiKeyId: row.key_id })
  if (row.last_used_at === null || now - row.last_used_at > LAST_USED_RESOLUTION_MS) {
    const touch = db
      .prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?')
      .bind(now, row.key_id)
      .run()
    try {
      c.executionCtx.waitUntil(touch)
    } catch {
      await touch
    }
  }
  if (rateLimit && counted) {
    const limit = c.var.config.rateLimitPerMinute
    if (counted.count > limit) {
      const retryAfter = Math.max(
        1,
        Math.ceil((counted.windowStart + rateLimit.windowMs - now) / 1000),
      )
      throw new ApiError(
        'rate_limited',
        `This API key made more than ${limit} generation requests this minute. Retry after ${retryAfter} s.`,
        { 'retry-after': String(retryAfter) },
      )
    }
  }
}
