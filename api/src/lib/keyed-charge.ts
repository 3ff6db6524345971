/**
 * The hot path of `POST /v1/alt-text` (an inline image, no Idempotency-Key): one D1 round trip
 * before the model is asked, none after. The key lookup, the rate-limit counter and the charge are
 * one atomic batch — the charge itself checks that the key exists and is not revoked, that the
 * counter is within the limit and that the balance pays, so nothing is paid unless all three
 * allow it — and the same batch carries the usage rows of earlier answers (`usage-buffer.ts`).
 * This answer's usage row is queued as it leaves. See the README ("Latency: the hot path").
 */
import type { Context } from 'hono'
import { ApiError } from '../errors.js'
import type { AppEnv } from '../types.js'
import { creditStatements } from './credits.js'
import { newId } from './crypto.js'
import {
  type Described,
  type DescribeInput,
  describe,
  insufficient,
  refundStatements,
} from './generate.js'
import {
  authenticateKey,
  type Counted,
  checkRateLimit,
  GENERATION_LIMIT,
  type KeyRow,
  keyLookup,
  keyRateCount,
  requireKeyRow,
  useKey,
} from './key-auth.js'
import { forgetKey, rememberKey } from './known-keys.js'
import type { ModelEntry } from './models.js'
import { flushSoon, pendingStatement, queueUsage, returnUsage, takeUsage } from './usage-buffer.js'

/** What to describe, for whom, at which price. */
export type KeyedRequest = DescribeInput & { model: ModelEntry; endpoint: string; imageUrl: null }

/**
 * Authenticates the key, counts the request, charges the price, describes the image and queues
 * the usage record. Throws 401/429/402 (nothing charged) or `model_error` (refunded).
 */
export async function chargeKeyAndDescribe(
  c: Context<AppEnv>,
  keyHash: string,
  request: KeyedRequest,
): Promise<Described> {
  const db = c.env.DB
  const config = c.var.config
  const price = request.model.credits
  const now = Date.now()
  const id = newId('use')
  const { statements } = creditStatements(db, {
    keyHash,
    delta: -price,
    reason: 'generation',
    reference: id,
    // The counter was bumped by the statement before: a request over the limit pays nothing.
    onlyIf: {
      sql: '(SELECT count FROM rate_limits WHERE key = ? || (SELECT id FROM api_keys WHERE key_hash = ?)) <= ?',
      params: [GENERATION_LIMIT.prefix, keyHash, config.rateLimitPerMinute],
    },
  })
  const carried = takeUsage()
  let results: D1Result[]
  try {
    results = await db.batch([
      keyLookup(db, keyHash),
      keyRateCount(db, keyHash, GENERATION_LIMIT, now),
      ...statements,
      ...carried.map((row) => pendingStatement(db, row)),
    ])
  } catch (error) {
    returnUsage(carried)
    throw error
  }
  const [found, counted, charged] = results
  let row: KeyRow
  let remaining: number
  try {
    row = requireKeyRow(found?.results[0] as KeyRow | undefined, keyHash)
    useKey(c, row, now)
    checkRateLimit(
      counted?.results[0] as Counted | undefined,
      config.rateLimitPerMinute,
      GENERATION_LIMIT,
      now,
    )
    const balance = (charged?.results[0] as { balance?: unknown } | undefined)?.balance
    if (typeof balance !== 'number') throw insufficient(price)
    remaining = balance
  } catch (error) {
    forgetKey(keyHash)
    throw error
  }
  rememberKey(keyHash, now)
  const caller = { userId: row.id, apiKeyId: row.key_id }
  let result: { altText: string; model: string }
  try {
    result = await describe(config, request.model, request)
  } catch (error) {
    await db.batch(refundStatements(db, caller.userId, price, id))
    throw error
  }
  const { seq, full } = queueUsage({ caller, request, result, price, id, at: Date.now() })
  flushSoon(executionContext(c), db, full ? 0 : config.usageFlushMs, seq)
  return {
    id,
    altText: result.altText,
    language: request.language,
    model: result.model,
    creditsUsed: price,
    creditsRemaining: remaining,
  }
}

/**
 * Counts the request and throws 401/429 when the key is revoked or over its limit. A database
 * failure here is only logged: the caller's own error is the answer then.
 */
export async function answerKeyProblemFirst(c: Context<AppEnv>, keyHash: string): Promise<void> {
  try {
    await authenticateKey(c, keyHash, Date.now(), GENERATION_LIMIT)
  } catch (problem) {
    if (problem instanceof ApiError) throw problem
    const { name } = (problem ?? {}) as { name?: unknown }
    console.warn(
      JSON.stringify({
        level: 'warn',
        area: 'charge',
        event: 'key_check_failed',
        reason: typeof name === 'string' ? name : 'error',
      }),
    )
  }
}

function executionContext(c: Context<AppEnv>): ExecutionContext | undefined {
  try {
    return c.executionCtx
  } catch {
    return undefined
  }
}
