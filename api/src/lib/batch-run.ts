/**
 * One run of `POST /v1/alt-text/batch`, in two D1 round trips whatever its size: the key checked,
 * the request counted, the run's Idempotency-Key claimed and every item charged in one batch
 * (`startRun`, through `claimRun` in `credits.ts`); then each item is described (a failure is
 * refunded at once), and the items' settlements, the run's end and the balance are one last
 * batch (`finishRun`).
 */
import { type BatchResult, createLimiter } from '@alttextapi/core'
import type { Context } from 'hono'
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import type { AppEnv } from '../types.js'
import {
  type Caller,
  type ChargeResult,
  claimRun,
  heartbeat,
  type RunItem,
  reapAbandoned,
} from './credits.js'
import { newId, sha256Hex } from './crypto.js'
import { ModelHealth } from './describe.js'
import { chargeFor, describeCharged, type ImageJob, outcomeOf } from './generate.js'
import { keyPayer } from './generation-http.js'
import {
  canonicalHash,
  inProgress,
  itemKeyHashOf,
  judgeHolder,
  keyHashOf,
  keyReused,
} from './idempotency.js'
import { checkRateLimit, requireKeyRow, useKey } from './key-auth.js'
import { rememberKey } from './known-keys.js'
import { replay } from './replay.js'

/** Model calls in flight for one batch: enough to be quick, few enough to hold few images. */
export const BATCH_CONCURRENCY = 4

/** A claimed run, its items charged. */
export interface Run {
  caller: Caller
  keyHash: string
  reference: string
  /** Per item: its claim and what its charge found. */
  items: Array<RunItem & Pick<ChargeResult, 'balance' | 'holder'>>
}

/**
 * Authenticates, counts, claims the run and charges its items (401, 429, 400 for a key used for
 * another request, 429 while a run with the key is in progress). `parts` is the canonical request,
 * `count` its number of items.
 */
export async function startRun(
  c: Context<AppEnv>,
  apiKeyHash: string,
  idempotencyKey: string | undefined,
  parts: unknown[],
  count: number,
  price: number,
  lease: number,
): Promise<Run> {
  const db = c.env.DB
  // A request without a key gets a random one: the same path, never a replay.
  const key = idempotencyKey ?? crypto.randomUUID()
  const keyHash = await keyHashOf(key)
  const requestHash = await canonicalHash(parts)
  const reference = newId('bat')
  const items = await Promise.all(
    Array.from({ length: count }, async (_, index) => ({
      keyHash: await itemKeyHashOf(key, index),
      requestHash: await sha256Hex(`${requestHash}\n${index}`),
      id: newId('use'),
    })),
  )
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
      items,
    })
    const row = requireKeyRow(found.key, apiKeyHash)
    useKey(c, row, now)
    checkRateLimit(found.counted, payer.perWindow, payer.limit, now)
    rememberKey(apiKeyHash, now)
    if (found.held) {
      const caller = { userId: row.id, apiKeyId: row.key_id }
      const charged = items.map((item, index) => ({
        ...item,
        ...(found.items[index] ?? { balance: null, holder: null }),
      }))
      return { caller, keyHash, reference, items: charged }
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
 * Describes every item (at most BATCH_CONCURRENCY at once): a paid item is described and refunded
 * or settled, an item whose key a completed run holds is replayed, an unpaid one fails in its
 * slot. Returns the results in order, the statements that settle the successes, and whether any
 * item was replayed.
 */
export async function runItems(
  db: D1Database,
  config: Config,
  run: Run,
  jobs: ImageJob[],
  lease: number,
): Promise<{ results: BatchResult[]; settle: D1PreparedStatement[]; replayed: boolean }> {
  const limit = createLimiter(BATCH_CONCURRENCY)
  const health = new ModelHealth()
  const settle: D1PreparedStatement[] = []
  const keyHashes = [run.keyHash, ...run.items.map((item) => item.keyHash)]
  let lastBeat = Date.now()
  let replayed = false
  const results = await Promise.all(
    jobs.map((job, index) =>
      limit(async (): Promise<BatchResult> => {
        const item = run.items[index] as Run['items'][number]
        try {
          // A long run shows a sign of life now and then, or its claims would look abandoned.
          if (Date.now() - lastBeat > lease / 4) {
            lastBeat = Date.now()
            await heartbeat(db, run.caller.userId, keyHashes, lastBeat)
          }
          const at = {
            id: item.id,
            caller: run.caller,
            claim: item,
            price: job.model.credits,
            lease,
            now: Date.now(),
          }
          let charged = outcomeOf(item, at)
          if (charged.kind === 'abandoned') {
            charged = await chargeFor(db, run.caller, item, job.model.credits, { lease })
          }
          if (charged.kind === 'earlier') {
            replayed = true
            const earlier = {
              userId: run.caller.userId,
              keyHash: item.keyHash,
              reference: charged.holder.reference,
            }
            const { creditsRemaining: _, ...done } = await replay(db, config, earlier, job)
            return done
          }
          const described = await describeCharged(db, config, charged, job, item.keyHash, health)
          settle.push(...described.settle)
          const { creditsRemaining: _, ...done } = described.answer
          return done
        } catch (error) {
          return itemError(error)
        }
      }),
    ),
  )
  return { results, settle, replayed }
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
