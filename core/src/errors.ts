/** Every error code the API answers with, and the HTTP status that goes with it. */
export const ERROR_STATUS = {
  invalid_request: 400,
  /** The Idempotency-Key cannot serve this request (another request used it): send a new key. */
  idempotency_key_reused: 400,
  unauthorized: 401,
  insufficient_credits: 402,
  forbidden: 403,
  not_found: 404,
  /** The path exists, not with this method (the answer's `Allow` header names the methods). */
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  image_fetch_failed: 422,
  rate_limited: 429,
  internal_error: 500,
  model_error: 502,
  model_not_configured: 503,
  billing_not_configured: 503,
} as const

/** A machine-readable error code. */
export type ErrorCode = keyof typeof ERROR_STATUS

/** The list of codes, for documentation and validation. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[]

/** The body of every error answer: `{"error": {"code", "message"}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string }
}

/** True when `value` looks like an API error body. */
export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false
  const error = (value as { error?: unknown }).error
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  )
}
