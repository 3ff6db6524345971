import { Hono } from 'hono'
import { renderDocsPage } from '../lib/docs/page.js'
import { DOCS_CSS, DOCS_CSS_PATH } from '../lib/docs/styles.js'
import { describe } from '../lib/route-doc.js'
import type { OpenApiDocument } from '../openapi.js'
import type { AppEnv } from '../types.js'

/** Public, and the same for everyone: browsers and caches may keep it a few minutes. */
const CACHE = 'public, max-age=300'

/**
 * Mounted at `/`: `GET /v1/openapi.json`, `GET /docs` and the page's stylesheet. The document
 * comes from the caller (the app builds it from its own routes), so this router imports neither.
 */
export function docsRoutes(document: () => Promise<OpenApiDocument>) {
  let page: string | undefined
  return new Hono<AppEnv>()
    .get(
      '/v1/openapi.json',
      describe({
        summary: 'This OpenAPI 3.1 document',
        description: 'Built from the same schemas that validate the requests.',
        tag: 'Meta',
        auth: [],
        response: { status: 200, description: 'The OpenAPI 3.1 document (JSON).' },
      }),
      async (c) => {
        c.header('cache-control', CACHE)
        return c.json(await document())
      },
    )
    .get(
      '/docs',
      describe({
        summary: 'The API reference page',
        description: 'This document rendered as HTML on the server: no scripts, works offline.',
        tag: 'Meta',
        auth: [],
        response: { status: 200, description: 'An HTML page.' },
      }),
      async (c) => {
        page ??= renderDocsPage(await document())
        c.header('cache-control', CACHE)
        return c.html(page)
      },
    )
    .get(DOCS_CSS_PATH, (c) => {
      c.header('content-type', 'text/css; charset=utf-8')
      c.header('cache-control', CACHE)
      return c.body(DOCS_CSS)
    })
}
