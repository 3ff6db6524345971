import { Hono } from 'hono'
import { methodNotAllowed, notFound, onError } from './errors.js'
import { allowedMethods } from './lib/allowed-methods.js'
import { serveAsset } from './lib/assets.js'
import { bodyLimitFor, refuseDeclaredOversize } from './lib/body.js'
import { settlementsFirst } from './lib/generation-http.js'
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
// Every route refuses an oversized body before reading it: a declared Content-Length past the
// route's limit answers 413 at once. Nothing is buffered here (Hono's bodyLimit would buffer a
// body without Content-Length up to its limit before the route runs): routes read their bodies
// with `readBytes`, which cuts a streamed body as soon as it passes their limit, and a body a
// route never reads is never held. Generation routes check their own, larger limits.
app.use('/v1/*', async function bodyCeiling(c, next) {
  const limit = bodyLimitFor(c.req.path)
  if (limit !== undefined) refuseDeclaredOversize(c, limit)
  return next()
})

// An answer's settlement may still wait to ride along with a charge (lib/credits.ts): any other
// request of this isolate writes it first, so a read right after an answer sees it.
app.use('/v1/*', settlementsFirst())

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
app.notFound((c) => {
  const asset = serveAsset(c)
  if (asset) return asset
  const allow = allowedMethods(c.req.path, app.routes, Boolean(c.env.ASSETS))
  return allow.length > 0 ? methodNotAllowed(c, allow) : notFound(c)
})
app.onError(onError)
