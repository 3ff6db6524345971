import {
  AltTextRequest,
  type AltTextResponse,
  AltTextResponse as AltTextResponseSchema,
  BatchRequest,
  type BatchResponse,
  BatchResponse as BatchResponseSchema,
  type BatchResult,
  createLimiter,
  LIMITS,
} from '@alttextapi/core'
import { Hono } from 'hono'
import { ApiError } from '../errors.js'
import { newId, sha256Hex } from '../lib/crypto.js'
import {
  balance,
  type ChargeClaim,
  chargeAndDescribe,
  type Described,
  describe,
  insufficient,
  KeyTaken,
  ModelHealth,
  requireModelConfigured,
} from '../lib/generate.js'
import {
  canonicalHash,
  earlier,
  IDEMPOTENCY_WINDOW_MS,
  type IdempotencyClaim,
  inProgress,
  itemKeyHashOf,
  keyHashOf,
  keyReused,
  leaseMs,
  REPLAYED_HEADER,
  readIdempotencyKey,
  redescriptionsUsed,
  sha256Bytes,
  takeRedescription,
  usageRow,
} from '../lib/idempotency.js'
import { type Image, requireImage } from '../lib/image.js'
import {
  decodeInlineImage,
  loadImage,
  readBatchRequest,
  readSingleRequest,
  type SingleRequest,
} from '../lib/image-input.js'
import {
  authenticateKey,
  GENERATION_LIMIT,
  type KeyRow,
  keyLookup,
  requireKeyRow,
} from '../lib/key-auth.js'
import { answerKeyProblemFirst, chargeKeyAndDescribe } from '../lib/keyed-charge.js'
import { isKnownKey } from '../lib/known-keys.js'
import { type ModelEntry, resolveModel } from '../lib/models.js'
import type { RouteDoc } from '../lib/route-doc.js'
import { readCredential, requireKeyWithRateLimit } from '../middleware/auth.js'
import type { AppEnv } from '../types.js'

/** Model calls in flight for one batch: enough to be quick, few enough to hold few images. */
export const BATCH_CONCURRENCY = 4

/** Generation: one image, or a batch of up to 50. */
export const altText = new Hono<AppEnv>()

const apiKeyIdOf = (credential: AppEnv['Variables']['credential']) =>
  credential.kind === 'key' ? credential.apiKeyId : null

/** Lets the charge settle (usage row, or refund) even when the client goes away mid-request. */
function settleEvenIfDropped<T>(
  c: { executionCtx: ExecutionContext },
  work: Promise<T>,
): Promise<T> {
  try {
    c.executionCtx.waitUntil(work.catch(() => undefined))
  } catch {
    // No execution context (some test harnesses): nothing to extend.
  }
  return work
}

/** What to describe again when a completed request's alt text was not kept. */
interface Redo {
  config: AppEnv['Variables']['config']
  model: ModelEntry
  language: string
  maxLength: number
  context: string | undefined
  image: () => Promise<Image>
}

/**
 * The answer of a completed request, replayed: from its usage row, or — when its alt text was not
 * kept (history off) — described again without a charge (it was paid), a few times at most.
 */
async function replay(
  db: D1Database,
  claim: IdempotencyClaim,
  id: string,
  redo: Redo,
): Promise<Omit<Described, 'creditsRemaining'>> {
  const used = await usageRow(db, claim.userId, id)
  if (used?.alt_text) {
    return {
      id,
      altText: used.alt_text,
      language: used.language,
      model: used.model,
      creditsUsed: used.credits_used,
    }
  }
  if (!(await takeRedescription(db, claim, id))) throw redescriptionsUsed(id)
  const image = await redo.image()
  const again = await describe(redo.config, redo.model, {
    image,
    language: redo.language,
    maxLength: redo.maxLength,
    context: redo.context,
  })
  return {
    id,
    altText: again.altText,
    language: used?.language ?? redo.language,
    model: again.model,
    creditsUsed: used?.credits_used ?? redo.model.credits,
  }
}

