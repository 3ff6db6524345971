import { exports } from 'cloudflare:workers'
import * as core from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { api, json, signup, uniqueIp } from '../../test/helpers.js'
import { app } from '../app.js'
import { escapeHtml } from '../lib/docs-page.js'
import type { RouteDoc } from '../lib/route-doc.js'
import { buildOpenApi, type OpenApiDocument, operationId } from '../openapi.js'

/** Routes served that are not API operations (the docs page's stylesheet). */
const NOT_OPERATIONS = new Set(['get /docs/docs.css'])

/** Every method + path the app mounts, in OpenAPI form (`:id` → `{id}`). */
function mountedRoutes(): string[] {
  const routes = app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
  return [...new Set(routes)].filter((route) => !NOT_OPERATIONS.has(route)).sort()
}

async function fetchDocument(): Promise<OpenApiDocument> {
  const res = await api('/v1/openapi.json')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return json<OpenApiDocument>(res)
}

describe('GET /v1/openapi.json', () => {
  it('documents exactly the routes the app mounts', async () => {
    const document = await fetchDocument()
    expect(document.openapi).toBe('3.1.0')
    const documented = Object.entries(document.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
      .sort()
    const mounted = mountedRoutes()
    expect(mounted).toContain('post /v1/auth/signup')
    expect(mounted).toContain('delete /v1/keys/{id}')
    expect(documented).toEqual(mounted)
  })

  it('uses the very schemas that validate requests, and lists every request schema', async () => {
    const document = await fetchDocument()
    const requestNames = Object.keys(core).filter((name) => name.endsWith('Request'))
    expect(requestNames).toEqual(
      expect.arrayContaining(['SignupRequest', 'LoginRequest', 'KeyCreateRequest']),
    )
    for (const name of requestNames) {
      const schema = (core as unknown as Record<string, core.Schema<unknown>>)[name]
      expect(document.components.schemas[name], name).toEqual(
        JSON.parse(JSON.stringify(schema?.json)),
      )
    }
    const body = (method: string, path: string) => {
      const request = document.paths[path]?.[method]?.requestBody as
        | { content: Record<string, { schema: unknown }> }
        | undefined
      return request?.content['application/json']?.schema
    }
    expect(body('post', '/v1/auth/signup')).toEqual({ $ref: '#/components/schemas/SignupRequest' })
    expect(body('post', '/v1/auth/login')).toEqual({ $ref: '#/components/schemas/LoginRequest' })
    expect(body('patch', '/v1/account')).toEqual({
      $ref: '#/components/schemas/AccountUpdateRequest',
    })
    expect(body('post', '/v1/keys')).toEqual({ $ref: '#/components/schemas/KeyCreateRequest' })
    // Every reference resolves.
    const refs = JSON.stringify(document).match(/#\/components\/schemas\/\w+/g) ?? []
    for (const ref of refs)
      expect(document.components.schemas[ref.split('/').pop() ?? ''], ref).toBeDefined()
    // Constraints come through: what the document says is what validation enforces.
    const signup = document.components.schemas.SignupRequest as {
      properties: Record<string, { minLength?: number }>
      additionalProperties: boolean
    }
    expect(signup.properties.password?.minLength).toBe(core.LIMITS.minPasswordLength)
    expect(signup.additionalProperties).toBe(false)
  })

  it('describes credentials, the error shape and Retry-After', async () => {
    const document = await fetchDocument()
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'apiKey',
      'session',
      'stripeSignature',
    ])
    expect(document.components.schemas.Error).toMatchObject({ required: ['error'] })
    const login = document.paths['/v1/auth/login']?.post
    expect(login?.security).toEqual([])
    expect(Object.keys(login?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '429', '500']),
    )
    expect(login?.responses['429']).toHaveProperty('headers.Retry-After')
    expect(document.paths['/v1/account']?.get?.security).toEqual([{ session: [] }, { apiKey: [] }])
    expect(document.paths['/v1/keys']?.get?.security).toEqual([{ session: [] }])
    expect(document.paths['/v1/keys/{id}']?.delete?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
    ])
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    )
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('documents every status the account and billing routes actually answer', async () => {
    const document = await fetchDocument()
    const documented = (method: string, path: string) =>
      Object.keys(document.paths[path]?.[method]?.responses ?? {})
    const account = await signup()
    const big = { 'content-type': 'application/json', 'content-length': String(70 * 1024) }
    const bigBody = JSON.stringify({ password: 'x'.repeat(70 * 1024) })
    const cases: Array<[string, string, Response]> = [
      // Sign-up with a registered email and its password is a login: 200 {user, token}.
      [
        'post',
        '/v1/auth/signup',
        await api('/v1/auth/signup', {
          json: { email: account.email, password: account.password },
          ip: uniqueIp(),
        }),
      ],
      // A webhook delivery without a valid signature is refused with 400.
      [
        'post',
        '/v1/billing/webhook',
        await api('/v1/billing/webhook', {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
        }),
      ],
      [
        'post',
        '/v1/billing/webhook',
        await api('/v1/billing/webhook', {
          method: 'POST',
          body: 'x'.repeat(300 * 1024),
          headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
        }),
      ],
      // Every route that reads a JSON body answers 413 past its limit.
      [
        'delete',
        '/v1/account',
        await api('/v1/account', {
          method: 'DELETE',
          body: bigBody,
          headers: big,
          token: account.token,
        }),
      ],
      [
        'post',
        '/v1/billing/checkout',
        await api('/v1/billing/checkout', {
          method: 'POST',
          body: bigBody,
          headers: big,
          token: account.token,
        }),
      ],
    ]
    for (const [method, path, res] of cases) {
      expect(documented(method, path), `${method} ${path} answered ${res.status}`).toContain(
        String(res.status),
      )
    }
    // Every operation with a request body documents 413.
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (operation.requestBody)
          expect(Object.keys(operation.responses), `${method} ${path}`).toContain('413')
      }
    }
  })

  it('refuses a route documented twice or an unknown error code', () => {
    const doc: RouteDoc = {
      method: 'get',
      path: '/x',
      summary: 'x',
      tag: 'Meta',
      auth: [],
      response: { status: 200 },
    }
    expect(() => buildOpenApi([doc, doc])).toThrow(/twice/)
    expect(() => buildOpenApi([{ ...doc, errors: ['no_such_code'] }])).toThrow(/unknown error code/)
    expect(operationId('delete', '/v1/keys/{id}')).toBe('deleteV1KeysId')
  })
})

