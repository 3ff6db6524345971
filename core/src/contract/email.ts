import { LIMITS } from '../limits.js'

/**
 * An email address as the API accepts it at sign-up and on change: something@domain.tld, no
 * white space, one `@` before the domain. Loose on purpose (the mailbox is never verified here);
 * the dashboard checks the same before sending.
 */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** True when `value` is an email address the API accepts (pattern and length). */
export function isEmailAddress(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length <= LIMITS.maxEmailLength && EMAIL_PATTERN.test(value)
  )
}
