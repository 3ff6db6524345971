/** Turning user rows into the wire `User`, and the few user queries several routers share. */
import type { User } from '@alttextapi/core'
import type { AuthUser } from '../types.js'

/** A row of `users` as D1 returns it (snake_case columns), or the `AuthUser` of a request. */
export type UserRowLike =
  | AuthUser
  | {
      id: string
      email: string
      name: string | null
      credits: number
      store_history: number | boolean
      created_at: number
    }

/** Unix milliseconds → ISO 8601 (the wire format of every date). */
export function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** Unix milliseconds or null → ISO 8601 or null. */
export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : iso(ms)
}

/** A user row (raw D1 or the `AuthUser` set by `requireAuth`) → the wire `User`, with ISO dates. */
export function userJson(row: UserRowLike): User {
  if ('store_history' in row) {
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      credits: row.credits,
      storeHistory: row.store_history === 1 || row.store_history === true,
      createdAt: iso(row.created_at),
    }
  }
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    credits: row.credits,
    storeHistory: row.storeHistory,
    createdAt: iso(row.createdAt),
  }
}

/**
 * Normalises an email for storage and lookup: trimmed and lower-cased (the whole address; no
 * provider-specific tricks such as dropping dots or `+tags`, which would merge distinct mailboxes).
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** Reads a user by id (null when there is none). */
export async function findUserById(db: D1Database, id: string) {
  return db
    .prepare(
      'SELECT id, email, name, password_hash, credits, store_history, created_at FROM users WHERE id = ?',
    )
    .bind(id)
    .first<UserRecord>()
}

/** Reads a user by normalised email (null when there is none). */
export async function findUserByEmail(db: D1Database, email: string) {
  return db
    .prepare(
      'SELECT id, email, name, password_hash, credits, store_history, created_at FROM users WHERE email = ?',
    )
    .bind(normaliseEmail(email))
    .first<UserRecord>()
}

/** A full user row including the password hash (never sent to a client). */
export interface UserRecord {
  id: string
  email: string
  name: string | null
  password_hash: string
  credits: number
  store_history: number
  created_at: number
}