altText.post('/', async (c) => {
  const config = c.var.config
  // The header's shape is checked at once. A key this isolate has not charged lately is looked up
  // before the body is read: an invented or revoked key costs one indexed read, never the parse
  // of a 10 MB body. The authoritative check (and the rate-limit count) comes with the charge on
  // the hot path (inline image, no Idempotency-Key), else right after the body is read.
  const { hash } = await readCredential(c.req.header('authorization'), ['key'])
  if (!isKnownKey(hash)) requireKeyRow(await keyLookup(c.env.DB, hash).first<KeyRow>(), hash)
  const authenticate = () => authenticateKey(c, hash, Date.now(), GENERATION_LIMIT)
  let key: string | undefined
  let request: SingleRequest
  let model: ModelEntry
  let inline: Image | undefined
  try {
    // A server without a provider key cannot do anything useful.
    requireModelConfigured(config)
    key = readIdempotencyKey(c.req.header('idempotency-key'))
    request = await readSingleRequest(c)
    model = resolveModel(config, request.model)
    if (key === undefined && request.source.kind === 'bytes') {
      inline = { ...requireImage(request.source.bytes), base64: request.source.base64 }
    }
  } catch (error) {
    // Answered in the same order as on every other route: a bad key or a spent limit first.
    await answerKeyProblemFirst(c, hash)
    throw error
  }
  const language = request.language ?? 'en'
  const maxLength = request.maxLength ?? LIMITS.defaultMaxLength
  if (inline) {
    const described = await settleEvenIfDropped(
      c,
      chargeKeyAndDescribe(c, hash, {
        image: inline,
        model,
        language,
        maxLength,
        context: request.context,
        endpoint: '/v1/alt-text',
        imageUrl: null,
      }),
    )
    return c.json(described satisfies AltTextResponse)
  }
  await authenticate()
  const user = c.var.user
  const db = c.env.DB
  let claim: IdempotencyClaim | undefined
  const answerEarlier = async (reap: boolean): Promise<Response | null> => {
    if (!claim) return null
    const found = await earlier(db, claim, reap ? leaseMs(config) : Number.POSITIVE_INFINITY)
    if (found.kind === 'none') return null
    if (found.kind === 'reused') throw keyReused()
    if (found.kind === 'in_progress') throw inProgress()
    const replayed = await replay(db, claim, found.row.reference, {
      config,
      model,
      language,
      maxLength,
      context: request.context,
      image: () => loadImage(request.source, config),
    })
    c.header(REPLAYED_HEADER, 'true')
    return c.json({
      ...replayed,
      creditsRemaining: await balance(db, user.id),
    } satisfies AltTextResponse)
  }
  if (key !== undefined) {
    // The canonical request: defaults filled in, the image by its SHA-256 (never stored itself).
    const imageRef =
      request.source.kind === 'url'
        ? ['url', request.source.url]
        : ['sha256', await sha256Bytes(request.source.bytes)]
    claim = {
      userId: user.id,
      keyHash: await keyHashOf(key),
      requestHash: await canonicalHash([
        '/v1/alt-text',
        imageRef,
        language,
        maxLength,
        request.context ?? null,
        model.id,
      ]),
    }
    const answered = await answerEarlier(true)
    if (answered) return answered
  }
  // Cheap early answer; the authoritative check is the guarded deduction below.
  if (user.credits < model.credits) throw insufficient(model.credits)
  const image = await loadImage(request.source, config)
  try {
    const result = await settleEvenIfDropped(
      c,
      chargeAndDescribe(
        db,
        config,
        { userId: user.id, apiKeyId: apiKeyIdOf(c.var.credential) },
        {
          image,
          model,
          language,
          maxLength,
          context: request.context,
          endpoint: '/v1/alt-text',
          imageUrl: request.source.kind === 'url' ? request.source.url : null,
        },
        undefined,
        claim,
      ),
    )
    return c.json(result satisfies AltTextResponse)
  } catch (error) {
    if (!(error instanceof KeyTaken)) throw error
    // Another request with the key got there first: answer what it did (or that it runs).
    const answered = await answerEarlier(false)
    if (answered) return answered
    throw inProgress()
  }
})

