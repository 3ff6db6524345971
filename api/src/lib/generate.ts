/**
 * One image through the one charging path, for a single request and for every batch item alike.
 *
 * 1. `chargeFor`: ONE atomic D1 batch claims the Idempotency-Key, reads a reusable description
 *    of the same image bytes and options, and deducts the price unless there is one — for a
 *    single request it also looks the API key up and counts the request against its limit, and
 *    the deduction checks all of it (key, limit, claim, balance, the key's refund cap and daily
 *    credit cap) — so nothing is paid unless all of it allows. A key held by an earlier attempt is
 *    judged instead (replay, 429, 400; an abandoned claim is reaped and the charge tried once
 *    more).
 * 2. `describeCharged`: the image is described; any failure is refunded and the claim released in
 *    one batch before the error is answered. `reusedAnswer`: the stored description, no model
 *    call. Either returns the answer and its settlement (usage row, claim done with its answer,
 *    the description kept for reuse): the caller writes it after its answer, riding along with
 *    the isolate's next charge batch (a batch: all its items' and its run's end together).
 */
import type { Purpose } from '@alttextapi/core'
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import {
  type AccountPayer,
  type Caller,
  charge,
  type KeyLimits,
  type KeyPayer,
  type ReuseOrder,
  readKeyLimits,
  reapAbandoned,
  refundStatements,
  type Settlement,
} from './credits.js'
import { newId } from './crypto.js'
import { describe, type ModelHealth, UnusableOutput } from './describe.js'
import { type ClaimRow, inProgress, judgeHolder, keyReused } from './idempotency.js'
import type { Image } from './image.js'
import { type Counted, checkRateLimit, type KeyRow, requireKeyRow } from './key-auth.js'
import { forgetKey, rememberKey } from './known-keys.js'
import { type DescriptionFields, descriptionFields, type ModelDescription } from './model-answer.js'
import type { ModelEntry } from './models.js'
import { REFUND_LIMIT } from './rate-limit.js'
import { type ReuseRow, reusedFields } from './reuse.js'

/** What to describe, how, and where the usage record says it came from. */
export interface ImageJob {
  model: ModelEntry
  language: string
  maxLength: number
  context?: string
  endpoint: string
  imageUrl: string | null
  /** The image, checked (inline: decoded; a URL: fetched before the charge, to know its bytes). */
  image: () => Promise<Image>
  /** The request's reuse key (known once the image bytes are) and whether `fresh` was asked. */
  reuse?: ReuseOrder
  /** What the image is for; whether a long description is asked (priced in `model`). */
  purpose?: Purpose | undefined
  long?: boolean | undefined
}

/** One successful, charged description. */
export interface Described extends DescriptionFields {
  id: string
  altText: string
  language: string
  model: string
  creditsUsed: number
  /** Balance right after this image's charge. */
  creditsRemaining: number
  /** The account's stored description of the same image was given again, free. */
  reused: boolean
}

/** The claim a charge takes: hashes of the Idempotency-Key and of the canonical request. */
export interface ClaimHashes {
  keyHash: string
  requestHash: string
}

/** The outcome of `chargeFor`: paid now, a stored description reused, or an earlier attempt's. */
export type Charged =
  | { kind: 'charged'; id: string; balance: number; caller: Caller }
  | { kind: 'reused'; id: string; row: ReuseRow; caller: Caller }
  | { kind: 'earlier'; holder: ClaimRow; caller: Caller }

/** 402 for an image the balance cannot pay. */
export const insufficient = (price: number) =>
  new ApiError(
    'insufficient_credits',
    `This image costs ${price} credit${price === 1 ? '' : 's'} and the balance is too low. Buy credits in the dashboard.`,
  )

/**
 * Why nothing was charged, when nobody else holds the key: the key's refunds this hour (429), its
 * daily credit cap (403), or the balance (402). `limits` are read after the refusal.
 */