describe('GET /docs', () => {
  it('renders every operation as HTML with no scripts and no inline styles', async () => {
    const res = await exports.default.fetch('http://api.test/docs')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await res.text()
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<html lang="en">')
    expect(html).not.toMatch(/<script|<style|\sstyle=|\son\w+=|(src|href)="(https?:)?\/\//i)
    const document = await fetchDocument()
    for (const [path, item] of Object.entries(document.paths)) {
      for (const operation of Object.values(item)) {
        expect(html).toContain(`id="${operation.operationId}"`)
        expect(html).toContain(`<code>${escapeHtml(path)}</code>`)
      }
    }
    expect(html).toContain('href="/docs/docs.css"')
    expect(html).toContain('<code>currentPassword</code>')
    const css = await exports.default.fetch('http://api.test/docs/docs.css')
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toMatch(/^text\/css/)
    expect(await css.text()).toContain('body{')
  })

  it('escapes every string it puts into HTML', async () => {
    const { renderDocsPage } = await import('../lib/docs-page.js')
    const evil = '<img src=x onerror=alert(1)>"\'&'
    const doc: RouteDoc = {
      method: 'post',
      path: `/v1/${evil}`,
      summary: evil,
      description: `${evil} \`${evil}\``,
      tag: evil,
      auth: ['key'],
      request: core.schema.object({ [evil]: core.schema.string({ description: evil }) }),
      query: [{ name: evil, description: evil, schema: { type: 'string', default: evil } }],
      response: { status: 200, description: evil },
    }
    const html = renderDocsPage(buildOpenApi([doc]))
    expect(html).not.toContain('<img')
    expect(html).not.toContain(`"'&`)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;')
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;')
  })
})
