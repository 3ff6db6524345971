/**
 * Reuse (never pay twice): per account, a description is given again — `creditsUsed: 0`,
 * `reused: true`, no model call — when the same image bytes are asked for with the same options
 * within `REUSE_WINDOW_MS`. The key is one SHA-256 over the image's SHA-256 and the options that
 * shape a description (language, requested model, maxLength, purpose, long; the context only when
 * the caller sends `matchContext: true`). Stored: that hash, the alt text, its language and model, the usage
 * id — never the image, never its URL — and only while `store_history` is on.
 *
 * This file holds the rule and the statements of the `reuse` table; the charge that is skipped
 * when a row exists is guarded in the same D1 batch (`credits.ts`), so a reuse and a charge of
 * the same request can never both happen.
 */
import type { Purpose } from '@alttextapi/core'
import { canonicalHash } from './idempotency.js'
import { type DescriptionFields, descriptionFields } from './model-answer.js'

const DAY_MS = 86_400_000

/** How long a stored description is reused: a year (`fresh: true` asks for a new one sooner). */
export const REUSE_WINDOW_MS = 365 * DAY_MS

/** What shapes a description, besides the image. */
export interface ReuseOptions {
  /** SHA-256 (hex) of the image bytes. */
  imageSha256: string
  language: string
  /** The requested model's id (the answer may come from a fallback). */
  model: string
  maxLength: number
  context?: string
  /** Reuse only a description made with the same context. */
  matchContext?: boolean | undefined
  /** What the image is for (default `content`). */
  purpose?: Purpose | undefined
  /** A long description was asked for. */
  long?: boolean | undefined
}

/** The reuse key of a request (hex SHA-256). */
export function reuseHashOf(options: ReuseOptions): Promise<string> {
  return canonicalHash([
    'reuse/v1',
    options.imageSha256,
    // Language tags are case-insensitive (BCP 47): `pt-BR` and `pt-br` are one language.
    options.language.toLowerCase(),
    options.model,
    options.maxLength,
    options.matchContext ? ['context', options.context ?? ''] : null,
    // Appended only when not the default, so descriptions kept before these options stay found.
    ...(options.purpose !== undefined && options.purpose !== 'content'
      ? [['purpose', options.purpose]]
      : []),
    ...(options.long === true ? [['long']] : []),
  ])
}

/** A stored description, as the charge batch reads it (with the balance, for the answer). */
export interface ReuseRow {
  alt_text: string
  model: string
  language: string
  credits: number
  /** JSON of the answer's `DescriptionFields` (null for rows kept before they existed). */
  extra: string | null
}

/** The description fields of a stored description. */
export function reusedFields(row: Pick<ReuseRow, 'extra'>): DescriptionFields {
  try {
    return descriptionFields(row.extra ? JSON.parse(row.extra) : {})
  } catch {
    return descriptionFields({})
  }
}

/**
 * Reads the stored descriptions under `reuseHashes` (one JSON parameter) of the account `owner`
 * (an SQL expression with one `?`, bound to `ownerParam`), those still within the window, each
 * with its `reuse_hash` and the account's balance.
 */
export function reuseLookupStatement(
  db: D1Database,
  owner: { sql: string; param: string },
  reuseHashes: readonly string[],
  now: number,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT r.reuse_hash, r.alt_text, r.model, r.language, r.extra, u.credits FROM reuse r JOIN users u ON u.id = r.user_id
       WHERE r.user_id = ${owner.sql} AND r.reuse_hash IN (SELECT value FROM json_each(?)) AND r.created_at >= ?`,
    )
    .bind(owner.param, JSON.stringify(reuseHashes), now - REUSE_WINDOW_MS)
}

/**
 * The SQL condition "a reusable description exists" (for guarding the charge), and its params:
 * the account and the reuse key are SQL expressions with their own params (a bound value, or a
 * column of the statement the condition stands in).
 */
export function reuseExists(
  owner: { sql: string; params: unknown[] },
  reuseHash: { sql: string; params: unknown[] },
  now: number,
): { sql: string; params: unknown[] } {
  return {
    sql: `EXISTS (SELECT 1 FROM reuse WHERE user_id = ${owner.sql} AND reuse_hash = ${reuseHash.sql} AND created_at >= ?)`,
    params: [...owner.params, ...reuseHash.params, now - REUSE_WINDOW_MS],
  }
}

/**
 * Keeps charged descriptions for reuse — only when the account keeps history (read in the same
 * statement, so an objection made a moment ago is honoured). A later description of the same key
 * (two at once, or `fresh: true`) replaces it: one row per key, never a mixed one. Every row is one
 * element of a JSON parameter (`json_each`), so a batch's descriptions take one statement; `WHERE
 * true` tells SQLite the ON CONFLICT is the upsert's, not the join's.
 */
export function reuseStoreStatement(
  db: D1Database,
  rows: ReadonlyArray<{
    userId: string
    reuseHash: string
    altText: string
    model: string
    language: string
    usageId: string
    at: number
    /** decorative, kind, longDescription of the answer. */
    fields?: Partial<DescriptionFields> | undefined
  }>,
): D1PreparedStatement {
  const values = rows.map(({ fields, ...row }) => ({
    ...row,
    extra: JSON.stringify(descriptionFields(fields ?? {})),
  }))
  return db
    .prepare(
      `INSERT INTO reuse (user_id, reuse_hash, alt_text, model, language, usage_id, created_at, extra)
       SELECT u.id, json_extract(w.value, '$.reuseHash'), json_extract(w.value, '$.altText'),
         json_extract(w.value, '$.model'), json_extract(w.value, '$.language'),
         json_extract(w.value, '$.usageId'), json_extract(w.value, '$.at'), json_extract(w.value, '$.extra')
       FROM json_each(?1) w
       JOIN users u ON u.id = json_extract(w.value, '$.userId') AND u.store_history = 1
       WHERE true
       ON CONFLICT (user_id, reuse_hash) DO UPDATE SET alt_text = excluded.alt_text,
         model = excluded.model, language = excluded.language, usage_id = excluded.usage_id,
         created_at = excluded.created_at, extra = excluded.extra`,
    )
    .bind(JSON.stringify(values))
}

/** Deletes every stored description of an account (erasure, objection). */
export function forgetReuseStatement(db: D1Database, userId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM reuse WHERE user_id = ?').bind(userId)
}
