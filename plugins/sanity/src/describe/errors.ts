/** Error helpers shared by the document fill and the backfill. */
import { isAltTextError, isFatalError } from '@alttextapi/core'

/**
 * True when the run should stop: core's fatal answers (bad key, no credits, 403, no model, the API
 * unreachable) and an abort (the editor pressed stop).
 */
export function isFatal(error: unknown): boolean {
  return isFatalError(error) || (isAltTextError(error) && error.code === 'aborted')
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

/** The run's credit budget (`--max-credits`) would be passed by the next image: nothing was sent. */
export class BudgetReachedError extends Error {
  override readonly name = 'BudgetReachedError'
  readonly code = 'budget_reached'
}
