import {
  AltTextRequest,
  type AltTextResponse,
  AltTextResponse as AltTextResponseSchema,
  LIMITS,
} from '@alttextapi/core'
import { Hono } from 'hono'
import { requireModelConfigured } from '../lib/describe.js'
import { type ClaimHashes, chargeFor, describeCharged, type ImageJob } from '../lib/generate.js'
import {
  checkedOrKeyProblemFirst,
  keepAlive,
  keyPayer,
  refuseUnknownKey,
  settleAfterAnswer,
} from '../lib/generation-http.js'
import {
  canonicalHash,
  keyHashOf,
  leaseMs,
  REPLAYED_HEADER,
  readIdempotencyKey,
  sha256Bytes,
} from '../lib/idempotency.js'
import { requireImage } from '../lib/image.js'
import { type ImageSource, loadImage, readSingleRequest } from '../lib/image-input.js'
import { useKey } from '../lib/key-auth.js'
import { resolveModel } from '../lib/models.js'
import { replay } from '../lib/replay.js'
import type { RouteDoc } from '../lib/route-doc.js'
import { readCredential } from '../middleware/auth.js'
import type { AppEnv } from '../types.js'
import { altTextBatch, altTextBatchDocs } from './alt-text-batch.js'

/** Generation: one image, or a batch of up to 50 (`alt-text-batch.ts`). */
export const altText = new Hono<AppEnv>()

altText.route('/batch', altTextBatch)

// Every request takes one path: one D1 batch (key, limit, Idempotency-Key claim, charge) before
// the model, the settlement (usage row, claim done) after the answer. See lib/generate.ts.
altText.post('/', async (c) => {
  const config = c.var.config
  const db = c.env.DB
  const { hash } = await readCredential(c.req.header('authorization'), ['key'])
  await refuseUnknownKey(db, hash)
  const { key, job, source } = await checkedOrKeyProblemFirst(c, hash, async () => {
    // A server without a provider key cannot do anything useful.
    requireModelConfigured(config)
    const key = readIdempotencyKey(c.req.header('idempotency-key'))
    const request = await readSingleRequest(c)
    const model = resolveModel(config, request.model)
    const source = request.source
    // An inline image is checked by its bytes before anything is charged; a URL is fetched once
    // the charge is paid (nothing is fetched for an account that cannot pay).
    const inline =
      source.kind === 'bytes' ? { ...requireImage(source.bytes), base64: source.base64 } : null
    const job: ImageJob = {
      model,
      language: request.language ?? 'en',
      maxLength: request.maxLength ?? LIMITS.defaultMaxLength,
      context: request.context,
      endpoint: '/v1/alt-text',
      imageUrl: source.kind === 'url' ? source.url : null,
      image: inline ? async () => inline : () => loadImage(source, config),
    }
    return { key, job, source }
  })
  const claim = await singleClaim(key, source, job)
  const work = async () => {
    const charged = await chargeFor(db, keyPayer(c, hash), claim, job.model.credits, {
      lease: leaseMs(config),
      onKey: (row, now) => useKey(c, row, now),
    })
    if (charged.kind === 'earlier') {
      c.header(REPLAYED_HEADER, 'true')
      const { userId } = charged.caller
      return replay(db, config, { userId, ...claim, reference: charged.holder.reference }, job)
    }
    const { answer, settle } = await describeCharged(db, config, charged, job, claim.keyHash)
    settleAfterAnswer(c, settle, answer.id)
    return answer
  }
  const answer = await keepAlive(c, work())
  return c.json(answer satisfies AltTextResponse)
})

/**
 * The claim of a single request: its key's hash (a random key when none was sent), and the hash
 * of the canonical request — defaults filled in, the image by its SHA-256 (never stored itself),
 * so base64, `data:` URL and multipart of the same bytes are the same request.
 */
async function singleClaim(
  key: string | undefined,
  source: ImageSource,
  job: ImageJob,
): Promise<ClaimHashes> {
  const imageRef =
    source.kind === 'url' ? ['url', source.url] : ['sha256', await sha256Bytes(source.bytes)]
  return {
    keyHash: await keyHashOf(key ?? crypto.randomUUID()),
    requestHash: await canonicalHash([
      '/v1/alt-text',
      imageRef,
      job.language,
      job.maxLength,
      job.context ?? null,
      job.model.id,
    ]),
  }
}

/** OpenAPI description of the routes above. */
export const altTextDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/alt-text',
    summary: 'Write alt text for one image',
    description:
      'Send `imageUrl` (a public http(s) URL), or `image` as base64 or a data: URL, or multipart/form-data with a file field `image`. JPEG, PNG, GIF or WebP (decided by the bytes), at most 10 MB and 50 megapixels. The price of the model is deducted before the image is fetched or the model is called, and refunded if anything fails. Optional header `Idempotency-Key` (1–200 printable ASCII characters, e.g. a UUID per logical call, the same on its retries): within 24 h the same key of the same account is charged once — a completed request is answered again (same `id`, alt text, model, `creditsUsed`; `creditsRemaining` is the balance now) with `Idempotent-Replayed: true` and no model call; one still running answers 429 `rate_limited` with `Retry-After: 1`; one that failed (refunded) runs again; another request with the key is 400 `idempotency_key_reused`. With history off the alt text is not kept, so a replay describes the image again without a charge (at most 3 times).',
    tag: 'Generation',
    auth: ['key'],
    request: AltTextRequest,
    requestNote: 'multipart/form-data: a file field `image` plus the other fields as text fields',
    response: { status: 200, schema: AltTextResponseSchema },
    errors: [
      'unauthorized',
      'insufficient_credits',
      'idempotency_key_reused',
      'payload_too_large',
      'unsupported_media_type',
      'image_fetch_failed',
      'rate_limited',
      'model_error',
      'model_not_configured',
    ],
  },
  ...altTextBatchDocs,
]