export function refusal(limits: KeyLimits | undefined, price: number, now: number): ApiError {
  if (limits && limits.refunds >= REFUND_LIMIT.perWindow) {
    const ends = (limits.refundWindow ?? now) + REFUND_LIMIT.windowMs
    const retryAfter = Math.max(1, Math.ceil((ends - now) / 1000))
    return new ApiError(
      'rate_limited',
      `This API key had ${REFUND_LIMIT.perWindow} descriptions refunded in the last hour because the model's output was unusable, the most allowed; generation with it resumes in ${retryAfter} s. Check that the images are readable photos or graphics.`,
      { 'retry-after': String(retryAfter) },
    )
  }
  if (limits && limits.cap !== null && limits.spent + price > limits.cap) {
    return new ApiError(
      'forbidden',
      `This API key's daily credit cap of ${limits.cap} credit${limits.cap === 1 ? '' : 's'} is reached (${limits.spent} spent today, UTC; this image costs ${price}). It resets at 00:00 UTC; a key's cap cannot be changed, so for a higher one create a new key in the dashboard and revoke this one.`,
    )
  }
  return insufficient(price)
}

/**
 * Charges `price` for one image (see the module comment). `onKey` sees the key row of an API-key
 * payer as soon as it is known valid (to set the request's user). Throws 401, 429 (limit, or the
 * key's earlier attempt still running), 400 (the key was used for another request) or 402.
 */
export async function chargeFor(
  db: D1Database,
  payer: KeyPayer | AccountPayer,
  claim: ClaimHashes,
  price: number,
  options: {
    lease: number
    reuse?: ReuseOrder
    onKey?: (row: KeyRow, now: number) => void
    /** Sees the key's generation count when the charge counted the request. */
    onCount?: (counted: Counted | undefined) => void
    /** Told the credits given back when an abandoned attempt was reaped before this charge. */
    onReap?: (refunded: number) => void
  },
): Promise<Charged> {
  for (let attempt = 0; ; attempt++) {
    const now = Date.now()
    const id = newId('use')
    const result = await charge(db, { payer, ...claim, id, price, now, reuse: options.reuse })
    if ('apiKeyHash' in payer && !payer.counted) options.onCount?.(result.counted)
    const caller = callerOf(payer, result.key, result.counted, now, options.onKey)
    const outcome = outcomeOf(result, { id, caller, claim, price, lease: options.lease, now })
    if (outcome.kind === 'refused') throw refusal(await readKeyLimits(db, payer, now), price, now)
    if (outcome.kind !== 'abandoned') return outcome
    // An abandoned attempt is refunded and its claim deleted once; then this one runs.
    if (attempt > 0) throw inProgress()
    const lease = now - options.lease
    // Reaped first: `onReap?.(await …)` would skip the reap itself when nobody listens.
    const refunded = await reapAbandoned(db, caller.userId, claim.keyHash, outcome.reference, lease)
    options.onReap?.(refunded)
    // The request's unit was counted (and admitted) by this first charge: the second counts none.
    if ('apiKeyHash' in payer) payer = { ...payer, counted: true }
  }
}

/**
 * What a charge found, as an answer: paid, reused, answered by a completed earlier attempt, held
 * by an abandoned one (to be reaped), or refused (nobody holds the key: `refusal` says why).
 * Throws 400 (the key was used for another request) or 429 (an earlier attempt still runs).
 */
export function outcomeOf(
  result: {
    balance: number | null
    claimed: boolean
    holder: ClaimRow | null
    reused: ReuseRow | null
    contended?: boolean
  },
  at: {
    id: string
    caller: Caller
    claim: ClaimHashes
    price: number
    lease: number
    now: number
  },
): Charged | { kind: 'abandoned'; reference: string } | { kind: 'refused' } {
  if (result.balance !== null) {
    return { kind: 'charged', id: at.id, balance: result.balance, caller: at.caller }
  }
  if (result.reused && result.claimed) {
    return { kind: 'reused', id: at.id, row: result.reused, caller: at.caller }
  }
  const holder = result.holder
  if (!holder) {
    // The key's holder let go between our claim and the read: try again in a moment.
    if (result.contended) throw inProgress()
    return { kind: 'refused' }
  }
  const verdict = judgeHolder(holder, at.claim.requestHash, at.lease, at.now)
  if (verdict === 'reused') throw keyReused()
  if (verdict === 'in_progress') throw inProgress()
  if (verdict === 'done') return { kind: 'earlier', holder, caller: at.caller }
  return { kind: 'abandoned', reference: holder.reference }
}

