import { exports } from 'cloudflare:workers'
import * as core from '@alttextapi/core'
import { Hono } from 'hono'
import * as v from 'valibot'
import { expect, it, describe as suite } from 'vitest'
import { api, json, signup, uniqueIp } from '../../test/helpers.js'
import { app } from '../app.js'
import { renderDocsPage } from '../lib/docs/page.js'
import { describe } from '../lib/route-doc.js'
import { buildOpenApi, type OpenApiDocument } from '../openapi.js'
import type { AppEnv } from '../types.js'

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

const operations = (document: OpenApiDocument) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  )

suite('GET /v1/openapi.json', () => {
  it('documents exactly the routes the app mounts', async () => {
    const document = await fetchDocument()
    expect(document.openapi).toBe('3.1.0')
    const documented = operations(document)
      .map(({ method, path }) => `${method} ${path}`)
      .sort()
    const mounted = mountedRoutes()
    expect(mounted).toContain('post /v1/auth/signup')
    expect(mounted).toContain('delete /v1/keys/{id}')
    expect(documented).toEqual(mounted)
    const ids = operations(document).map(({ operation }) => operation.operationId)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('takes request bodies from the core schemas that validate them, as named components', async () => {
    const document = await fetchDocument()
    const body = (method: string, path: string) =>
      document.paths[path]?.[method]?.requestBody?.content?.['application/json']?.schema
    expect(body('post', '/v1/auth/signup')).toEqual({ $ref: '#/components/schemas/SignupRequest' })
    expect(body('post', '/v1/auth/login')).toEqual({ $ref: '#/components/schemas/LoginRequest' })
    expect(body('patch', '/v1/account')).toEqual({
      $ref: '#/components/schemas/AccountUpdateRequest',
    })
    expect(body('post', '/v1/keys')).toEqual({ $ref: '#/components/schemas/KeyCreateRequest' })
    // Constraints come through: what the document says is what validation enforces.
    const schemas = document.components.schemas
    const signupSchema = schemas.SignupRequest as {
      properties: Record<string, { minLength?: number }>
      additionalProperties: boolean
    }
    expect(signupSchema.properties.password?.minLength).toBe(core.LIMITS.minPasswordLength)
    expect(signupSchema.additionalProperties).toBe(false)
    // Every core schema is a component, and the properties are the schema's own.
    for (const [name, value] of Object.entries(core)) {
      if (typeof value !== 'object' || value === null || !('~standard' in value)) continue
      const schema = value as unknown as { entries?: v.ObjectEntries }
      expect(schemas[name], name).toBeDefined()
      if (schema.entries) {
        expect(Object.keys((schemas[name] as { properties: object }).properties), name).toEqual(
          Object.keys(schema.entries),
        )
      }
    }
  })

  it('references nested schemas, every reference resolves and every component is used', async () => {
    const document = await fetchDocument()
    const schemas = document.components.schemas
    expect(schemas.SignupResponse).toMatchObject({
      properties: {
        user: { $ref: '#/components/schemas/User' },
        apiKey: { $ref: '#/components/schemas/CreatedApiKey' },
      },
    })
    expect(schemas.BatchRequest).toMatchObject({
      properties: { images: { items: { $ref: '#/components/schemas/BatchItem' } } },
    })
    const text = JSON.stringify(document)
    const refs = new Set(text.match(/#\/components\/schemas\/\w+/g) ?? [])
    for (const ref of refs) expect(schemas[ref.split('/').pop() ?? ''], ref).toBeDefined()
    // Referenced from the paths, directly or through another component.
    const reachable = new Set<string>()
    const visit = (value: string) => {
      for (const ref of value.match(/#\/components\/schemas\/\w+/g) ?? []) {
        const name = ref.split('/').pop() ?? ''
        if (reachable.has(name)) continue
        reachable.add(name)
        visit(JSON.stringify(schemas[name]))
      }
    }
    visit(JSON.stringify(document.paths))
    const unused = Object.keys(schemas).filter((name) => !reachable.has(name))
    expect(unused).toEqual([])
  })

  it('describes credentials, the error shape, Retry-After, and 400 only where input is read', async () => {
    const document = await fetchDocument()
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'apiKey',
      'session',
      'stripeSignature',
    ])
    expect(document.components.schemas.ErrorResponse).toMatchObject({ required: ['error'] })
    const login = document.paths['/v1/auth/login']?.post
    expect(login?.security).toEqual([])
    expect(Object.keys(login?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '429', '500']),
    )
    expect(login?.responses['429']?.headers).toHaveProperty('Retry-After')
    expect(login?.responses['400']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/ErrorResponse',
    })
    expect(document.paths['/v1/account']?.get?.security).toEqual([{ session: [] }, { apiKey: [] }])
    expect(document.paths['/v1/keys']?.get?.security).toEqual([{ session: [] }])
    // A path parameter is a string the route looks up (404), never a 400.
    const revoke = document.paths['/v1/keys/{id}']?.delete
    expect(revoke?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
    ])
    expect(Object.keys(revoke?.responses ?? {})).not.toContain('400')
    expect(Object.keys(revoke?.responses ?? {})).toContain('404')
    expect(
      Object.keys(document.paths['/v1/billing/checkout/{sessionId}']?.get?.responses ?? {}),
    ).not.toContain('400')
  })

  it('states the contract rules the schemas alone cannot: oneOf image, pack ids, date formats', async () => {
    const document = await fetchDocument()
    const schemas = document.components.schemas
    for (const name of ['AltTextRequest', 'BatchItem']) {
      expect(schemas[name], name).toMatchObject({
        oneOf: [{ required: ['imageUrl'] }, { required: ['image'] }],
      })
    }
    const checkout =
      document.paths['/v1/billing/checkout']?.post?.requestBody?.content?.['application/json']
    const packs = await json<core.PackList>(await api('/v1/billing/packs'))
    expect(checkout?.schema).toMatchObject({
      allOf: [
        { $ref: '#/components/schemas/CheckoutRequest' },
        { properties: { packId: { enum: packs.packs.map((pack) => pack.id) } } },
      ],
    })
    const usageParameters = document.paths['/v1/usage']?.get?.parameters ?? []
    for (const name of ['from', 'to']) {
      const parameter = usageParameters.find((entry) => entry.name === name)
      expect(parameter?.schema, name).toMatchObject({
        anyOf: [{ format: 'date' }, { format: 'date-time' }],
      })
    }
    const webhook = document.paths['/v1/billing/webhook']?.post?.requestBody
    expect(webhook?.content?.['application/json']?.schema).toMatchObject({
      required: ['id', 'type', 'data'],
    })
    const exported = document.paths['/v1/account/export']?.get?.responses['200']
    expect(exported?.headers).toHaveProperty('Content-Disposition')
  })

  it('documents the generation routes: multipart body, Idempotency-Key, Idempotent-Replayed', async () => {
    const document = await fetchDocument()
    const single = document.paths['/v1/alt-text']?.post
    const content = single?.requestBody?.content ?? {}
    expect(Object.keys(content).sort()).toEqual(['application/json', 'multipart/form-data'])
    expect(content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/AltTextRequest',
    })
    expect(content['multipart/form-data']?.schema).toMatchObject({
      required: ['image'],
      properties: { image: { type: 'string', format: 'binary' } },
    })
    for (const path of ['/v1/alt-text', '/v1/alt-text/batch']) {
      const operation = document.paths[path]?.post
      const header = operation?.parameters?.find((entry) => entry.name === 'Idempotency-Key')
      expect(header, path).toMatchObject({ in: 'header', required: false })
      const pattern = new RegExp(
        String((header?.schema as { pattern?: string } | undefined)?.pattern),
      )
      expect(pattern.test('0b6b9d3e-5f7a-4c59-9d8e-2f1b7a6c1d20')).toBe(true)
      expect(pattern.test('é')).toBe(false)
      expect(operation?.responses['200']?.headers, path).toHaveProperty('Idempotent-Replayed')
      expect(operation?.responses['429']?.headers, path).toHaveProperty('Retry-After')
    }
    expect(document.paths['/v1/alt-text/batch']?.post?.responses['200']?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/BatchResponse' } },
    })
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
      // An unknown key id is a 404.
      [
        'delete',
        '/v1/keys/{id}',
        await api('/v1/keys/nope', { method: 'DELETE', token: account.token }),
      ],
    ]
    for (const [method, path, res] of cases) {
      expect(documented(method, path), `${method} ${path} answered ${res.status}`).toContain(
        String(res.status),
      )
    }
    // Every operation with a request body documents 400 and 413.
    for (const { path, method, operation } of operations(document)) {
      if (operation.requestBody)
        expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(
          expect.arrayContaining(['400', '413']),
        )
    }
  })
})

