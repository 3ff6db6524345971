import { LIMITS } from '../limits.js'

/**
 * An `Idempotency-Key` header value: 1–200 printable ASCII characters (space included, as
 * RFC 9110 field values allow), and not white space alone (`isIdempotencyKey` checks that too).
 */
export const IDEMPOTENCY_KEY_PATTERN = new RegExp(
  `^[\\x20-\\x7e]{1,${LIMITS.maxIdempotencyKeyLength}}$`,
)

/** True when `value` is an `Idempotency-Key` the API accepts. */
export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && IDEMPOTENCY_KEY_PATTERN.test(value) && value.trim() !== ''
}

/** What a client or the API says about a key that `isIdempotencyKey` refuses. */
export const IDEMPOTENCY_KEY_RULE = `1–${LIMITS.maxIdempotencyKeyLength} printable ASCII characters (a UUID is a good choice)`
