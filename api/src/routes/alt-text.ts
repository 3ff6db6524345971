import { type AltTextResponse, LIMITS } from '@alttextapi/core'
import { Hono } from 'hono'
import { type FetchedForKey, fetchForKey, noteKeyCount } from '../lib/counted-fetch.js'
import { requireModelConfigured } from '../lib/describe.js'
import { checkImageUrl } from '../lib/fetch-image.js'
import {
  type ClaimHashes,
  chargeFor,
  describeCharged,
  type ImageJob,
  reusedAnswer,
} from '../lib/generate.js'
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
import { type Image, requireImage } from '../lib/image.js'
import { type ImageSource, loadImage, readSingleRequest } from '../lib/image-input.js'
import { useKey } from '../lib/key-auth.js'
import { pricedFor, resolveModel } from '../lib/models.js'
import { replay } from '../lib/replay.js'
import { reuseHashOf } from '../lib/reuse.js'
import { readCredential } from '../middleware/auth.js'
import type { AppEnv } from '../types.js'
import { altTextBatch } from './alt-text-batch.js'
import { altTextDoc } from './alt-text-docs.js'

/** Generation: one image, or a batch of up to 50 (`alt-text-batch.ts`). */
export const altText = new Hono<AppEnv>()

altText.route('/batch', altTextBatch)

// Every request takes one path: one D1 batch (key, limit, Idempotency-Key claim, reuse, charge)
// before the model, the settlement (usage row, claim done, reuse row) after the answer. See
// lib/generate.ts.
altText.post('/', altTextDoc, async (c) => {
  const config = c.var.config
  const db = c.env.DB
  const { hash } = await readCredential(c.req.header('authorization'), ['key'])
  await refuseUnknownKey(db, hash)
  const { key, job, source, request } = await checkedOrKeyProblemFirst(c, hash, async () => {
    // A server without a provider key cannot do anything useful.
    requireModelConfigured(config)
    const key = readIdempotencyKey(c.req.header('idempotency-key'))
    const request = await readSingleRequest(c)
    // A long description is priced in: `model.credits` is what this image costs.
    const model = pricedFor(resolveModel(config, request.model), request.long)
    const source = request.source
    // An inline image is checked by its bytes, a URL by its scheme and address, before anything
    // is counted or charged.
    if (source.kind === 'url') checkImageUrl(source.url, config.allowPrivateImageUrls)
    const inline =
      source.kind === 'bytes' ? { ...requireImage(source.bytes), base64: source.base64 } : null
    const job: ImageJob = {
      model,
      language: request.language ?? 'en',
      maxLength: request.maxLength ?? LIMITS.defaultMaxLength,
      context: request.context,
      purpose: request.purpose,
      long: request.long,
      endpoint: '/v1/alt-text',
      imageUrl: source.kind === 'url' ? source.url : null,
      image: inline ? async () => inline : () => loadImage(source, config),
    }
    return { key, job, source, request }
  })
  // All of it under `waitUntil` (keepAlive): a client that goes away leaves no fetch uncounted
  // and no charge unsettled.
  const work = async () => {
    let payer = keyPayer(c, hash)
    let bytes: Uint8Array
    let fetched: FetchedForKey | undefined
    if (source.kind === 'url') {
      // The fetch is work we do for free: it costs a unit of the key's limit, a failed one too
      // (rate budget, never credits). Counted by the charge batch, or before it (counted-fetch.ts).
      fetched = await fetchForKey(c, hash, source.url, config)
      const image: Image = fetched.image
      job.image = async () => image
      payer = { ...payer, counted: fetched.counted }
      bytes = image.bytes
    } else {
      bytes = source.bytes
    }
    let unitCounted = false
    try {
      // The image's SHA-256, once: the idempotency request hash (inline) and the reuse key.
      const imageSha256 = await sha256Bytes(bytes)
      job.reuse = {
        hash: await reuseHashOf({
          imageSha256,
          language: job.language,
          model: job.model.id,
          maxLength: job.maxLength,
          context: job.context,
          matchContext: request.matchContext,
          purpose: job.purpose,
          long: job.long,
        }),
        fresh: request.fresh === true,
      }
      const claim = await singleClaim(key, source, job, imageSha256, request)
      const charged = await chargeFor(db, payer, claim, job.model.credits, {
        lease: leaseMs(config),
        reuse: job.reuse,
        onKey: payer.counted ? undefined : (row, now) => useKey(c, row, now),
        onCount: (counted) => {
          unitCounted = true
          noteKeyCount(hash, counted, config.rateLimitPerMinute)
        },
      })
      // Frees the fetch's place among the key's uncounted ones before the model call (seconds);
      // the `finally` below does it (counting the unit) when the request fails before the charge.
      await fetched?.done(unitCounted)
      if (charged.kind === 'earlier') {
        c.header(REPLAYED_HEADER, 'true')
        return replay(db, charged.caller.userId, charged.holder)
      }
      const { answer, settle } =
        charged.kind === 'reused'
          ? reusedAnswer(charged, job, claim.keyHash)
          : await describeCharged(db, config, charged, job, claim.keyHash)
      settleAfterAnswer(c, settle)
      return answer
    } finally {
      await fetched?.done(unitCounted)
    }
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
  imageSha256: string,
  request: { fresh?: boolean; matchContext?: boolean },
): Promise<ClaimHashes> {
  const imageRef = source.kind === 'url' ? ['url', source.url] : ['sha256', imageSha256]
  return {
    keyHash: await keyHashOf(key ?? crypto.randomUUID()),
    requestHash: await canonicalHash([
      '/v1/alt-text',
      imageRef,
      job.language,
      job.maxLength,
      job.context ?? null,
      job.model.id,
      request.fresh === true,
      request.matchContext === true,
      job.purpose ?? 'content',
      job.long === true,
    ]),
  }
}
