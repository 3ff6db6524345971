import type { Context } from 'hono'
import type { AppEnv } from '../types.js'

/** Paths the API owns: an unknown one is a JSON 404, never the dashboard's index page. */
const API_PATH = /^\/(v1|health|docs)(\/|$)/

/** Whether a path is the API's (answered by routes, never by the dashboard's assets). */
export function isApiPath(path: string): boolean {
  return API_PATH.test(path)
}

/**
 * The dashboard's static asset (or its single-page fallback) for a GET or HEAD outside the API's
 * paths, from the assets binding; undefined for anything else, which the caller answers as 404.
 */
export function serveAsset(c: Context<AppEnv>): Promise<Response> | undefined {
  const method = c.req.method
  if (method !== 'GET' && method !== 'HEAD') return undefined
  if (API_PATH.test(c.req.path) || !c.env.ASSETS) return undefined
  return c.env.ASSETS.fetch(c.req.raw)
}
