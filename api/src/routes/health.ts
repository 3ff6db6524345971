import { Health } from '@alttextapi/core'
import { Hono } from 'hono'
import type { RouteDoc } from '../lib/route-doc.js'
import type { AppEnv } from '../types.js'

/** `GET /health`: liveness, no database access. */
export const health = new Hono<AppEnv>().get('/', (c) => c.json({ ok: true }))

export const healthDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness check',
    tag: 'Meta',
    auth: [],
    response: { status: 200, schema: Health },
  },
]