/**
 * Claims the key of a whole batch (a lock: one run at a time). A completed earlier run may be
 * claimed again (its items replay); a run in progress, or another request, may not.
 */
async function claimBatch(
  db: D1Database,
  claim: IdempotencyClaim,
  lease: number,
): Promise<{ reference: string; replay: boolean }> {
  const found = await earlier(db, claim, lease)
  if (found.kind === 'reused') throw keyReused()
  if (found.kind === 'in_progress') throw inProgress()
  const reference = newId('bat')
  const now = Date.now()
  const [, held] = await db.batch<{ reference: string }>([
    db
      .prepare(
        `INSERT INTO idempotency_keys (user_id, key_hash, request_hash, status, reference, redescribed, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'pending', ?4, 0, ?5, ?5)
         ON CONFLICT (user_id, key_hash) DO UPDATE SET request_hash = excluded.request_hash,
           status = 'pending', reference = excluded.reference, updated_at = excluded.updated_at,
           created_at = CASE WHEN idempotency_keys.created_at < ?6 THEN excluded.created_at
                             ELSE idempotency_keys.created_at END
         WHERE idempotency_keys.created_at < ?6
            OR (idempotency_keys.status = 'done' AND idempotency_keys.request_hash = excluded.request_hash)`,
      )
      .bind(
        claim.userId,
        claim.keyHash,
        claim.requestHash,
        reference,
        now,
        now - IDEMPOTENCY_WINDOW_MS,
      ),
    db
      .prepare('SELECT reference FROM idempotency_keys WHERE user_id = ? AND key_hash = ?')
      .bind(claim.userId, claim.keyHash),
  ])
  if (held?.results[0]?.reference !== reference) throw inProgress()
  return { reference, replay: found.kind === 'done' }
}

