import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../types.js'

/** TODO (billing/privacy issue): security headers and CORS. */
export function securityHeaders() {
  return createMiddleware<AppEnv>(async function securityHeaders(_c, next) {
    await next()
  })
}
