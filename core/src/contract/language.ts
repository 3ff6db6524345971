import { LIMITS } from '../limits.js'

/**
 * A BCP 47 language tag, loosely checked: a 2–8 letter primary subtag, then hyphen-separated
 * subtags of 1–8 letters or digits (`en`, `de-CH`, `pt-BR`, `zh-Hant-TW`). The API accepts what
 * this matches up to `LIMITS.maxLanguageTagLength` characters; every client checks the same way.
 */
export const BCP47_PATTERN = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/

/** True when `tag` is a language tag the API accepts. */
export function isLanguageTag(tag: unknown): tag is string {
  return (
    typeof tag === 'string' && tag.length <= LIMITS.maxLanguageTagLength && BCP47_PATTERN.test(tag)
  )
}

/**
 * `value` as a tag the API accepts, or undefined: surrounding white space is dropped and locale
 * underscores become hyphens (`en_US` → `en-US`), the form CMSs and `LANG` use.
 */
export function toLanguageTag(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const tag = value.trim().replace(/_/g, '-')
  return isLanguageTag(tag) ? tag : undefined
}
