/**
 * Erasure of an account (GDPR art. 17) in one atomic batch.
 *
 * Deleted: the user row, its API keys, sessions, Idempotency-Key claims and descriptions kept for
 * reuse (also removed by the foreign keys' cascade;
 * deleted explicitly so the result does not depend on that pragma), and throttling counters keyed
 * by the email (raw or hashed), the user id or a key id. Kept, because billing law requires it (7 years, then the
 * retention job deletes them), but stripped of personal data and detached from the person: usage
 * rows (no image URL, no alt text, no user, no key), ledger rows (no user; a reference stays only
 * when it points at another kept billing row) and purchases (no user).
 */
import { claimsErasureStatement, ledgerErasureStatement } from './credits.js'
import { sha256Hex } from './crypto.js'
import { forgetReuseStatement } from './reuse.js'

/** The statements that erase `user` (run them in one `db.batch`). */
export function erasureStatements(
  db: D1Database,
  user: { id: string; email: string; emailHash: string },
): D1PreparedStatement[] {
  return [
    // Counters are keyed by the email's hash (login throttling), the user id or a key id.
    db
      .prepare(
        `DELETE FROM rate_limits WHERE instr(key, ?1) > 0 OR instr(key, ?2) > 0 OR instr(key, ?3) > 0
           OR EXISTS (SELECT 1 FROM api_keys k WHERE k.user_id = ?3 AND instr(rate_limits.key, k.id) > 0)`,
      )
      .bind(user.email, user.emailHash, user.id),
    db
      .prepare(
        `UPDATE usage SET image_url = NULL, alt_text = NULL, api_key_id = NULL, user_id = NULL
         WHERE user_id = ?1 OR api_key_id IN (SELECT id FROM api_keys WHERE user_id = ?1)`,
      )
      .bind(user.id),
    ledgerErasureStatement(db, user.id),
    db.prepare('UPDATE purchases SET user_id = NULL WHERE user_id = ?').bind(user.id),
    // Idempotency-Key claims (hashes, usage ids and answers, kept 24 h at most).
    claimsErasureStatement(db, user.id),
    // Descriptions kept for reuse (hashes of images and options, alt text).
    forgetReuseStatement(db, user.id),
    db.prepare('DELETE FROM sessions WHERE user_id = ?').bind(user.id),
    db.prepare('DELETE FROM api_keys WHERE user_id = ?').bind(user.id),
    db.prepare('DELETE FROM users WHERE id = ?').bind(user.id),
  ]
}

/** Erases the account atomically. */
export async function eraseAccount(
  db: D1Database,
  user: { id: string; email: string },
): Promise<void> {
  const emailHash = await sha256Hex(user.email)
  await db.batch(erasureStatements(db, { ...user, emailHash }))
}
