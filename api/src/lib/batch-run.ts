/**
 * One run of `POST /v1/alt-text/batch`. Inline items are decoded and checked, URL items' addresses
 * checked, before anything is counted or charged (a bad item fails its own slot, free). Then ONE
 * D1 batch checks the key, counts the request (one unit, plus one per image URL it will fetch),
 * claims the run's Idempotency-Key and charges — or reuses — every inline item (`startRun`,
 * through `claimRun` in `credits.ts`). Each item is then described (a failure is refunded at
 * once); an item by URL is fetched first and charged — or reused — on its own, since its bytes
 * decide. The answer's balance is the one read at the end of the run's first batch, less the
 * run's later charges, plus its refunds: the items' settlements and the run's end are written
 * after the answer, like a single request's (`settleAfterAnswer`), never a round trip before it.
 */
import { type BatchResult, createLimiter } from '@alttextapi/core'
import type { Context } from 'hono'
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import type { AppEnv } from '../types.js'
import {
  type Caller,
  claimRun,
  heartbeat,
  type ImageCharge,
  type KeyLimits,
  type RunItem,
  readKeyLimits,
  reapAbandoned,
  type Settlement,
} from './credits.js'
import { newId, sha256Hex } from './crypto.js'
import { ModelHealth } from './describe.js'
import {
  type Charged,
  chargeFor,
  describeCharged,
  type ImageJob,
  outcomeOf,
  refusal,
  reusedAnswer,
} from './generate.js'
import { keyPayer } from './generation-http.js'
import {
  canonicalHash,
  inProgress,
  itemKeyHashOf,
  judgeHolder,
  keyHashOf,
  keyReused,
  sha256Bytes,
} from './idempotency.js'
import type { Image } from './image.js'
import { loadImage } from './image-input.js'
import { checkRateLimit, requireKeyRow, useKey } from './key-auth.js'
import { rememberKey } from './known-keys.js'
import { replay } from './replay.js'
import { reuseHashOf } from './reuse.js'

/** Model calls in flight for one batch: enough to be quick, few enough to hold few images. */
export const BATCH_CONCURRENCY = 4

/** An item after its own checks, before anything is charged. */
export type PreparedItem =
  | { kind: 'inline'; job: ImageJob; image: Image; sha256: string; options: ReuseFlags }
  | { kind: 'url'; job: ImageJob; url: string; options: ReuseFlags }
  | { kind: 'failed'; error: ApiError }

/** The reuse options of an item. */
export interface ReuseFlags {
  fresh?: boolean
  matchContext?: boolean
}

/** A claimed run, its inline items charged (or reused). */
export interface Run {
  caller: Caller
  keyHash: string
  reference: string
  /** The key's limits, read once when a charge of the run was refused (to say why). */
  limits: () => Promise<KeyLimits | undefined>
  /** Per item: its claim and what its charge found (null: charged on its own, or failed). */
  items: Array<RunItem & { found: ImageCharge | null }>
  /** The balance after the run's first batch (its inline items charged). */
  balance: number
}

/** The reuse key of an item whose image bytes are known. */
function reuseOf(job: ImageJob, sha256: string, options: ReuseFlags) {
  return reuseHashOf({
    imageSha256: sha256,
    language: job.language,
    model: job.model.id,
    maxLength: job.maxLength,
    context: job.context,
    matchContext: options.matchContext,
    purpose: job.purpose,
    long: job.long,
  }).then((hash) => ({ hash, fresh: options.fresh === true }))
}

/**
 * Authenticates, counts, claims the run and charges its inline items (401, 429, 400 for a key used
 * for another request, 429 while a run with the key is in progress). `parts` is the canonical
 * request.
 */
export async function startRun(
  c: Context<AppEnv>,
  apiKeyHash: string,
  idempotencyKey: string | undefined,
  parts: unknown[],
  prepared: PreparedItem[],
  price: number,
  lease: number,
): Promise<Run> {
  const db = c.env.DB
  // A request without a key gets a random one: the same path, never a replay.
  const key = idempotencyKey ?? crypto.randomUUID()
  const keyHash = await keyHashOf(key)
  const requestHash = await canonicalHash(parts)
  const reference = newId('bat')
  const items: RunItem[] = await Promise.all(
    prepared.map(async (item, index) => {
      const reuse =
        item.kind === 'inline' ? await reuseOf(item.job, item.sha256, item.options) : undefined
      // The settlement keeps a charged description under the job's key: without it an inline
      // item was charged but never stored, so the next tool (or build) paid again.
      if (item.kind === 'inline') item.job.reuse = reuse
      return {
        keyHash: await itemKeyHashOf(key, index),
        requestHash: await sha256Hex(`${requestHash}\n${index}`),
        id: newId('use'),
        charge: item.kind === 'inline',
        reuse,
      }
    }),
  )
  const units = 1 + prepared.filter((item) => item.kind === 'url').length
  const payer = keyPayer(c, apiKeyHash)
  for (let attempt = 0; ; attempt++) {
    const now = Date.now()
    const found = await claimRun(db, {
      ...payer,
      keyHash,
      requestHash,
      reference,
      now,
      price,
      units,
      items,
    })
    const row = requireKeyRow(found.key, apiKeyHash)
    useKey(c, row, now)
    checkRateLimit(found.counted, payer.perWindow, payer.limit, now)
    rememberKey(apiKeyHash, now)
    if (found.held) {
      const caller = { userId: row.id, apiKeyId: row.key_id }
      const charged = items.map((item, index) => ({ ...item, found: found.items[index] ?? null }))
      let limits: Promise<KeyLimits | undefined> | undefined
      const readLimits = () => {
        limits ??= readKeyLimits(db, caller, Date.now())
        return limits
      }
      return {
        caller,
        keyHash,
        reference,
        limits: readLimits,
        items: charged,
        balance: found.balance ?? 0,
      }
    }
    const verdict = found.before
      ? judgeHolder(found.before, requestHash, lease, now)
      : 'in_progress'
    if (verdict === 'reused') throw keyReused()
    if (verdict !== 'abandoned' || attempt > 0 || !found.before) throw inProgress()
    await reapAbandoned(db, row.id, keyHash, found.before.reference, now - lease)
  }
}