// The key lookup and the per-key rate-limit counter are one D1 round trip.
altText.post('/batch', requireKeyWithRateLimit(), async (c) => {
  const config = c.var.config
  requireModelConfigured(config)
  const key = readIdempotencyKey(c.req.header('idempotency-key'))
  const body = await readBatchRequest(c)
  const model = resolveModel(config, body.model)
  const user = c.var.user
  const db = c.env.DB
  const lease = leaseMs(config)
  const itemOptions = body.images.map((item) => ({
    language: item.language ?? body.language ?? 'en',
    maxLength: item.maxLength ?? LIMITS.defaultMaxLength,
    context: item.context,
  }))
  let lock: (IdempotencyClaim & { reference: string; replay: boolean }) | undefined
  if (key !== undefined) {
    const requestHash = await canonicalHash([
      '/v1/alt-text/batch',
      model.id,
      await Promise.all(
        body.images.map(async (item, index) => [
          item.imageUrl !== undefined
            ? ['url', item.imageUrl]
            : ['base64', await sha256Hex((item.image ?? '').trim())],
          itemOptions[index],
        ]),
      ),
    ])
    const base = { userId: user.id, keyHash: await keyHashOf(key), requestHash }
    lock = { ...base, ...(await claimBatch(db, base, lease)) }
  }
  const held = lock
  let anyReplayed = false
  try {
    // Nothing in the batch could be paid for: answer as a whole, before fetching anything.
    if (user.credits < model.credits && !held?.replay) throw insufficient(model.credits)
    const caller = { userId: user.id, apiKeyId: apiKeyIdOf(c.var.credential) }
    const limit = createLimiter(BATCH_CONCURRENCY)
    const health = new ModelHealth()
    const results = await Promise.all(
      body.images.map((item, index) =>
        limit(async (): Promise<BatchResult> => {
          try {
            const source =
              item.imageUrl !== undefined
                ? { kind: 'url' as const, url: item.imageUrl }
                : { kind: 'bytes' as const, bytes: decodeInlineImage(item.image ?? '') }
            const options = itemOptions[index] as (typeof itemOptions)[number]
            let claim: ChargeClaim | undefined
            if (key !== undefined && held) {
              claim = {
                userId: user.id,
                keyHash: await itemKeyHashOf(key, index),
                requestHash: await sha256Hex(`${held.requestHash}\n${index}`),
                batch: { keyHash: held.keyHash, reference: held.reference },
              }
              const found = await earlier(db, claim, lease)
              if (found.kind === 'in_progress' || found.kind === 'reused') throw inProgress()
              if (found.kind === 'done') {
                anyReplayed = true
                return await replay(db, claim, found.row.reference, {
                  config,
                  model,
                  ...options,
                  image: () => loadImage(source, config),
                })
              }
            }
            const image = await loadImage(source, config)
            const { creditsRemaining: _, ...done } = await settleEvenIfDropped(
              c,
              chargeAndDescribe(
                db,
                config,
                caller,
                {
                  image,
                  model,
                  ...options,
                  endpoint: '/v1/alt-text/batch',
                  imageUrl: item.imageUrl ?? null,
                },
                health,
                claim,
              ),
            )
            return done
          } catch (error) {
            if (error instanceof KeyTaken) {
              const busy = inProgress()
              return { error: { code: busy.code, message: busy.message } }
            }
            if (error instanceof ApiError)
              return { error: { code: error.code, message: error.message } }
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
        }),
      ),
    )
    const creditsUsed = results.reduce(
      (sum, result) => sum + ('creditsUsed' in result ? result.creditsUsed : 0),
      0,
    )
    if (anyReplayed) c.header(REPLAYED_HEADER, 'true')
    return c.json({
      results,
      creditsUsed,
      creditsRemaining: await balance(db, user.id),
    } satisfies BatchResponse)
  } finally {
    // The run is over (its items are settled, done or released): the key may be replayed.
    if (held) {
      await db
        .prepare(
          `UPDATE idempotency_keys SET status = 'done', updated_at = ?
           WHERE user_id = ? AND key_hash = ? AND reference = ?`,
        )
        .bind(Date.now(), held.userId, held.keyHash, held.reference)
        .run()
    }
  }
})

/** OpenAPI description of the routes above. */
export const altTextDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/alt-text',
    summary: 'Write alt text for one image',
    description:
      'Send `imageUrl` (a public http(s) URL), or `image` as base64 or a data: URL, or multipart/form-data with a file field `image`. JPEG, PNG, GIF or WebP (decided by the bytes), at most 10 MB and 50 megapixels. The price of the model is deducted before the model is called and refunded if anything fails. Optional header `Idempotency-Key` (1–200 printable ASCII characters, e.g. a UUID per logical call, the same on its retries): within 24 h the same key of the same account is charged once — a completed request is answered again (same `id`, alt text, model, `creditsUsed`; `creditsRemaining` is the balance now) with `Idempotent-Replayed: true` and no model call; one still running answers 429 `rate_limited` with `Retry-After: 1`; one that failed (refunded) runs again; another request with the key is 400. With history off the alt text is not kept, so a replay describes the image again without a charge (at most 3 times).',
    tag: 'Generation',
    auth: ['key'],
    request: AltTextRequest,
    requestNote: 'multipart/form-data: a file field `image` plus the other fields as text fields',
    response: { status: 200, schema: AltTextResponseSchema },
    errors: [
      'unauthorized',
      'insufficient_credits',
      'payload_too_large',
      'unsupported_media_type',
      'image_fetch_failed',
      'rate_limited',
      'model_error',
      'model_not_configured',
    ],
  },
  {
    method: 'post',
    path: '/v1/alt-text/batch',
    summary: 'Write alt text for up to 50 images',
    description:
      'Results come back in the order of `images`. A malformed item fails the whole request with 400; an image that cannot be read, described or paid for fails on its own (`{error}`) and costs nothing, while the others succeed. Counts as one request for the rate limit. Optional `Idempotency-Key` as on `/v1/alt-text`: a retry of a completed batch replays its paid items without charging them again and runs its failed items again; a batch still running answers 429 `rate_limited` with `Retry-After: 1`.',
    tag: 'Generation',
    auth: ['key'],
    request: BatchRequest,
    response: { status: 200, schema: BatchResponseSchema },
    errors: ['unauthorized', 'insufficient_credits', 'rate_limited', 'model_not_configured'],
  },
]
