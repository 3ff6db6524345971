/**
 * The OpenAPI 3.1 document, built from every router's `*Docs` list. Request and response schemas
 * are the core schemas that validate requests (their `.json`), referenced by their export name
 * under `components.schemas`, so the document cannot drift from what the API accepts.
 */
import * as core from '@alttextapi/core'
import { ERROR_STATUS, type JsonSchema, type Schema } from '@alttextapi/core'
import type { RouteDoc } from './lib/route-doc.js'
import { accountDocs } from './routes/account.js'
import { altTextDocs } from './routes/alt-text.js'
import { authDocs } from './routes/auth.js'
import { billingDocs } from './routes/billing.js'
import { creditsDocs } from './routes/credits.js'
import { docsDocs } from './routes/docs.js'
import { healthDocs } from './routes/health.js'
import { keysDocs } from './routes/keys.js'
import { modelsDocs } from './routes/models.js'
import { privacyDocs } from './routes/privacy.js'
import { usageDocs } from './routes/usage.js'

/** An OpenAPI document (kept loose: it is serialised, not consumed, here). */
export type OpenApiDocument = {
  openapi: string
  info: { title: string; version: string; description: string }
  servers: Array<{ url: string }>
  tags: Array<{ name: string; description?: string }>
  paths: Record<string, Record<string, Operation>>
  components: {
    schemas: Record<string, JsonSchema>
    securitySchemes: Record<string, JsonSchema>
  }
}

/** One operation of the document. */
export interface Operation {
  operationId: string
  summary: string
  description?: string
  tags: string[]
  security: Array<Record<string, string[]>>
  parameters?: JsonSchema[]
  requestBody?: JsonSchema
  responses: Record<string, JsonSchema>
}

/** Every router's route descriptions, in the order of the reference. */
export function allRouteDocs(): RouteDoc[] {
  return [
    ...healthDocs,
    ...docsDocs,
    ...authDocs,
    ...accountDocs,
    ...privacyDocs,
    ...keysDocs,
    ...creditsDocs,
    ...modelsDocs,
    ...altTextDocs,
    ...usageDocs,
    ...billingDocs,
  ]
}

/** Names of the security schemes for each kind of credential. */
export const SECURITY_SCHEMES = {
  session: 'session',
  key: 'apiKey',
  stripe: 'stripeSignature',
} as const

const TAGS: Record<string, string> = {
  Meta: 'Liveness and this reference.',
  Account: 'Sign-up, login, the account, and the privacy rights (export, erasure).',
  'API keys': 'Keys for generation and reading usage. Shown once; stored only as hashes.',
  Credits: 'Balance and ledger.',
  Models: 'The vision models and their price in credits.',
  'Alt text': 'Describe images.',
  Usage: 'What was described, when, with which key.',
  Billing: 'Buy credits with Stripe Checkout.',
}

const DESCRIPTION = [
  'Alt text for images, written by vision models. JSON in and out, camelCase fields.',
  '',
  'Authenticate with `Authorization: Bearer <credential>`: an API key (`atk_…`) for generation and reading ' +
    'usage, or a session token (`ats_…`) from sign-up/login for the account routes.',
  '',
  'Every error answers `{"error": {"code", "message"}}` with a fitting status; `rate_limited` comes with ' +
    '`Retry-After`.',
].join('\n')

/** Export names of the core schemas, found by identity (so a renamed export renames the component). */
function namedSchemas(): Map<Schema<unknown>, string> {
  const names = new Map<Schema<unknown>, string>()
  for (const [name, value] of Object.entries(core)) {
    if (
      typeof value === 'object' &&
      value !== null &&
      'json' in value &&
      'parse' in value &&
      typeof (value as Schema<unknown>).parse === 'function'
    ) {
      names.set(value as Schema<unknown>, name)
    }
  }
  return names
}

/** `GET /v1/keys/{id}` → `getV1KeysId`. */
export function operationId(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean)
  return method + words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('')
}

