/**
 * What the OpenAPI document says about a route, attached to the route itself with hono-openapi's
 * `describeRoute`, so a route cannot exist undocumented and a documented route cannot be missing.
 * Request bodies come from the validators (`jsonBody`), response bodies from the same core wire
 * schemas, both rendered by `schemaDoc`.
 */
import * as core from '@alttextapi/core'
import { ERROR_STATUS, type ErrorCode } from '@alttextapi/core'
import type { MiddlewareHandler } from 'hono'
import { describeRoute, resolver } from 'hono-openapi'
import type { OpenAPIV3_1 } from 'openapi-types'
import type * as v from 'valibot'

/** The credentials a route accepts, named as the document's security schemes. */
export const SECURITY_SCHEMES = {
  session: 'session',
  key: 'apiKey',
  stripe: 'stripeSignature',
} as const

/** A kind of credential. */
export type Credential = keyof typeof SECURITY_SCHEMES

/** Every schema core exports, by export name: they become `components.schemas`. */
const NAMED_SCHEMAS: Record<string, v.GenericSchema> = Object.fromEntries(
  Object.entries(core).filter(
    ([, value]) =>
      typeof value === 'object' &&
      value !== null &&
      (value as { kind?: unknown }).kind === 'schema' &&
      '~standard' in value,
  ),
) as Record<string, v.GenericSchema>

/**
 * Options for @valibot/to-json-schema: a core schema is referenced by its export name wherever
 * it appears (nested ones too) instead of being inlined.
 */
export const SCHEMA_OPTIONS = {
  options: {
    target: 'draft-2020-12',
    definitions: NAMED_SCHEMAS,
    overrideRef: ({ referenceId }: { referenceId: string }) =>
      `#/components/schemas/${referenceId}`,
  },
}

/** A core schema as the document shows it (a `$ref` to its component). */
export function schemaDoc(schema: v.GenericSchema) {
  return resolver(schema, SCHEMA_OPTIONS)
}

/** `#/components/schemas/<name>` for a core schema's export name. */
export function componentRef(name: keyof typeof core & string): OpenAPIV3_1.ReferenceObject {
  if (!NAMED_SCHEMAS[name]) throw new Error(`${name} is not a core schema`)
  return { $ref: `#/components/schemas/${name}` }
}

/** A JSON object of the document written by hand (a schema, a parameter, a header). */
export type JsonObject = { [key: string]: unknown }

/** One success answer. */
export interface Answer {
  status: number
  schema?: v.GenericSchema
  description?: string
  headers?: Record<string, JsonObject>
}

/** A query parameter (documented; the route parses it). */
export interface QueryParameter {
  name: string
  description: string
  schema: { [key: string]: unknown }
}

/** What a route's documentation says, in the few words the routes need. */
export interface RouteSpec {
  summary: string
  description?: string
  tag: string
  /** Which credentials the route accepts; empty for public routes. */
  auth: Credential[]
  /** The JSON body's schema: the core schema the handler validates it with (`readJson`). */
  request?: v.GenericSchema
  /** A note on the request body (other media types, rules the schema cannot say). */
  requestNote?: string
  /** A body documented by hand (multipart, Stripe's events); merged with `request`. */
  requestBody?: { description?: string; content: Record<string, { schema: JsonObject }> }
  /** Query parameters: each makes 400 `invalid_request` possible. */
  query?: QueryParameter[]
  /** Request headers the route reads. */
  headers?: JsonObject[]
  /** The success answer. */
  response: Answer
  /** Other success answers the route can give (e.g. sign-up for an existing account: a login). */
  alsoResponds?: Answer[]
  /** Error codes beyond `internal_error` (and the 400/413 that reading a body or query brings). */
  errors?: ErrorCode[]
}

const RETRY_AFTER: OpenAPIV3_1.HeaderObject = {
  description: 'Seconds to wait before trying again.',
  schema: { type: 'integer', minimum: 0 },
}

function answer(entry: Answer): OpenAPIV3_1.ResponseObject {
  const out: OpenAPIV3_1.ResponseObject = { description: entry.description ?? 'Success.' }
  if (entry.headers) out.headers = entry.headers as Record<string, OpenAPIV3_1.HeaderObject>
  if (entry.schema) {
    // hono-openapi turns resolver() values into schemas when it builds the document.
    out.content = {
      'application/json': { schema: schemaDoc(entry.schema) as OpenAPIV3_1.SchemaObject },
    }
  }
  return out
}

/** The error answers of a route, one per status, each naming its codes. */
export function errorResponses(
  codes: Iterable<ErrorCode>,
): Record<string, OpenAPIV3_1.ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code]
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const out: Record<string, OpenAPIV3_1.ResponseObject> = {}
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: `Error: ${list.map((code) => `\`${code}\``).join(', ')}`,
      content: { 'application/json': { schema: componentRef('ErrorResponse') } },
      ...(status === 429 ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
    }
  }
  return out
}

function requestBody(spec: RouteSpec): OpenAPIV3_1.RequestBodyObject | undefined {
  if (!spec.request && !spec.requestBody) return undefined
  const content = {
    ...(spec.request
      ? { 'application/json': { schema: schemaDoc(spec.request) as OpenAPIV3_1.SchemaObject } }
      : {}),
    ...(spec.requestBody?.content as Record<string, OpenAPIV3_1.MediaTypeObject> | undefined),
  }
  const description = spec.requestNote ?? spec.requestBody?.description
  return { required: true, content, ...(description ? { description } : {}) }
}

/** The OpenAPI operation of a route spec (pure: the middleware below carries it). */
export function operation(spec: RouteSpec) {
  const body = requestBody(spec)
  const readsInput = Boolean(body || spec.query?.length)
  const codes: ErrorCode[] = [
    ...(readsInput ? (['invalid_request'] as const) : []),
    ...(body ? (['payload_too_large'] as const) : []),
    ...(spec.errors ?? []),
    // A `generate` API key on a session-only route is told its scope does not reach (403).
    ...(spec.auth.length === 1 && spec.auth[0] === 'session' ? (['forbidden'] as const) : []),
    'internal_error',
  ]
  const responses: Record<string, OpenAPIV3_1.ResponseObject> = {}
  for (const entry of [spec.response, ...(spec.alsoResponds ?? [])]) {
    responses[String(entry.status)] = answer(entry)
  }
  Object.assign(responses, errorResponses(codes))
  const parameters = [
    ...(spec.query ?? []).map((query) => ({ ...query, in: 'query', required: false })),
    ...(spec.headers ?? []),
  ] as OpenAPIV3_1.ParameterObject[]
  return {
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    security: spec.auth.map((kind) => ({ [SECURITY_SCHEMES[kind]]: [] })),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses,
  }
}

/** Middleware that documents the route it stands on (it does nothing at request time). */
export function describe(spec: RouteSpec): MiddlewareHandler {
  return describeRoute(operation(spec))
}
