/**
 * Calls the plugin's own REST route (cookie + nonce via apiFetch); the API key never reaches the
 * browser.
 */
import apiFetch from '@wordpress/api-fetch'
import { __ } from '@wordpress/i18n'

/**
 * Asks the server for alt text.
 * @param {{attachmentId?: number, url?: string, postId?: number, context?: {title?: string, caption?: string, text?: string}}} input
 * @returns {Promise<{altText: string, attachmentUpdated: boolean, creditsRemaining: number|null}>}
 */
export function requestAltText({ attachmentId, url, postId, context }) {
  /** @type {{contextParts: object, attachmentId?: number, url?: string, postId?: number}} */
  const data = { contextParts: context ?? {} }
  if (attachmentId) data.attachmentId = attachmentId
  else if (url) data.url = url
  if (postId) data.postId = postId
  return apiFetch({ path: '/alttextapi/v1/generate', method: 'POST', data })
}

/**
 * WordPress-side failures after which "Generate all" stops: no key set, the API unreachable, the
 * session gone, and a rate limit (the editor does not wait and retry). The API's own fatal codes
 * (core's FATAL_ERROR_CODES: bad key, no credits, forbidden, no model) come from the server as
 * `data.fatal`, read from the generated includes/contract.json: no second list here.
 */
export const STOP_CODES = [
  'alttextapi_no_key',
  'alttextapi_unreachable',
  'alttextapi_rate_limited',
  'rest_forbidden',
  'rest_cookie_invalid_nonce',
]

/**
 * True when no further image can succeed in this run.
 * @param {unknown} error A REST error: `{code, message, data?: {fatal?: boolean}}`.
 */
export function isFatal(error) {
  if (!error || typeof error !== 'object') return false
  const { code, data } = /** @type {{code?: unknown, data?: {fatal?: unknown}}} */ (error)
  return data?.fatal === true || (typeof code === 'string' && STOP_CODES.includes(code))
}

/**
 * A message for any failure: the server's message when there is one.
 * @param {unknown} error
 */
export function errorMessage(error) {
  if (error && typeof error === 'object' && 'message' in error && error.message) {
    return String(error.message)
  }
  return __('Alt text could not be generated. Try again later.', 'alttextapi')
}
