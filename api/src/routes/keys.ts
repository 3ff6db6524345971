import { Hono } from 'hono'
import type { RouteDoc } from '../lib/route-doc.js'
import type { AppEnv } from '../types.js'

/** TODO: routes of this resource (being built). */
export const keys = new Hono<AppEnv>()

/** OpenAPI description of the routes above. */
export const keysDocs: RouteDoc[] = []
