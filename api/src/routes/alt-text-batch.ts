import { type BatchRequest as BatchRequestBody, type BatchResponse, LIMITS } from '@alttextapi/core'
import { Hono } from 'hono'
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import { nothingPayable, type PreparedItem, runItems, startRun } from '../lib/batch-run.js'
import { endRun } from '../lib/credits.js'
import { requireModelConfigured } from '../lib/describe.js'
import { checkImageUrl } from '../lib/fetch-image.js'
import { type ImageJob, refusal } from '../lib/generate.js'
import {
  checkedOrKeyProblemFirst,
  keepAlive,
  refuseUnknownKey,
  settleAfterAnswer,
} from '../lib/generation-http.js'
import { leaseMs, REPLAYED_HEADER, readIdempotencyKey, sha256Bytes } from '../lib/idempotency.js'
import { requireImage } from '../lib/image.js'
import { decodeInlineImage, readBatchRequest } from '../lib/image-input.js'
import { type ModelEntry, pricedFor, resolveModel } from '../lib/models.js'
import { readCredential } from '../middleware/auth.js'
import type { AppEnv } from '../types.js'
import { altTextBatchDoc } from './alt-text-docs.js'

/** `POST /v1/alt-text/batch` (mounted under `/v1/alt-text`). */
export const altTextBatch = new Hono<AppEnv>()

altTextBatch.post('/', altTextBatchDoc, async (c) => {
  const config = c.var.config
  const db = c.env.DB
  const { hash } = await readCredential(c.req.header('authorization'), ['key'])
  await refuseUnknownKey(db, hash)
  const { key, body, model } = await checkedOrKeyProblemFirst(c, hash, async () => {
    requireModelConfigured(config)
    const key = readIdempotencyKey(c.req.header('idempotency-key'))
    const body = await readBatchRequest(c)
    // `long` is the batch's: every image has one price (the model's, plus the long surcharge).
    return { key, body, model: pricedFor(resolveModel(config, body.model), body.long) }
  })
  // Every item's own checks come before anything is counted or charged.
  const prepared = await Promise.all(
    body.images.map((item) => prepareItem(item, body, model, config)),
  )
  const lease = leaseMs(config)
  const parts = canonicalBatch(prepared, body, model)
  // All of it under `waitUntil` (keepAlive), as a single request: a client that goes away leaves
  // no charge unsettled, and the other requests' settlements its batches carry are written.
  const work = async (): Promise<BatchResponse & { replayed: boolean }> => {
    const run = await startRun(c, hash, key, parts, prepared, model.credits, lease)
    let finished = false
    try {
      // Nothing in the batch was paid for, reused or can be replayed: answer as a whole — unless
      // an item failed its own checks, whose error must not hide behind a 402.
      if (nothingPayable(run, prepared) && prepared.every((item) => item.kind !== 'failed')) {
        throw refusal(await run.limits(), model.credits, Date.now())
      }
      const { results, settle, balance, replayed } = await runItems(
        db,
        config,
        run,
        prepared,
        lease,
      )
      // The items' settlements and the run's end are written after the answer, as a single
      // request's settlement is (riding along with the isolate's next charge, or in `waitUntil`).
      settleAfterAnswer(c, ...settle, {
        runEnd: true,
        userId: run.caller.userId,
        keyHash: run.keyHash,
        reference: run.reference,
        at: Date.now(),
      })
      finished = true
      const creditsUsed = results.reduce(
        (sum, result) => sum + ('creditsUsed' in result ? result.creditsUsed : 0),
        0,
      )
      return { results, creditsUsed, creditsRemaining: balance, replayed }
    } finally {
      // The run gives no answer (refused or failed): its key may be used again at once.
      if (!finished) await endRun(db, run.caller.userId, run)
    }
  }
  const { replayed, ...answer } = await keepAlive(c, work())
  if (replayed) c.header(REPLAYED_HEADER, 'true')
  return c.json(answer satisfies BatchResponse)
})

/**
 * One item checked before the charge: inline bytes decoded and checked to be an image (and
 * hashed), a URL's scheme and address checked. A problem fails the item's own slot, free.
 */
async function prepareItem(
  item: BatchRequestBody['images'][number],
  body: BatchRequestBody,
  model: ModelEntry,
  config: Config,
): Promise<PreparedItem> {
  const job: ImageJob = {
    model,
    language: item.language ?? body.language ?? 'en',
    maxLength: item.maxLength ?? LIMITS.defaultMaxLength,
    context: item.context,
    purpose: item.purpose,
    long: body.long,
    endpoint: '/v1/alt-text/batch',
    imageUrl: item.imageUrl ?? null,
    image: () => Promise.reject(new Error('image not loaded')),
  }
  const options = { fresh: item.fresh, matchContext: item.matchContext }
  try {
    if (item.imageUrl !== undefined) {
      checkImageUrl(item.imageUrl, config.allowPrivateImageUrls)
      return { kind: 'url', job, url: item.imageUrl, options }
    }
    const image = requireImage(decodeInlineImage(item.image ?? ''))
    job.image = async () => image
    return { kind: 'inline', job, image, sha256: await sha256Bytes(image.bytes), options }
  } catch (error) {
    if (error instanceof ApiError) return { kind: 'failed', error }
    throw error
  }
}

/**
 * The canonical batch: the model, then per item its image (URL, or the bytes' SHA-256) and
 * options. An item that failed its checks is named by its position only.
 */
function canonicalBatch(
  prepared: PreparedItem[],
  body: BatchRequestBody,
  model: ModelEntry,
): unknown[] {
  return [
    '/v1/alt-text/batch',
    model.id,
    body.long === true,
    prepared.map((item, index) => {
      const raw = body.images[index]
      const options = [
        raw?.context ?? null,
        raw?.fresh === true,
        raw?.matchContext === true,
        raw?.purpose ?? 'content',
      ]
      if (item.kind === 'failed') return ['failed', index]
      const { language, maxLength } = item.job
      const image = item.kind === 'url' ? ['url', item.url] : ['sha256', item.sha256]
      return [image, language, maxLength, ...options]
    }),
  ]
}
