/**
 * What the two generation routes share at the HTTP edge: the key check before the body is read,
 * the error precedence (a bad key or a spent limit before a bad body), the payer of a request,
 * and keeping a charge's work alive when the client goes away.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../types.js'
import type { KeyPayer } from './credits.js'
import {
  answerKeyProblemFirst,
  GENERATION_LIMIT,
  type KeyRow,
  keyLookup,
  requireKeyRow,
} from './key-auth.js'
import { isKnownKey } from './known-keys.js'

/**
 * An invented or revoked key costs one indexed read, never the parse of a 10 MB body. A key this
 * isolate charged a moment ago skips it: the charge checks the key again in D1 anyway.
 */
export async function refuseUnknownKey(db: D1Database, keyHash: string): Promise<void> {
  if (!isKnownKey(keyHash)) requireKeyRow(await keyLookup(db, keyHash).first<KeyRow>(), keyHash)
}

/**
 * Runs the request's checks (configuration, headers, body). When one fails, the key is checked
 * and the request counted first, so a revoked or limited key gets 401/429 rather than 400/503.
 */
export async function checkedOrKeyProblemFirst<T>(
  c: Context<AppEnv>,
  keyHash: string,
  checks: () => Promise<T>,
): Promise<T> {
  try {
    return await checks()
  } catch (error) {
    await answerKeyProblemFirst(c, keyHash)
    throw error
  }
}

/** The API key of the request as payer, counted against the generation limit. */
export const keyPayer = (c: Context<AppEnv>, keyHash: string): KeyPayer => ({
  apiKeyHash: keyHash,
  limit: GENERATION_LIMIT,
  perWindow: c.var.config.rateLimitPerMinute,
})

/** The request's execution context, when the harness gives one. */
export function executionContext(c: Context<AppEnv>): ExecutionContext | undefined {
  try {
    return c.executionCtx
  } catch {
    return undefined
  }
}

/** Lets the charge settle (usage row, or refund) even when the client goes away mid-request. */
export function keepAlive<T>(c: Context<AppEnv>, work: Promise<T>): Promise<T> {
  executionContext(c)?.waitUntil(work.catch(() => undefined))
  return work
}

/**
 * Writes a success's settlement (usage row + claim done) after the answer has left, kept alive by
 * `waitUntil`: the answer does not wait for a second D1 round trip. Tried twice; should both
 * fail, `usage_not_recorded` is logged and the charge stands (a retry with the key then finds the
 * claim pending and, after the lease, refunds it).
 */
export function settleAfterAnswer(
  c: Context<AppEnv>,
  statements: D1PreparedStatement[],
  id: string,
): void {
  const db = c.env.DB
  const work = db
    .batch(statements)
    .catch(() => db.batch(statements))
    .then(
      () => undefined,
      (error: unknown) => {
        const { name } = (error ?? {}) as { name?: unknown }
        // Metadata only: the usage id, never alt text or keys.
        console.warn(
          JSON.stringify({
            level: 'warn',
            area: 'usage',
            event: 'usage_not_recorded',
            id,
            reason: typeof name === 'string' ? name : 'error',
          }),
        )
      },
    )
  const ctx = executionContext(c)
  if (ctx) ctx.waitUntil(work)
}
