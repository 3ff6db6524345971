/**
 * Error codes after which a client run (a build, a CLI fix, a backfill, a bulk action) stops with
 * one clear error instead of going on: no further image can succeed. The API's `unauthorized`
 * (401), `insufficient_credits` (402), `forbidden` (403) and `model_not_configured` (503), and the
 * client's `network_error` / `timeout`, which reach the caller only after the client's retries,
 * i.e. when the API is unreachable.
 */
export const FATAL_ERROR_CODES = [
  'unauthorized',
  'insufficient_credits',
  'forbidden',
  'model_not_configured',
  'network_error',
  'timeout',
] as const

/** One of `FATAL_ERROR_CODES`. */
export type FatalErrorCode = (typeof FATAL_ERROR_CODES)[number]

const FATAL = new Set<string>(FATAL_ERROR_CODES)

/**
 * True when a run should stop: `value` is a fatal code, or an error (an `AltTextError`, an API
 * error object) whose `code` is one.
 */
export function isFatalError(value: unknown): boolean {
  if (typeof value === 'string') return FATAL.has(value)
  if (typeof value !== 'object' || value === null) return false
  const code = (value as { code?: unknown }).code
  return typeof code === 'string' && FATAL.has(code)
}
