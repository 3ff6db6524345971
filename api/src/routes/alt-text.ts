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
import {
  balance,
  chargeAndDescribe,
  insufficient,
  ModelHealth,
  requireModelConfigured,
} from '../lib/generate.js'
import {
  decodeInlineImage,
  loadImage,
  readBatchRequest,
  readSingleRequest,
} from '../lib/image-input.js'
import { resolveModel } from '../lib/models.js'
import type { RouteDoc } from '../lib/route-doc.js'
import { requireAuth } from '../middleware/auth.js'
import { keyRateLimit } from '../middleware/key-rate-limit.js'
import type { AppEnv } from '../types.js'

/** Model calls in flight for one batch: enough to be quick, few enough to hold few images. */
export const BATCH_CONCURRENCY = 4

/** Generation: one image, or a batch of up to 50. */
export const altText = new Hono<AppEnv>()

altText.use('*', requireAuth('key'))
altText.use('*', keyRateLimit())

const apiKeyIdOf = (credential: AppEnv['Variables']['credential']) =>
  credential.kind === 'key' ? credential.apiKeyId : null

altText.post('/', async (c) => {
  const config = c.var.config
  // Before reading the body: a server without a provider key cannot do anything useful.
  requireModelConfigured(config)
  const request = await readSingleRequest(c)
  const model = resolveModel(config, request.model)
  const user = c.var.user
  // Cheap early answer; the authoritative check is the guarded deduction below.
  if (user.credits < model.credits) throw insufficient(model.credits)
  const image = await loadImage(request.source, config)
  const result = await chargeAndDescribe(
    c.env.DB,
    config,
    { userId: user.id, apiKeyId: apiKeyIdOf(c.var.credential) },
    {
      image,
      model,
      language: request.language ?? 'en',
      maxLength: request.maxLength ?? LIMITS.defaultMaxLength,
      context: request.context,
      endpoint: '/v1/alt-text',
      imageUrl: request.source.kind === 'url' ? request.source.url : null,
    },
  )
  return c.json(result satisfies AltTextResponse)
})

altText.post('/batch', async (c) => {
  const config = c.var.config
  requireModelConfigured(config)
  const body = await readBatchRequest(c)
  const model = resolveModel(config, body.model)
  const user = c.var.user
  // Nothing in the batch could be paid for: answer as a whole, before fetching anything.
  if (user.credits < model.credits) throw insufficient(model.credits)
  const caller = { userId: user.id, apiKeyId: apiKeyIdOf(c.var.credential) }
  const limit = createLimiter(BATCH_CONCURRENCY)
  const health = new ModelHealth()
  const results = await Promise.all(
    body.images.map((item) =>
      limit(async (): Promise<BatchResult> => {
        try {
          const source =
            item.imageUrl !== undefined
              ? { kind: 'url' as const, url: item.imageUrl }
              : { kind: 'bytes' as const, bytes: decodeInlineImage(item.image ?? '') }
          const image = await loadImage(source, config)
          const { creditsRemaining: _, ...done } = await chargeAndDescribe(
            c.env.DB,
            config,
            caller,
            {
              image,
              model,
              language: item.language ?? body.language ?? 'en',
              maxLength: item.maxLength ?? LIMITS.defaultMaxLength,
              context: item.context,
              endpoint: '/v1/alt-text/batch',
              imageUrl: item.imageUrl ?? null,
            },
            health,
          )
          return done
        } catch (error) {
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
  return c.json({
    results,
    creditsUsed,
    creditsRemaining: await balance(c.env.DB, user.id),
  } satisfies BatchResponse)
})

/** OpenAPI description of the routes above. */
export const altTextDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/alt-text',
    summary: 'Write alt text for one image',
    description:
      'Send `imageUrl` (a public http(s) URL), or `image` as base64 or a data: URL, or multipart/form-data with a file field `image`. JPEG, PNG, GIF or WebP (decided by the bytes), at most 10 MB and 50 megapixels. The price of the model is deducted before the model is called and refunded if anything fails.',
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
      'Results come back in the order of `images`. A malformed item fails the whole request with 400; an image that cannot be read, described or paid for fails on its own (`{error}`) and costs nothing, while the others succeed. Counts as one request for the rate limit.',
    tag: 'Generation',
    auth: ['key'],
    request: BatchRequest,
    response: { status: 200, schema: BatchResponseSchema },
    errors: ['unauthorized', 'insufficient_credits', 'rate_limited', 'model_not_configured'],
  },
]
