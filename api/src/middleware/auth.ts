import { createMiddleware } from 'hono/factory'
import { ApiError } from '../errors.js'
import { sha256Hex, timingSafeEqual } from '../lib/crypto.js'
import { authenticateKey, type KeyRow, keyLookup, toUser, type UserRow } from '../lib/key-auth.js'
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

/** Who may call a route: a session, an `account`-scoped API key, and a `generate`-scoped key too. */
export type Access = Kind | 'generate'

/** 403 for a `generate` key on a route beyond its scope. */
const beyondScope = () =>
  new ApiError(
    'forbidden',
    'This API key has the scope "generate": it describes images and reads its own usage and the balance. ' +
      'Use a session (the dashboard) or a key with the scope "account" for this route.',
  )

/**
 * Requires a credential of one of `access` in `Authorization: Bearer …`: a session token (`ats_`),
 * an API key (`atk_`) of scope `account` (`key`), or also one of scope `generate` (`generate`).
 * Looks it up by its SHA-256 hash (the only thing stored), so a revoked key or ended session
 * fails at once. Sets `c.var.user` and `c.var.credential`. A `generate` key answers 403 where
 * its scope does not reach (also on session-only routes); other wrong credentials 401.
 */
export function requireAuth(...access: Access[]) {
  const kinds = access.filter((entry): entry is Kind => entry !== 'generate')
  if (access.includes('generate') && !kinds.includes('key')) kinds.push('key')
  return createMiddleware<AppEnv>(async function requireAuth(c, next) {
    const header = c.req.header('authorization')
    if (!kinds.includes('key')) await refuseGenerateKey(c.env.DB, header)
    const { kind, hash } = await readCredential(header, kinds)
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
      const credential = c.var.credential
      if (
        credential.kind === 'key' &&
        credential.scope === 'generate' &&
        !access.includes('generate')
      )
        throw beyondScope()
    }
    await next()
  })
}

/**
 * On a session-only route, an API key is refused without a lookup (401), except that a valid
 * `generate` key is told its scope does not reach (403), as on the other account routes.
 */
async function refuseGenerateKey(db: D1Database, header: string | undefined): Promise<void> {
  const token = /^Bearer\s+(atk_\S{1,196})\s*$/i.exec(header ?? '')?.[1]
  if (!token) return
  const row = await keyLookup(db, await sha256Hex(token)).first<KeyRow>()
  if (row?.key_scope === 'generate') throw beyondScope()
}
