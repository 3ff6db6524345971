/** Session tokens (`ats_…`): random, stored only as a SHA-256 hash, with an expiry. */
import { newId, newSessionToken, sha256Hex } from './crypto.js'

/** A new session: the token for the client and the statement that stores its hash. */
export interface NewSession {
  id: string
  token: string
  expiresAt: number
  statement: D1PreparedStatement
}

/**
 * Prepares a session for `userId` lasting `ttlMs`. The caller runs `statement` (usually in a
 * `batch()` with other writes); only the hash of the token is stored.
 */
export async function prepareSession(
  db: D1Database,
  userId: string,
  ttlMs: number,
  now = Date.now(),
): Promise<NewSession> {
  const id = newId('ses')
  const token = newSessionToken()
  const expiresAt = now + ttlMs
  const statement = db
    .prepare(
      'INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    )
    .bind(id, userId, await sha256Hex(token), now, expiresAt)
  return { id, token, expiresAt, statement }
}

/** Deletes the user's sessions that have expired (kept tidy at each login). */
export function deleteExpiredSessions(
  db: D1Database,
  userId: string,
  now = Date.now(),
): D1PreparedStatement {
  return db.prepare('DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?').bind(userId, now)
}

/** Ends every session of the user except `keepId` (after a password change). */
export function endOtherSessions(
  db: D1Database,
  userId: string,
  keepId: string,
): D1PreparedStatement {
  return db.prepare('DELETE FROM sessions WHERE user_id = ? AND id != ?').bind(userId, keepId)
}

/** Ends one session (logout): the token stops working at once. */
export async function endSession(db: D1Database, sessionId: string): Promise<void> {
  await db.prepare('DELETE FROM sessions WHERE id = ?').bind(sessionId).run()
}