suite('requests outside the API', () => {
  it('answers other methods on a dashboard path with 405 and the JSON error shape', async () => {
    for (const [method, path] of [
      ['POST', '/'],
      ['PUT', '/login'],
      ['DELETE', '/keys'],
    ]) {
      const res = await exports.default.fetch(`http://api.test${path}`, {
        method,
        body: '{}',
        headers: { 'content-type': 'application/json' },
      })
      expect(res.status, path).toBe(405)
      expect(res.headers.get('allow')).toBe('GET, HEAD')
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      const body = (await res.json()) as core.ErrorBody
      expect(body.error.code).toBe('method_not_allowed')
      expect(body.error.message).toContain(`${method} is not allowed on ${path}`)
    }
  })

  it('answers a method a /v1 route does not take with 405 and Allow; unknown paths 404', async () => {
    const account = await signup()
    const put = await api('/v1/keys', { method: 'PUT', body: '{}', token: account.token })
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST')
    expect(((await put.json()) as core.ErrorBody).error.code).toBe('method_not_allowed')
    const patch = await api('/v1/keys/key_123', {
      method: 'PATCH',
      body: '{}',
      token: account.token,
    })
    expect(patch.headers.get('allow')).toBe('DELETE')
    const post = await api('/health', { method: 'POST' })
    expect(post.status).toBe(405)
    const unknown = await api('/v1/nothing-here', { method: 'POST', body: '{}' })
    expect(unknown.status).toBe(404)
  })

  it('still serves the dashboard to a GET, and JSON 404s under /v1', async () => {
    const page = await exports.default.fetch('http://api.test/')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const missing = await exports.default.fetch('http://api.test/v1/nothing-here')
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as core.ErrorBody).error.code).toBe('not_found')
  })
})

