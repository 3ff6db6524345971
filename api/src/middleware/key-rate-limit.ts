import { createMiddleware } from 'hono/factory'
import { ApiError } from '../errors.js'
import { hit } from '../lib/rate-limit.js'
import type { AppEnv } from '../types.js'

const WINDOW_MS = 60_000

/**
 * Per-API-key limit on generation requests: RATE_LIMIT_PER_MINUTE requests per fixed minute
 * window (a batch counts as one request; its size is bounded by LIMITS.maxBatchItems and the
 * balance). Over the limit: 429 `rate_limited` with Retry-After. Needs `requireAuth('key')` first.
 */
export function keyRateLimit() {
  return createMiddleware<AppEnv>(async function keyRateLimit(c, next) {
    const credential = c.var.credential
    if (credential.kind === 'key') {
      const limit = c.var.config.rateLimitPerMinute
      const result = await hit(c.env.DB, `gen:${credential.apiKeyId}`, limit, WINDOW_MS)
      if (!result.allowed) {
        throw new ApiError(
          'rate_limited',
          `This API key made more than ${limit} generation requests this minute. Retry after ${result.retryAfter} s.`,
          {
            'retry-after': String(result.retryAfter),
          },
        )
      }
    }
    await next()
  })
}