/** The caller behind the charge: the key's owner (401/429 when refused), or the known account. */
function callerOf(
  payer: KeyPayer | AccountPayer,
  key: KeyRow | undefined,
  counted: Parameters<typeof checkRateLimit>[0],
  now: number,
  onKey: ((row: KeyRow, now: number) => void) | undefined,
): Caller {
  if (!('apiKeyHash' in payer)) return { userId: payer.userId, apiKeyId: payer.apiKeyId }
  try {
    const row = requireKeyRow(key, payer.apiKeyHash)
    onKey?.(row, now)
    checkRateLimit(counted, payer.perWindow, payer.limit, now)
    rememberKey(payer.apiKeyHash, now)
    return { userId: row.id, apiKeyId: row.key_id }
  } catch (error) {
    forgetKey(payer.apiKeyHash)
    throw error
  }
}

/**
 * Loads and describes the image of a paid charge. A failure (image, model, anything) is refunded
 * and its claim released before the error is rethrown. Returns the answer and the statements that
 * settle it.
 */
export async function describeCharged(
  db: D1Database,
  config: Config,
  charged: { id: string; balance: number; caller: Caller },
  job: ImageJob,
  keyHash: string,
  health?: ModelHealth,
  /** Told when a failure's price was given back (a batch keeps its balance with it). */
  onRefund?: (price: number) => void,
): Promise<{ answer: Described; settle: Settlement }> {
  const price = job.model.credits
  let result: ModelDescription & { model: string }
  try {
    const image = await job.image()
    result = await describe(config, job.model, { ...job, image }, health)
  } catch (error) {
    const { userId, apiKeyId } = charged.caller
    const capped = error instanceof UnusableOutput
    const [refund] = await db.batch<{ balance?: number }>(
      refundStatements(db, { userId, apiKeyId, price, id: charged.id, keyHash, capped }),
    )
    // No row: refunded before (an abandoned claim reaped meanwhile), not now.
    if (refund?.results[0]) onRefund?.(price)
    throw error
  }
  return {
    answer: {
      id: charged.id,
      altText: result.altText,
      language: job.language,
      model: result.model,
      creditsUsed: price,
      creditsRemaining: charged.balance,
      reused: false,
      ...descriptionFields(result),
    },
    settle: {
      caller: charged.caller,
      request: { endpoint: job.endpoint, imageUrl: job.imageUrl, language: job.language },
      result,
      price,
      id: charged.id,
      keyHash,
      at: Date.now(),
      reuseHash: job.reuse?.hash,
      reused: false,
    },
  }
}

/** The answer of a reused description (no model call, nothing charged) and its settlement. */
export function reusedAnswer(
  reused: { id: string; row: ReuseRow; caller: Caller },
  job: ImageJob,
  keyHash: string,
): { answer: Described; settle: Settlement } {
  const result = {
    altText: reused.row.alt_text,
    model: reused.row.model,
    ...reusedFields(reused.row),
  }
  return {
    answer: {
      id: reused.id,
      ...result,
      language: reused.row.language,
      creditsUsed: 0,
      creditsRemaining: reused.row.credits,
      reused: true,
    },
    settle: {
      caller: reused.caller,
      request: { endpoint: job.endpoint, imageUrl: job.imageUrl, language: job.language },
      result,
      price: 0,
      id: reused.id,
      keyHash,
      at: Date.now(),
      reused: true,
    },
  }
}
