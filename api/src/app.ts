import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ApiError, notFound, onError } from './errors.js'
import { serveAsset } from './lib/assets.js'
import { LIMITS } from './lib/body.js'
import { config } from './middleware/config.js'
import { securityHeaders } from './middleware/headers.js'
import { buildOpenApi, type OpenApiDocument } from './openapi.js'
import { account } from './routes/account.js'
import { altText } from './routes/alt-text.js'
import { auth } from './routes/auth.js'
import { billing } from './routes/billing.js'
import { credits } from './routes/credits.js'
import { docsRoutes } from './routes/docs.js'
import { health } from './routes/health.js'
import { keys } from './routes/keys.js'
import { models } from './routes/models.js'
import { privacy } from './routes/privacy.js'
import { usage } from './routes/usage.js'
import type { AppEnv } from './types.js'

/** The API: one router per resource. */
export const app = new Hono<AppEnv>()

app.use('*', securityHeaders())
app.use('*', config())
// A global ceiling; routes that read bodies apply their own, smaller limits.
const ceiling = bodyLimit({
  maxSize: LIMITS.maxJsonBodyBytes,
  onError: () => {
    throw new ApiError('payload_too_large', 'The request body is too large.')
  },
})
// Hono's bodyLimit buffers a body without Content-Length up to the limit before the route runs.
// Generation routes read their (larger) bodies themselves with a streaming cut-off (readBytes),
// so they skip it and an oversized upload is refused without being held in memory.
app.use('/v1/*', async function bodyCeiling(c, next) {
  if (c.req.path === '/v1/alt-text' || c.req.path.startsWith('/v1/alt-text/')) return next()
  return ceiling(c, next)
})

app.route('/health', health)
app.route('/v1/auth', auth)
app.route('/v1/account', account)
app.route('/v1/account', privacy)
app.route('/v1/keys', keys)
app.route('/v1/credits', credits)
app.route('/v1/models', models)
app.route('/v1/alt-text', altText)
app.route('/v1/usage', usage)
app.route('/v1/billing', billing)
// Built on first request, when every route above is registered; the same for the isolate's life.
let document: Promise<OpenApiDocument> | undefined
app.route(
  '/',
  docsRoutes(() => {
    document ??= buildOpenApi(app)
    return document
  }),
)

// Every request reaches the Worker first (wrangler.jsonc `run_worker_first: true`), so that a
// POST to a dashboard path gets the JSON error shape instead of the assets' empty 405; what no
// route takes and a browser may fetch goes on to the dashboard's static assets.
app.notFound((c) => serveAsset(c) ?? notFound(c))
app.onError(onError)
