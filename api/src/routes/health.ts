import { Health } from '@alttextapi/core'
import { Hono } from 'hono'
import { describe } from '../lib/route-doc.js'
import type { AppEnv } from '../types.js'

/** `GET /health`: liveness, no database access. */
export const health = new Hono<AppEnv>().get(
  '/',
  describe({
    summary: 'Liveness check',
    tag: 'Meta',
    auth: [],
    response: { status: 200, schema: Health },
  }),
  (c) => c.json({ ok: true }),
)
