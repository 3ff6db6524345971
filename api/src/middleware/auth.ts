import { createMiddleware } from 'hono/factory'
import { ApiError } from '../errors.js'
import { sha256Hex, timingSafeEqual } from '../lib/crypto.js'
import { authenticateKey, toUser, type UserRow } from '../lib/key-auth.js'
import type { AppEnv } from '../types.js'

type Kind = 'session' | 'key'

const missing = (kinds: Kind[]) =>
  new ApiError(
    'unauthorized',
    kinds.includes('key')
      ? 'Send your API key as "Authorization: Bearer atk_…". Create one in the dashboard.'
      : 'Log in and send the session token as "Authorization: Bearer ats_…".',
  )

/**
 * Reads `Authorization: Bearer …` and checks its shape and kind, without touching the database.
 * Returns the credential's kind and SHA-256 hash (the only form in which credentials are stored).
 */
export async function readCredential(
  header: string | undefined,
  kinds: Kind[],
): Promise<{ kind: Kind; hash: string }> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
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
  return { kind, hash: await sha256Hex(token) }
}

/**
 * Requires a credential of one of `kinds` in `Authorization: Bearer …`: an API key (`atk_`) or a
 * session token (`ats_`). Looks it up by its SHA-256 hash (the only thing stored), so a revoked
 * key or ended session fails at once. Sets `c.var.user` and `c.var.credential`.
 */
export function requireAuth(...kinds: Kind[]) {
  return authenticate(kinds)
}

function authenticate(kinds: Kind[]) {
  return createMiddleware<AppEnv>(async function requireAuth(c, next) {
    const { kind, hash } = await readCredential(c.req.header('authorization'), kinds)
    const now = Date.now()
    if (kind === 'session') {
      const row = await c.env.DB.prepare(
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
      await authenticateKey(c, hash, now, undefined)
    }
    await next()
  })
}
