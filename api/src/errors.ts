import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '@alttextapi/core'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'

/** An error that maps to the API's JSON error shape. Throw it anywhere in a handler. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly headers: Record<string, string>

  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = ERROR_STATUS[code]
    this.headers = headers
  }
}

/** Builds the JSON error answer. */
export function errorResponse(error: ApiError): Response {
  const body: ErrorBody = { error: { code: error.code, message: error.message } }
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...error.headers },
  })
}

/**
 * The one error handler: ApiErrors become their JSON shape; anything else is logged (without
 * request bodies) and answered as a generic 500, so internal details never reach the client.
 */
export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return errorResponse(err)
  if (err instanceof HTTPException) {
    const status = err.status
    const code: ErrorCode =
      status === 413
        ? 'payload_too_large'
        : status === 401
          ? 'unauthorized'
          : status === 404
            ? 'not_found'
            : 'invalid_request'
    return errorResponse(new ApiError(code, err.message || 'The request could not be processed.'))
  }
  console.error(
    JSON.stringify({
      level: 'error',
      path: new URL(c.req.url).pathname,
      name: err.name,
      message: err.message,
    }),
  )
  return errorResponse(
    new ApiError(
      'internal_error',
      'Something went wrong on our side. Please try again; if it keeps failing, contact support.',
    ),
  )
}

/** 405 in the same shape, with `Allow` naming the methods the path takes. */
export function methodNotAllowed(c: Context, allow: string[]): Response {
  return errorResponse(
    new ApiError(
      'method_not_allowed',
      `${c.req.method} is not allowed on ${new URL(c.req.url).pathname}; it takes ${allow.join(', ')}. See /docs.`,
      { allow: allow.join(', ') },
    ),
  )
}

/** 404 for unknown routes in the same shape. */
export function notFound(c: Context): Response {
  return errorResponse(
    new ApiError(
      'not_found',
      `No route for ${c.req.method} ${new URL(c.req.url).pathname}. See /docs.`,
    ),
  )
}
