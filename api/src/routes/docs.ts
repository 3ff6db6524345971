import { Hono } from 'hono'
import { DOCS_CSS, DOCS_CSS_PATH, renderDocsPage } from '../lib/docs-page.js'
import type { RouteDoc } from '../lib/route-doc.js'
import { openApiDocument } from '../openapi.js'
import type { AppEnv } from '../types.js'

/** Public, and the same for everyone: browsers and caches may keep it a few minutes. */
const CACHE = 'public, max-age=300'

let page: string | undefined

/** Mounted at `/`: `GET /v1/openapi.json`, `GET /docs` and the page's stylesheet. */
export const docs = new Hono<AppEnv>()
  .get('/v1/openapi.json', (c) => {
    c.header('cache-control', CACHE)
    return c.json(openApiDocument())
  })
  .get('/docs', (c) => {
    page ??= renderDocsPage(openApiDocument())
    c.header('cache-control', CACHE)
    return c.html(page)
  })
  .get(DOCS_CSS_PATH, (c) => {
    c.header('content-type', 'text/css; charset=utf-8')
    c.header('cache-control', CACHE)
    return c.body(DOCS_CSS)
  })

/** OpenAPI description of the routes above (the stylesheet is an asset of /docs, not a route). */
export const docsDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    description: 'Built from the same schemas that validate the requests.',
    tag: 'Meta',
    auth: [],
    response: { status: 200, description: 'The OpenAPI 3.1 document (JSON).' },
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'The API reference page',
    description: 'This document rendered as HTML on the server: no scripts, works offline.',
    tag: 'Meta',
    auth: [],
    response: { status: 200, description: 'An HTML page.' },
  },
]
