/**
 * Calls the plugin's own REST route (cookie + nonce via apiFetch); the API key never reaches the
 * browser.
 */
import apiFetch from '@wordpress/api-fetch'
import { __ } from '@wordpress/i18n'

/**
 * Asks the server for alt text.
 * @param {{attachmentId?: number, url?: string, postId?: number, context?: string}} input
 * @returns {Promise<{altText: string, attachmentUpdated: boolean, creditsRemaining: number|null}>}
 */
export function requestAltText({ attachmentId, url, postId, context }) {
  const data = { context: context ?? '' }
  if (attachmentId) data.attachmentId = attachmentId
  else if (url) data.url = url
  if (postId) data.postId = postId
  return apiFetch({ path: '/alttextapi/v1/generate', method: 'POST', data })
}

/** Error codes after which "Generate all" stops: every further image would fail the same way. */
export const FATAL_CODES = [
  'alttextapi_no_key',
  'alttextapi_key_rejected',
  'alttextapi_no_credits',
  'alttextapi_rate_limited',
  'alttextapi_unavailable',
  'alttextapi_unreachable',
  'rest_forbidden',
  'rest_cookie_invalid_nonce',
]

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
