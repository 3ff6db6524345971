/** Query parameters of GET /v1/usage: page size, opaque cursors and date filters. */
import { LIMITS } from '@alttextapi/core'
import { ApiError } from '../errors.js'

/** A position in the newest-first order: the last record of the previous page. */
export interface Cursor {
  createdAt: number
  id: string
}

const base64url = (text: string) =>
  btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** An opaque cursor string. */
export function encodeCursor(cursor: Cursor): string {
  return base64url(`${cursor.createdAt}.${cursor.id}`)
}

/**
 * Parses a cursor strictly; anything tampered with or malformed is a 400, never a crash. A cursor
 * only moves within the caller's own records (the query always filters by user).
 */
export function decodeCursor(value: string): Cursor {
  const invalid = () =>
    new ApiError(
      'invalid_request',
      'cursor is not valid: pass nextCursor from the previous page unchanged.',
    )
  if (value.length > 200 || !/^[A-Za-z0-9_-]+$/.test(value)) throw invalid()
  let text: string
  try {
    text = atob(value.replace(/-/g, '+').replace(/_/g, '/'))
  } catch {
    throw invalid()
  }
  const match = /^(\d{1,15})\.([A-Za-z0-9_]{1,64})$/.exec(text)
  if (!match) throw invalid()
  return { createdAt: Number(match[1]), id: match[2] ?? '' }
}

/** `limit`: default 50, 1 to LIMITS.maxUsagePageSize. */
export function parseLimit(value: string | undefined): number {
  if (value === undefined || value === '') return 50
  if (!/^\d{1,4}$/.test(value))
    throw new ApiError(
      'invalid_request',
      `limit must be a whole number from 1 to ${LIMITS.maxUsagePageSize}.`,
    )
  const limit = Number(value)
  if (limit < 1 || limit > LIMITS.maxUsagePageSize) {
    throw new ApiError(
      'invalid_request',
      `limit must be a whole number from 1 to ${LIMITS.maxUsagePageSize}.`,
    )
  }
  return limit
}

/**
 * An ISO 8601 date (`2026-11-24`) or date-time (`2026-11-24T10:00:00Z`) as Unix ms. A bare date
 * means the start of that day (UTC) for `from` and its end for `to`, so `to=2026-11-24` includes
 * the whole day.
 */
export function parseDate(value: string | undefined, name: 'from' | 'to'): number | undefined {
  if (value === undefined || value === '') return undefined
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value)
  const dateTime =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/.test(value)
  const ms = dateOnly || dateTime ? Date.parse(dateOnly ? `${value}T00:00:00Z` : value) : Number.NaN
  if (!Number.isFinite(ms))
    throw new ApiError(
      'invalid_request',
      `${name} must be an ISO 8601 date or date-time, e.g. 2026-11-24 or 2026-11-24T10:00:00Z.`,
    )
  return dateOnly && name === 'to' ? ms + 86_400_000 - 1 : ms
}
