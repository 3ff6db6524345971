import { type BatchRequest as BatchRequestBody, type BatchResponse, LIMITS } from '@alttextapi/core'
import { Hono } from 'hono'
import type { Config } from '../env.js'
import { runItems, startRun } from '../lib/batch-run.js'
import { finishRun } from '../lib/credits.js'
import { sha256Hex } from '../lib/crypto.js'
import { requireModelConfigured } from '../lib/describe.js'
import { type ImageJob, insufficient } from '../lib/generate.js'
import { checkedOrKeyProblemFirst, refuseUnknownKey } from '../lib/generation-http.js'
import { leaseMs, REPLAYED_HEADER, readIdempotencyKey } from '../lib/idempotency.js'
import { decodeInlineImage, loadImage, readBatchRequest } from '../lib/image-input.js'
import { type ModelEntry, resolveModel } from '../lib/models.js'
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
    return { key, body, model: resolveModel(config, body.model) }
  })
  const jobs = body.images.map((item) => itemJob(item, body, model, config))
  const lease = leaseMs(config)
  const parts = await canonicalBatch(body, jobs, model)
  const run = await startRun(c, hash, key, parts, jobs.length, model.credits, lease)
  let finished = false
  try {
    // Nothing in the batch was paid for or can be replayed: answer as a whole, fetching nothing.
    if (run.items.every((item) => item.balance === null && item.holder === null)) {
      throw insufficient(model.credits)
    }
    const { results, settle, replayed } = await runItems(db, config, run, jobs, lease)
    const creditsRemaining = await finishRun(db, run.caller.userId, settle, run)
    finished = true
    const creditsUsed = results.reduce(
      (sum, result) => sum + ('creditsUsed' in result ? result.creditsUsed : 0),
      0,
    )
    if (replayed) c.header(REPLAYED_HEADER, 'true')
    return c.json({ results, creditsUsed, creditsRemaining } satisfies BatchResponse)
  } finally {
    // The run is over (its items are settled or released): the key may be replayed.
    if (!finished) await finishRun(db, run.caller.userId, [], run)
  }
})

/** The job of one item: its own options over the batch's, the image decoded or fetched lazily. */
function itemJob(
  item: BatchRequestBody['images'][number],
  body: BatchRequestBody,
  model: ModelEntry,
  config: Config,
): ImageJob {
  return {
    model,
    language: item.language ?? body.language ?? 'en',
    maxLength: item.maxLength ?? LIMITS.defaultMaxLength,
    context: item.context,
    endpoint: '/v1/alt-text/batch',
    imageUrl: item.imageUrl ?? null,
    // Per item: an image that cannot be decoded fails its own slot, not the batch.
    image: () =>
      loadImage(
        item.imageUrl !== undefined
          ? { kind: 'url', url: item.imageUrl }
          : { kind: 'bytes', bytes: decodeInlineImage(item.image ?? '') },
        config,
      ),
  }
}

/** The canonical batch: the model, then per item its image (URL or base64 hash) and options. */
async function canonicalBatch(
  body: BatchRequestBody,
  jobs: ImageJob[],
  model: ModelEntry,
): Promise<unknown[]> {
  return [
    '/v1/alt-text/batch',
    model.id,
    await Promise.all(
      body.images.map(async (item, index) => {
        const job = jobs[index] as ImageJob
        return [
          item.imageUrl !== undefined
            ? ['url', item.imageUrl]
            : ['base64', await sha256Hex((item.image ?? '').trim())],
          { language: job.language, maxLength: job.maxLength, context: job.context },
        ]
      }),
    ),
  ]
}