suite('GET /docs', () => {
  it('renders every operation as HTML with no scripts and no inline styles', async () => {
    const res = await exports.default.fetch('http://api.test/docs')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await res.text()
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<html lang="en">')
    expect(html).not.toMatch(/<script|<style|\sstyle=|\son\w+=|(src|href)="(https?:)?\/\//i)
    const document = await fetchDocument()
    for (const { path, operation } of operations(document)) {
      expect(html).toContain(`id="${operation.operationId}"`)
      expect(html).toContain(`<code>${path.replace(/&/g, '&amp;')}</code>`)
    }
    expect(html).toContain('href="/docs/docs.css"')
    expect(html).toContain('<code>currentPassword</code>')
    // The multipart body and the oneOf rule of /v1/alt-text are shown too.
    expect(html).toContain('multipart/form-data')
    expect(html).toContain('Exactly one of: imageUrl, image.')
    const css = await exports.default.fetch('http://api.test/docs/docs.css')
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toMatch(/^text\/css/)
    expect(await css.text()).toContain('body{')
  })

  it('escapes every string it puts into HTML', async () => {
    const evil = '<img src=x onerror=alert(1)>"\'&'
    const probe = new Hono<AppEnv>().post(
      '/v1/probe',
      describe({
        summary: evil,
        description: `${evil} \`${evil}\``,
        tag: evil,
        auth: ['key'],
        request: v.strictObject({ [evil]: v.pipe(v.string(), v.description(evil)) }),
        query: [{ name: evil, description: evil, schema: { type: 'string', default: evil } }],
        response: { status: 200, description: evil },
      }),
      (c) => c.body(null),
    )
    const html = renderDocsPage(await buildOpenApi(probe))
    expect(html).not.toContain('<img')
    expect(html).not.toContain(`"'&`)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })
})