function errorResponses(doc: RouteDoc): Record<string, JsonSchema> {
  // A route that reads no input cannot answer invalid_request unless it says so; one that reads
  // a body answers 413 past its limit.
  const takesBody = Boolean(doc.request || doc.requestNote)
  const takesInput = Boolean(takesBody || doc.query?.length || doc.path.includes('{'))
  const codes = new Set<string>([
    ...(takesInput ? ['invalid_request'] : []),
    ...(takesBody ? ['payload_too_large'] : []),
    ...(doc.errors ?? []),
    'internal_error',
  ])
  const byStatus = new Map<number, string[]>()
  for (const code of codes) {
    const status = ERROR_STATUS[code as keyof typeof ERROR_STATUS]
    if (status === undefined)
      throw new Error(`${doc.method} ${doc.path}: unknown error code ${code}`)
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const out: Record<string, JsonSchema> = {}
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const response: JsonSchema = {
      description: `Error: ${list.map((code) => `\`${code}\``).join(', ')}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    }
    if (status === 429) {
      response.headers = {
        'Retry-After': {
          description: 'Seconds to wait before trying again.',
          schema: { type: 'integer' },
        },
      }
    }
    out[String(status)] = response
  }
  return out
}

/** Builds the document from the route descriptions (pure; the route caches the result). */
export function buildOpenApi(docs: RouteDoc[] = allRouteDocs()): OpenApiDocument {
  const names = namedSchemas()
  const schemas: Record<string, JsonSchema> = {}
  for (const [schema, name] of names) schemas[name] = schema.json
  schemas.Error = {
    type: 'object',
    properties: { error: core.ErrorObject.json },
    required: ['error'],
    additionalProperties: false,
    description: 'The body of every error answer.',
  }
  const ref = (schema: Schema<unknown>): JsonSchema => {
    const name = names.get(schema)
    return name ? { $ref: `#/components/schemas/${name}` } : schema.json
  }

  const paths: OpenApiDocument['paths'] = {}
  for (const doc of docs) {
    const parameters: JsonSchema[] = []
    for (const match of doc.path.matchAll(/\{([^}]+)\}/g)) {
      parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } })
    }
    for (const query of doc.query ?? []) {
      parameters.push({
        name: query.name,
        in: 'query',
        required: false,
        description: query.description,
        schema: query.schema,
      })
    }
    const operation: Operation = {
      operationId: operationId(doc.method, doc.path),
      summary: doc.summary,
      tags: [doc.tag],
      security: doc.auth.map((kind) => ({ [SECURITY_SCHEMES[kind]]: [] })),
      responses: {},
    }
    if (doc.description) operation.description = doc.description
    if (parameters.length > 0) operation.parameters = parameters
    if (doc.request) {
      const content: JsonSchema = { 'application/json': { schema: ref(doc.request) } }
      operation.requestBody = { required: true, content }
      if (doc.requestNote) operation.requestBody.description = doc.requestNote
    }
    for (const answer of [doc.response, ...(doc.alsoResponds ?? [])]) {
      const success: JsonSchema = { description: answer.description ?? 'Success.' }
      if (answer.schema) success.content = { 'application/json': { schema: ref(answer.schema) } }
      operation.responses[String(answer.status)] = success
    }
    Object.assign(operation.responses, errorResponses(doc))
    paths[doc.path] ??= {}
    const item = paths[doc.path] as Record<string, Operation>
    if (item[doc.method]) throw new Error(`${doc.method} ${doc.path} is documented twice`)
    item[doc.method] = operation
  }

  const usedTags = [...new Set(docs.map((doc) => doc.tag))]
  return {
    openapi: '3.1.0',
    info: { title: 'AltText API', version: '1.0.0', description: DESCRIPTION },
    servers: [{ url: '/' }],
    tags: usedTags.map((name) => (TAGS[name] ? { name, description: TAGS[name] } : { name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        [SECURITY_SCHEMES.session]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'ats_…',
          description:
            'Session token from POST /v1/auth/signup or /v1/auth/login. Expires; ended by logout.',
        },
        [SECURITY_SCHEMES.key]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'atk_…',
          description: 'API key from the dashboard or POST /v1/keys. Shown once; revocable.',
        },
        [SECURITY_SCHEMES.stripe]: {
          type: 'apiKey',
          in: 'header',
          name: 'Stripe-Signature',
          description: 'Stripe webhook signature over the raw body.',
        },
      },
    },
  }
}

let cached: OpenApiDocument | undefined

/** The document, built once per isolate. */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildOpenApi()
  return cached
}
