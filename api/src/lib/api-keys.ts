/** API keys (`atk_…`): random, stored only as a SHA-256 hash and a short display prefix. */
import type { ApiKey, CreatedApiKey, KeyScope } from '@alttextapi/core'
import { newApiKey, newId, sha256Hex } from './crypto.js'
import { iso, isoOrNull } from './users.js'

/** Most active (not revoked) keys a user may hold. */
export const MAX_KEYS_PER_USER = 20

/** How many characters of the key are kept for recognising it (`atk_` + 8). */
const PREFIX_LENGTH = 12

/** A row of `api_keys` without the hash. */
export interface ApiKeyRow {
  id: string
  name: string
  prefix: string
  scope: KeyScope
  daily_credit_cap: number | null
  created_at: number
  last_used_at: number | null
}

/** The columns of `ApiKeyRow`, for SELECTs. */
export const API_KEY_COLUMNS = 'id, name, prefix, scope, daily_credit_cap, created_at, last_used_at'

/** What a new key may do. */
export interface KeyRights {
  /** Default `account` (what every key could do before scopes existed). */
  scope?: KeyScope
  /** Credits per UTC day, or none. */
  dailyCreditCap?: number | null
}

/** A key row → the wire `ApiKey` (never the hash, never the full key). */
export function apiKeyJson(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope,
    dailyCreditCap: row.daily_credit_cap,
    createdAt: iso(row.created_at),
    lastUsedAt: isoOrNull(row.last_used_at),
  }
}

/** A new key: what the client sees once, and the statement that stores it. */
export interface NewApiKey {
  created: CreatedApiKey
  statement: D1PreparedStatement
}

/**
 * Prepares a key for `userId`. The INSERT only happens while the user holds fewer than
 * MAX_KEYS_PER_USER active keys (checked inside the statement, so two requests cannot both pass);
 * `meta.changes === 0` means the cap was reached.
 */
export async function prepareApiKey(
  db: D1Database,
  userId: string,
  name: string,
  now = Date.now(),
  rights: KeyRights = {},
): Promise<NewApiKey> {
  const scope = rights.scope ?? 'account'
  const cap = rights.dailyCreditCap ?? null
  const id = newId('key')
  const key = newApiKey()
  const prefix = key.slice(0, PREFIX_LENGTH)
  const statement = db
    .prepare(
      `INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at, scope, daily_credit_cap)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?8, ?9
       WHERE (SELECT count(*) FROM api_keys WHERE user_id = ?2 AND revoked_at IS NULL) < ?7`,
    )
    .bind(id, userId, name, prefix, await sha256Hex(key), now, MAX_KEYS_PER_USER, scope, cap)
  return {
    created: {
      id,
      name,
      prefix,
      key,
      scope,
      dailyCreditCap: cap,
      createdAt: iso(now),
      lastUsedAt: null,
    },
    statement,
  }
}
