/**
 * One run of `POST /v1/alt-text/batch`: the key checked, the request counted and the run's
 * Idempotency-Key claimed in one batch (`startRun`); then every item takes the one charging path
 * of a single image (`runItems`), its own claim refreshing the run's; the items' settlements, the
 * run's end and the balance are one last batch (`finishRun` in `credits.ts`).
 */
import { type BatchResult, createLimiter } from '@alttextapi/core'
import type { Context } from 'hono'
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import type { AppEnv } from '../types.js'
import { type Caller, claimRun, reapAbandoned } from './credits.js'
import { newId, sha256Hex } from './crypto.js'
import { ModelHealth } from './describe.js'
import { chargeFor, describeCharged, type ImageJob } from './generate.js'
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

/** A claimed run. */
export interface Run {
  caller: Caller
  /** The balance when the run started. */
  credits: number
  /** The Idempotency-Key as sent (a random one when none was). */
  key: string
  keyHash: string
  requestHash: string
  reference: string
  /** The run repeats a completed run of the same request: its paid items replay. */
  replay: boolean
}

/**
 * Authenticates, counts and claims the run (401, 429, 400 for a key used for another request,
 * 429 while a run with the key is in progress). `parts` is the canonical request.
 */
export async function startRun(
  c: Context<AppEnv>,
  apiKeyHash: string,
  idempotencyKey: string | undefined,
  parts: unknown[],
  lease: number,
): Promise<Run> {
  const db = c.env.DB
  const key = idempotencyKey ?? crypto.randomUUID()
  const keyHash = await keyHashOf(key)
  const requestHash = await canonicalHash(parts)
  const reference = newId('bat')
  const payer = keyPayer(c, apiKeyHash)
  for (let attempt = 0; ; attempt++) {
    const now = Date.now()
    const found = await claimRun(db, { ...payer, keyHash, requestHash, reference, now })
    const row = requireKeyRow(found.key, apiKeyHash)
    useKey(c, row, now)
    checkRateLimit(found.counted, payer.perWindow, payer.limit, now)
    rememberKey(apiKeyHash, now)
    if (found.held) {
      const caller = { userId: row.id, apiKeyId: row.key_id }
      const replayed = found.before?.status === 'done'
      return {
        caller,
        credits: row.credits,
        key,
        keyHash,
        requestHash,
        reference,
        replay: replayed,
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
 * Runs every item (at most BATCH_CONCURRENCY at once): each is charged, described and refunded or
 * settled on its own. Returns the results in order, the statements that settle the successes,
 * and whether any item was replayed.
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
  let replayed = false
  const results = await Promise.all(
    jobs.map((job, index) =>
      limit(async (): Promise<BatchResult> => {
        try {
          const claim = {
            keyHash: await itemKeyHashOf(run.key, index),
            requestHash: await sha256Hex(`${run.requestHash}\n${index}`),
          }
          const charged = await chargeFor(db, run.caller, claim, job.model.credits, {
            lease,
            heartbeat: { keyHash: run.keyHash, reference: run.reference },
          })
          if (charged.kind === 'earlier') {
            replayed = true
            const earlier = {
              userId: run.caller.userId,
              keyHash: claim.keyHash,
              reference: charged.holder.reference,
            }
            const { creditsRemaining: _, ...done } = await replay(db, config, earlier, job)
            return done
          }
          const described = await describeCharged(db, config, charged, job, claim.keyHash, health)
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
