/** The context string and the language sent with an image: both by core's contract. */
import { formatContext, toLanguageTag } from '@alttextapi/core'
import type { ImageContext } from './options.js'

/** The contract's context for one image: title, heading, caption, nearby text, the link (target, text, purpose). */
export function contextString(context: ImageContext): string | undefined {
  return formatContext({
    title: context.title,
    heading: context.heading,
    caption: context.caption,
    text: context.text,
    link:
      context.linkOnly || context.href !== undefined || context.linkText !== undefined
        ? { href: context.href, only: context.linkOnly, text: context.linkText }
        : undefined,
  })
}

/** `lang` when it is a usable BCP 47 tag (`_` read as `-`), else `fallback`. */
export function languageOf(lang: string | undefined, fallback: string): string {
  return toLanguageTag(lang) ?? fallback
}
