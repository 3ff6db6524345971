/**
 * Turns an API error into a message that says what happened and what to do next. The API's own
 * message comes first (it names the field or setting); the advice after it is the dashboard's.
 */
import type { ApiError } from './api.js'

const ADVICE: Record<string, string> = {
  invalid_request: 'Correct the value and send it again.',
  unauthorized: 'Log in again, or check the API key.',
  insufficient_credits: 'Buy a credit pack on the "Buy credits" page, then try again.',
  forbidden: 'Check what you entered and try again.',
  not_found: 'It may have been removed already. Reload the page to see the current state.',
  payload_too_large: 'Choose an image smaller than 10 MB, or resize it first.',
  unsupported_media_type: 'Use a JPEG, PNG, GIF or WebP image.',
  image_fetch_failed:
    'Check that the URL is public, starts with http(s) and points straight at an image file.',
  rate_limited: 'Wait a moment, then try again.',
  model_error: 'Nothing was charged. Try again, or choose another model.',
  model_not_configured: 'Whoever runs this server needs to add the model setting named above.',
  billing_not_configured: 'Whoever runs this server needs to add the Stripe settings named above.',
  internal_error: 'Nothing was charged. Try again in a minute; if it keeps failing, contact us.',
  network_error: 'Check your internet connection, then try again.',
  unknown_error: 'Try again in a minute; if it keeps failing, contact us.',
}

/** A full, user-facing message for an error thrown by `api`. */
export function errorMessage(
  error: unknown,
  overrides: Partial<Record<string, string>> = {},
): string {
  const e = error as Partial<ApiError> | undefined
  const code = typeof e?.code === 'string' ? e.code : 'unknown_error'
  const base = typeof e?.message === 'string' && e.message ? e.message : 'Something went wrong.'
  let advice = overrides[code] ?? ADVICE[code] ?? ADVICE.unknown_error
  if (code === 'rate_limited' && e?.retryAfter) {
    advice = `Wait ${e.retryAfter} second${e.retryAfter === 1 ? '' : 's'}, then try again.`
  }
  return `${ensureStop(base)} ${advice}`
}

function ensureStop(text: string): string {
  return /[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`
}
