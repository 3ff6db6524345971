import { type ModelList, ModelList as ModelListSchema } from '@alttextapi/core'
import { Hono } from 'hono'
import { modelList } from '../lib/models.js'
import { describe } from '../lib/route-doc.js'
import type { AppEnv } from '../types.js'

/** The vision models on offer and their prices. Public. */
export const models = new Hono<AppEnv>()

models.get(
  '/',
  describe({
    summary: 'List the vision models and their prices',
    description:
      '`credits` is the price of one image; `longCredits` is what a request with `long: true` adds per described image (with or without a long description); `default` marks the model used when a request names none. A reused description costs nothing.',
    tag: 'Models',
    auth: [],
    response: { status: 200, schema: ModelListSchema },
  }),
  (c) => {
    c.header('cache-control', 'public, max-age=300')
    return c.json({ models: modelList(c.var.config) } satisfies ModelList)
  },
)
