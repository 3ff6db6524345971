import { ERROR_STATUS, type ErrorCode, isErrorBody } from './errors.js'

/**
 * Codes the client adds to the API's own: no HTTP answer arrived (`network_error`, `timeout`,
 * `aborted`), or the answer could not be read (`invalid_response`).
 */
export type ClientErrorCode = 'network_error' | 'timeout' | 'aborted' | 'invalid_response'

/** Every code an `AltTextError` can carry. */
export type AltTextErrorCode = ErrorCode | ClientErrorCode

/** What to do about each code: appended to the message so a build log tells the user the fix. */
const HINTS: Record<AltTextErrorCode, string> = {
  invalid_request: 'Fix the request as the message says.',
  idempotency_key_reused:
    'This Idempotency-Key belongs to another request: send a new key for a new request.',
  unauthorized:
    'Check ALTTEXT_API_KEY (or the apiKey option): it must be a current API key (atk_…) from the dashboard.',
  insufficient_credits: 'Buy more credits in the dashboard (Billing), then run again.',
  forbidden: 'This credential may not use this route; API keys cannot change the account.',
  not_found: 'Check that ALTTEXT_API_URL (or the baseUrl option) points at the AltText API.',
  method_not_allowed:
    'Check that ALTTEXT_API_URL (or the baseUrl option) points at the AltText API, not a website.',
  payload_too_large:
    'The image is over 10 MB: downscale it first (prepareImage in @alttextapi/core/node does this).',
  unsupported_media_type: 'Send a JPEG, PNG, GIF or WebP image.',
  image_fetch_failed:
    'The API could not fetch the image URL: it must be public http(s). For local files send the bytes instead.',
  rate_limited: 'Too many requests: wait and retry, or lower the concurrency.',
  internal_error: 'The API failed; try again later.',
  model_error: 'The model did not answer; try again later or pick another model (GET /v1/models).',
  model_not_configured:
    'The API has no model provider: whoever runs it must set OPENROUTER_API_KEY.',
  billing_not_configured: 'The API has no billing: whoever runs it must set STRIPE_SECRET_KEY.',
  network_error: 'Check the network connection and ALTTEXT_API_URL (or the baseUrl option).',
  timeout: 'The API did not answer in time: retry later or raise the timeoutMs option.',
  aborted: 'The caller aborted the request.',
  invalid_response: 'The answer was not the AltText API’s JSON: check ALTTEXT_API_URL.',
}

/** Codes worth retrying: the same request may well succeed a moment later. */
const RETRYABLE = new Set<AltTextErrorCode>([
  'network_error',
  'timeout',
  'rate_limited',
  'internal_error',
  'model_error',
])

interface AltTextErrorInit {
  code: AltTextErrorCode
  /** HTTP status; 0 when no HTTP answer was involved. */
  status: number
  /** The API's own message (or the client's description of what went wrong). */
  detail: string
  /** Seconds the API asked to wait (from `Retry-After`). */
  retryAfter?: number
  cause?: unknown
}

/**
 * Every failure of the client: the API's error `code`, the HTTP `status` (0 when no answer came:
 * network error, timeout, abort, or a check made before sending) and, for 429, `retryAfter` in
 * seconds. The message says what went wrong and what to do about it.
 */
export class AltTextError extends Error {
  override readonly name = 'AltTextError'
  readonly code: AltTextErrorCode
  readonly status: number
  readonly retryAfter?: number
  /** The API's message alone, without the hint. */
  readonly detail: string

  constructor(init: AltTextErrorInit) {
    super(
      `${init.detail.replace(/\.?\s*$/, '.')} ${HINTS[init.code] ?? ''}`.trim(),
      init.cause === undefined ? undefined : { cause: init.cause },
    )
    this.code = init.code
    this.status = init.status
    this.detail = init.detail
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter
  }

  /** True when retrying the same request later may succeed. */
  get retryable(): boolean {
    return RETRYABLE.has(this.code)
  }
}

/** True for an `AltTextError` (also across bundle copies, by shape). */
export function isAltTextError(value: unknown): value is AltTextError {
  return (
    value instanceof AltTextError ||
    (value instanceof Error && value.name === 'AltTextError' && 'code' in value)
  )
}

/** The code that goes with a status when the body did not say (e.g. a proxy's HTML page). */
export function codeForStatus(status: number): AltTextErrorCode {
  // A bare 503 comes from a proxy or an overloaded host, not from a missing setting.
  if (status === 503) return 'internal_error'
  for (const [code, known] of Object.entries(ERROR_STATUS)) {
    if (known === status) return code as ErrorCode
  }
  if (status >= 500) return 'internal_error'
  return 'invalid_request'
}

/** Builds the error for a non-2xx answer from its status and (maybe) parsed JSON body. */
export function errorFromResponse(
  status: number,
  body: unknown,
  retryAfter: number | undefined,
): AltTextError {
  const init: AltTextErrorInit = isErrorBody(body)
    ? { code: body.error.code, status, detail: body.error.message }
    : { code: codeForStatus(status), status, detail: `The API answered HTTP ${status}` }
  // An unknown code from a newer API still gets a code the client understands.
  if (!(init.code in HINTS)) init.code = codeForStatus(status)
  if (retryAfter !== undefined) init.retryAfter = retryAfter
  return new AltTextError(init)
}
