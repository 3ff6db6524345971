/** Error helpers shared by the document fill and the backfill. */
import { isAltTextError } from '@alttextapi/core'

/** Failures after which no further image can succeed in this run: stop instead of burning on. */
const FATAL = new Set(['unauthorized', 'forbidden', 'insufficient_credits', 'aborted'])

/** True when the run should stop (bad key, no credits, aborted). */
export function isFatal(error: unknown): boolean {
  return isAltTextError(error) && FATAL.has(error.code)
}

/** The error's code (`AltTextError`), or `error` for anything else. */
export function errorCode(error: unknown): string {
  return isAltTextError(error) ? error.code : 'error'
}

/** A message fit for an editor: the API's own words without a stack. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** True for Sanity's 409 answer to a stale `ifRevisionID`. */
export function isRevisionConflict(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode
  return status === 409
}
