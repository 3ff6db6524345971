/**
 * One image through the one charging path, for a single request and for every batch item alike.
 *
 * 1. `chargeFor`: ONE atomic D1 batch claims the Idempotency-Key and deducts the price — for a
 *    single request it also looks the API key up and counts the request against its limit, and
 *    the deduction checks all of it — so nothing is paid unless the key, the limit, the claim and
 *    the balance allow it. A key held by an earlier attempt is judged instead (replay, 429, 400;
 *    an abandoned claim is reaped and the charge tried once more).
 * 2. `describeCharged`: the image is loaded (an image URL is fetched only once it is paid for)
 *    and described; any failure is refunded and the claim released in one batch before the error
 *    is answered. A success returns the answer and the statements that settle it (usage row +
 *    claim done): the caller writes them (a single request after its answer, a batch with its
 *    last batch).
 */
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import {
  type Caller,
  charge,
  type KeyPayer,
  reapAbandoned,
  refundStatements,
  settleStatements,
} from './credits.js'
import { newId } from './crypto.js'
import { describe, type ModelHealth } from './describe.js'
import { type ClaimRow, inProgress, judgeHolder, keyReused } from './idempotency.js'
import type { Image } from './image.js'
import { checkRateLimit, type KeyRow, requireKeyRow } from './key-auth.js'
import { forgetKey, rememberKey } from './known-keys.js'
import type { ModelEntry } from './models.js'

/** What to describe, how, and where the usage record says it came from. */
export interface ImageJob {
  model: ModelEntry
  language: string
  maxLength: number
  context?: string
  endpoint: string
  imageUrl: string | null
  /** The image: already in memory (inline), or fetched once the charge is paid (a URL). */
  image: () => Promise<Image>
}

/** One successful, charged description. */
export interface Described {
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

/** The outcome of `chargeFor`: paid now, or answered by an earlier, completed attempt. */
export type Charged =
  | { kind: 'charged'; id: string; balance: number; caller: Caller }
  | { kind: 'earlier'; holder: ClaimRow; caller: Caller }

/** 402 for an image the balance cannot pay. */
export const insufficient = (price: number) =>
  new ApiError(
    'insufficient_credits',
    `This image costs ${price} credit${price === 1 ? '' : 's'} and the balance is too low. Buy credits in the dashboard.`,
  )

/** A payer who is a known account (batch items: the key was checked once for the batch). */
type AccountPayer = { userId: string; apiKeyId: string | null }

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
  options: { lease: number; onKey?: (row: KeyRow, now: number) => void },
): Promise<Charged> {
  for (let attempt = 0; ; attempt++) {
    const now = Date.now()
    const id = newId('use')
    const result = await charge(db, {
      payer: 'apiKeyHash' in payer ? payer : { userId: payer.userId },
      ...claim,
      id,
      price,
      now,
    })
    const caller = callerOf(payer, result.key, result.counted, now, options.onKey)
    const outcome = outcomeOf(result, { id, caller, claim, price, lease: options.lease, now })
    if (outcome.kind !== 'abandoned') return outcome
    // An abandoned attempt is refunded and its claim deleted once; then this one runs.
    if (attempt > 0) throw inProgress()
    await reapAbandoned(db, caller.userId, claim.keyHash, outcome.reference, now - options.lease)
  }
}

/**
 * What a charge found, as an answer: paid, answered by a completed earlier attempt, or held by an
 * abandoned one (to be reaped). Throws 402 (no balance), 400 (the key was used for another
 * request) or 429 (an earlier attempt still runs).
 */
export function outcomeOf(
  result: { balance: number | null; holder: ClaimRow | null },
  at: {
    id: string
    caller: Caller
    claim: ClaimHashes
    price: number
    lease: number
    now: number
  },
): Charged | { kind: 'abandoned'; reference: string } {
  if (result.balance !== null) {
    return { kind: 'charged', id: at.id, balance: result.balance, caller: at.caller }
  }
  const holder = result.holder
  if (!holder) throw insufficient(at.price)
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
): Promise<{ answer: Described; settle: D1PreparedStatement[] }> {
  const price = job.model.credits
  let result: { altText: string; model: string }
  try {
    const image = await job.image()
    result = await describe(config, job.model, { ...job, image }, health)
  } catch (error) {
    await db.batch(
      refundStatements(db, { userId: charged.caller.userId, price, id: charged.id, keyHash }),
    )
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
    },
    settle: settleStatements(db, {
      caller: charged.caller,
      request: job,
      result,
      price,
      id: charged.id,
      keyHash,
      at: Date.now(),
    }),
  }
}
