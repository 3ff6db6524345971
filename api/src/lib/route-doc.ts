import type { Schema } from '@alttextapi/core'

/**
 * What the OpenAPI document says about one route. Each router exports a `docs` list of these,
 * built from the same core schemas that validate its requests, so the document cannot drift.
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'patch' | 'delete'
  /** OpenAPI path, e.g. `/v1/keys/{id}`. */
  path: string
  summary: string
  description?: string
  tag: string
  /** Which credentials the route accepts; empty for public routes. */
  auth: Array<'session' | 'key' | 'stripe'>
  request?: Schema<unknown>
  /** Extra request media types (e.g. multipart) documented as free-form. */
  requestNote?: string
  query?: Array<{ name: string; description: string; schema: { [key: string]: unknown } }>
  /** The success status and its body (none for 204). */
  response: { status: number; schema?: Schema<unknown>; description?: string }
  /** Other success answers the route can give (e.g. sign-up for an existing account: a login). */
  alsoResponds?: Array<{ status: number; schema?: Schema<unknown>; description: string }>
  /** Error codes this route can answer with (beyond invalid_request/internal_error). */
  errors?: string[]
}
