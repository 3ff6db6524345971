/**
 * What the two generation routes share at the HTTP edge: the key check before the body is read,
 * the error precedence (a bad key or a spent limit before a bad body), the payer of a request,
 * and keeping a charge's work alive when the client goes away.
 */
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../types.js'
import {
  type AfterAnswer,
  flushSettlements,
  isWaiting,
  type KeyPayer,
  queueSettlement,
  settlementsWaiting,
} from './credits.js'
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

/** How long a settlement waits for the isolate's next charge to carry it (credits.ts). */
const SETTLE_WAIT_MS = 25

/**
 * Settles a success (usage row + claim done + reuse row) — or a batch's successes and its run's
 * end — after the answer has left, kept alive by `waitUntil`: the answer does not wait for it.
 * It rides along with the isolate's next charge batch or run claim when one comes within
 * SETTLE_WAIT_MS, else it is written on its own then (credits.ts, "Settlements riding along").
 */
export function settleAfterAnswer(c: Context<AppEnv>, ...writes: AfterAnswer[]): void {
  const db = c.env.DB
  for (const write of writes) queueSettlement(write)
  const ctx = executionContext(c)
  if (!ctx) {
    void flushSettlements(db)
    return
  }
  // Queued together, taken together: the first tells whether a batch carried them.
  const marker = writes[0]
  ctx.waitUntil(
    new Promise((resolve) => setTimeout(resolve, SETTLE_WAIT_MS)).then(() =>
      marker && isWaiting(marker) ? flushSettlements(db) : undefined,
    ),
  )
}

/**
 * Before any other API request of this isolate: the settlements still waiting are written first,
 * so that a client reading its usage, claims or account right after an answer sees that answer's
 * row (a generation request carries them in its charge batch instead). Costs nothing when none
 * waits.
 */
export function settlementsFirst() {
  return createMiddleware<AppEnv>(async function settlementsFirst(c, next) {
    if (settlementsWaiting() && !c.req.path.startsWith('/v1/alt-text')) {
      await flushSettlements(c.env.DB)
    }
    return next()
  })
}
