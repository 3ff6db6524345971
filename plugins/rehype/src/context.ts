/** The context string sent with an image (the API caps it at 2000 characters). */
import { LIMITS } from '@alttextapi/core'
import type { ImageContext } from './options.js'
import { clip } from './text.js'

/** Lines the model reads: title, heading, caption, nearby text, and the link purpose. */
export function contextString(context: ImageContext): string | undefined {
  const lines: string[] = []
  if (context.title) lines.push(`Page title: ${clip(context.title, 200)}`)
  if (context.heading) lines.push(`Section heading: ${clip(context.heading, 200)}`)
  if (context.caption) lines.push(`Figure caption: ${clip(context.caption, 400)}`)
  if (context.text) lines.push(`Nearby text: ${context.text}`)
  if (context.linkOnly) {
    const to = context.href ? ` to ${clip(context.href, 200)}` : ''
    lines.push(
      `The image is the only content of a link${to}: the alt text should say where the link leads.`,
    )
  }
  return lines.length > 0 ? clip(lines.join('\n'), LIMITS.maxContextLength) : undefined
}

const BCP47 = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/

/** True when `tag` is a usable BCP 47 tag (the API's pattern). */
export function isLanguageTag(tag: string | undefined): tag is string {
  return tag !== undefined && BCP47.test(tag) && tag.length <= 35
}

/** `lang` when it is a usable BCP 47 tag (`_` read as `-`), else `fallback`. */
export function languageOf(lang: string | undefined, fallback: string): string {
  const tag = lang?.trim().replace(/_/g, '-')
  return isLanguageTag(tag) ? tag : fallback
}