/**
 * Whether the run can give nothing at all: no item was charged, reused or is replayable, and no
 * item waits for its image URL. Then it answers as a whole (402, or 403/429 for a key's limits).
 */
export function nothingPayable(run: Run, prepared: PreparedItem[]): boolean {
  return run.items.every((item, index) => {
    if (prepared[index]?.kind === 'url') return false
    const found = item.found
    return !found || (found.balance === null && found.holder === null && found.reused === null)
  })
}

/**
 * Describes every item (at most BATCH_CONCURRENCY at once): a paid item is described and refunded
 * or settled, a reused one answered from its stored description, an item whose key a completed run
 * holds is replayed, an unpaid one fails in its slot. Returns the results in order, the
 * settlements of the successes, the balance after the run (`run.balance` with the charges and
 * refunds made since), and whether any item was replayed.
 */
export async function runItems(
  db: D1Database,
  config: Config,
  run: Run,
  prepared: PreparedItem[],
  lease: number,
): Promise<{
  results: BatchResult[]
  settle: Settlement[]
  balance: number
  replayed: boolean
}> {
  const limit = createLimiter(BATCH_CONCURRENCY)
  const health = new ModelHealth()
  const settle: Settlement[] = []
  // Credits the run spent (+) or got back (−) after its first batch read the balance.
  let since = 0
  // Credits given back: a failed item's refund, or an abandoned attempt's reaped on the way.
  const givenBack = (credits: number) => {
    since -= credits
  }
  const keyHashes = [run.keyHash, ...run.items.map((item) => item.keyHash)]
  let lastBeat = Date.now()
  let replayed = false
  const results = await Promise.all(
    prepared.map((entry, index) =>
      limit(async (): Promise<BatchResult> => {
        const item = run.items[index] as Run['items'][number]
        try {
          if (entry.kind === 'failed') throw entry.error
          // A long run shows a sign of life now and then, or its claims would look abandoned.
          if (Date.now() - lastBeat > lease / 4) {
            lastBeat = Date.now()
            await heartbeat(db, run.caller.userId, keyHashes, lastBeat)
          }
          const job = entry.job
          const price = job.model.credits
          // The item charged on its own, after the run's first batch: its price leaves the balance.
          const chargeAlone = async () => {
            const alone = await chargeFor(db, run.caller, item, price, {
              lease,
              reuse: job.reuse,
              onReap: givenBack,
            })
            if (alone.kind === 'charged') since += price
            return alone
          }
          let charged: Charged
          if (entry.kind === 'url') {
            // Fetched before its charge: its bytes decide whether it is reused.
            const image = await loadImage({ kind: 'url', url: entry.url }, config)
            job.image = async () => image
            job.reuse = await reuseOf(job, await sha256Bytes(image.bytes), entry.options)
            charged = await chargeAlone()
          } else {
            const found = item.found ?? {
              balance: null,
              claimed: false,
              holder: null,
              reused: null,
            }
            const now = Date.now()
            const at = { id: item.id, caller: run.caller, claim: item, price, lease, now }
            const outcome = outcomeOf(found, at)
            // The limits are read after the run's charges: its own spending is in them.
            if (outcome.kind === 'refused') throw refusal(await run.limits(), price, now)
            charged = outcome.kind === 'abandoned' ? await chargeAlone() : outcome
          }
          if (charged.kind === 'earlier') {
            replayed = true
            const { creditsRemaining: _, ...done } = await replay(
              db,
              run.caller.userId,
              charged.holder,
            )
            return done
          }
          const described =
            charged.kind === 'reused'
              ? reusedAnswer(charged, job, item.keyHash)
              : await describeCharged(db, config, charged, job, item.keyHash, health, givenBack)
          settle.push(described.settle)
          const { creditsRemaining: _, ...done } = described.answer
          return done
        } catch (error) {
          return itemError(error)
        }
      }),
    ),
  )
  return { results, settle, balance: run.balance - since, replayed }
}

/** An item's failure in its slot: our errors as they are, anything else generic (and logged). */
function itemError(error: unknown): BatchResult {
  if (error instanceof ApiError) return { error: { code: error.code, message: error.message } }
  console.error(
    JSON.stringify({
      level: 'error',
      area: 'batch',
      name: (error as Error)?.name,
      message: (error as Error)?.message,
    }),
  )
  return {
    error: {
      code: 'internal_error',
      message: 'Something went wrong with this image; nothing was charged for it.',
    },
  }
}
