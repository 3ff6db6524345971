/**
 * The hot path of `POST /v1/alt-text` (an inline image, no Idempotency-Key). The key lookup, the
 * rate-limit counter and the charge are one atomic D1 batch: the charge checks the key, the
 * counter and the balance itself, so nothing is paid unless all three allow it.
 *
 * A key this isolate charged in the last minute, whose balance and limit then covered this request
 * and all of its requests running here (see `admit` in key-hints.ts), is described first and charged after,
 * with its usage record in the same batch: one D1 round trip per image. Should that charge still
 * be refused (key revoked since, balance spent through another isolate or route), the answer is
 * the refusal, the alt text is discarded, nothing is charged, and the key is charged first from
 * then on. Any other request is charged first and described after; its usage record is written as
 * the answer leaves. See the README ("Latency").
 */
import type { Context } from 'hono'
import { ApiError } from '../errors.js'
import type { AppEnv } from '../types.js'
import { creditStatements } from './credits.js'
import { newId } from './crypto.js'
import {
  type Caller,
  type Described,
  type DescribeInput,
  describe,
  insufficient,
  refundStatements,
  usageStatement,
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
import { admit, forgetKey, type KeyHint, rememberKey } from './key-hints.js'
import type { ModelEntry } from './models.js'

/** What to describe, for whom, at which price. */
export type KeyedRequest = DescribeInput & { model: ModelEntry; endpoint: string; imageUrl: null }

/**
 * Authenticates the key, counts the request, charges the price, describes the image and records
 * the usage. Throws 401/429/402 (nothing charged) or `model_error` (nothing charged, or refunded).
 */
export async function chargeKeyAndDescribe(
  c: Context<AppEnv>,
  keyHash: string,
  request: KeyedRequest,
): Promise<Described> {
  const config = c.var.config
  const { first, done } = await admit(
    keyHash,
    request.model.credits,
    { perWindow: config.rateLimitPerMinute, windowMs: GENERATION_LIMIT.windowMs },
    // As long as a described-first request can run (two model timeouts), and a little more.
    2 * config.modelTimeoutMs + 5_000,
  )
  try {
    return first
      ? await describeThenCharge(c, keyHash, first, request)
      : await chargeThenDescribe(c, keyHash, request)
  } finally {
    done()
  }
}

/** Charged first: the lookup, the counter and the charge in one batch, then the model. */
async function chargeThenDescribe(
  c: Context<AppEnv>,
  keyHash: string,
  request: KeyedRequest,
): Promise<Described> {
  const db = c.env.DB
  const price = request.model.credits
  const now = Date.now()
  const id = newId('use')
  const charge = chargeBatch(c, keyHash, price, id, now, () => [])
  const { caller, remaining } = settleCharge(c, keyHash, await db.batch(charge), price, now)
  let result: { altText: string; model: string }
  try {
    result = await describe(c.var.config, request.model, request)
  } catch (error) {
    await db.batch(refundStatements(db, caller.userId, price, id))
    throw error
  }
  // Paid and answered: the record goes out with the answer. Should it fail, the charge stands
  // (the ledger row, referencing `id`, is the proof) and the failure is logged.
  keepAlive(
    c,
    usageStatement(db, caller, request, result, price, id)
      .run()
      .catch((error: unknown) => log({ event: 'usage_not_recorded', id, error: errorName(error) })),
  )
  return { ...described(id, request, result), creditsRemaining: remaining }
}

/** Described first, then charged with the usage record in the same batch. */
async function describeThenCharge(
  c: Context<AppEnv>,
  keyHash: string,
  hint: KeyHint,
  request: KeyedRequest,
): Promise<Described> {
  const db = c.env.DB
  const price = request.model.credits
  let result: { altText: string; model: string }
  try {
    result = await describe(c.var.config, request.model, request)
  } catch (error) {
    // Nothing was charged. The key is charged first from now on: a caller whose images keep
    // failing must not keep the model busy past the limit, which is checked before a charge-first
    // call. This request still counts against the limit, and a key revoked or limited meanwhile is
    // answered as such, as it would have been had it been charged first.
    forgetKey(keyHash)
    await answerKeyProblemFirst(c, keyHash)
    throw error
  }
  const now = Date.now()
  const id = newId('use')
  const caller = { userId: hint.userId, apiKeyId: hint.apiKeyId }
  const charge = chargeBatch(c, keyHash, price, id, now, (ledgerId) => [
    usageStatement(db, caller, request, result, price, id, ledgerId),
  ])
  let remaining: number
  try {
    ;({ remaining } = settleCharge(c, keyHash, await db.batch(charge), price, now))
  } catch (error) {
    forgetKey(keyHash)
    log({ event: 'described_not_charged', reason: errorName(error) })
    throw error
  }
  return { ...described(id, request, result), creditsRemaining: remaining }
}

/**
 * The batch: the key and its owner; the counter, bumped; the charge, allowed only for a key not
 * revoked, within the limit, with the balance to pay; the balance after; then `extra`.
 */
function chargeBatch(
  c: Context<AppEnv>,
  keyHash: string,
  price: number,
  reference: string,
  now: number,
  extra: (ledgerId: string) => D1PreparedStatement[],
): D1PreparedStatement[] {
  const db = c.env.DB
  const { ledgerId, statements } = creditStatements(db, {
    keyHash,
    delta: -price,
    reason: 'generation',
    reference,
    onlyIf: {
      sql: '(SELECT count FROM rate_limits WHERE key = ? || (SELECT id FROM api_keys WHERE key_hash = ?)) <= ?',
      params: [GENERATION_LIMIT.prefix, keyHash, c.var.config.rateLimitPerMinute],
    },
  })
  return [
    keyLookup(db, keyHash),
    keyRateCount(db, keyHash, GENERATION_LIMIT, now),
    ...statements,
    db.prepare('SELECT balance_after AS balance FROM ledger WHERE id = ?').bind(ledgerId),
    ...extra(ledgerId),
  ]
}

/**
 * Reads the batch's answer: 401, 429 or 402 when the charge was refused (and the key's hint
 * forgotten); else the caller and the balance after the charge (and the hint renewed).
 */
function settleCharge(
  c: Context<AppEnv>,
  keyHash: string,
  results: D1Result[],
  price: number,
  now: number,
): { caller: Caller; remaining: number } {
  try {
    const [found, counted, , , charged] = results
    const row = requireKeyRow(found?.results[0] as KeyRow | undefined, keyHash)
    useKey(c, row, now)
    const limit = c.var.config.rateLimitPerMinute
    const count = counted?.results[0] as Counted | undefined
    checkRateLimit(count, limit, GENERATION_LIMIT, now)
    const balance = (charged?.results[0] as { balance?: unknown } | undefined)?.balance
    if (typeof balance !== 'number' || !count) throw insufficient(price)
    rememberKey(keyHash, {
      userId: row.id,
      apiKeyId: row.key_id,
      credits: balance,
      count: count.count,
      windowStart: count.windowStart,
      at: now,
    })
    return { caller: { userId: row.id, apiKeyId: row.key_id }, remaining: balance }
  } catch (error) {
    forgetKey(keyHash)
    throw error
  }
}

function described(
  id: string,
  request: KeyedRequest,
  result: { altText: string; model: string },
): Omit<Described, 'creditsRemaining'> {
  return {
    id,
    altText: result.altText,
    language: request.language,
    model: result.model,
    creditsUsed: request.model.credits,
  }
}

/** Keeps `work` running after the answer (or a dropped connection). */
function keepAlive(c: Context<AppEnv>, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work)
  } catch {
    // No execution context (some test harnesses): the work still runs, unwatched.
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
    log({ event: 'key_check_failed', reason: errorName(problem) })
  }
}

/** An error's code or name, never its message (which may quote data). */
function errorName(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown }
  return typeof code === 'string' ? code : typeof name === 'string' ? name : 'error'
}

function log(fields: Record<string, unknown>) {
  // Metadata only: never keys, images or alt text.
  console.warn(JSON.stringify({ level: 'warn', area: 'charge', ...fields }))
}
