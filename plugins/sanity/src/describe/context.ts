/**
 * Language and context for a document's images: what the API needs to write fitting alt text.
 * The rules (BCP 47 tags, the context format and its limit) are core's contract; this file only
 * finds the parts in a Sanity document.
 */
import { clipText, formatContext, type PageContext, toLanguageTag } from '@alttextapi/core'
import { isRecord } from '../walk/path.js'

/** Fields i18n plugins use for a document's language (document-internationalization, older ones). */
export const DEFAULT_LANGUAGE_FIELDS = ['language', '__i18n_lang']

const TITLE_FIELDS = ['title', 'name', 'heading', 'headline']
const TEXT_FIELDS = ['description', 'excerpt', 'summary', 'subtitle', 'lead']

/**
 * The language to ask for: the document's own language field first (it is the truth for that
 * document in an i18n setup), else the configured language, else undefined (the API's `en`).
 * Values like `en_US` are normalised to `en-US`; anything else that is no BCP 47 tag is ignored.
 */
export function resolveLanguage(
  doc: unknown,
  options: { language?: string | undefined; languageField?: string | string[] | false } = {},
): string | undefined {
  const fields =
    options.languageField === false
      ? []
      : typeof options.languageField === 'string'
        ? [options.languageField]
        : (options.languageField ?? DEFAULT_LANGUAGE_FIELDS)
  if (isRecord(doc)) {
    for (const field of fields) {
      const tag = toLanguageTag(doc[field])
      if (tag) return tag
    }
  }
  return toLanguageTag(options.language)
}

/** Plain text of Portable Text blocks (spans only). */
export function blocksToText(value: unknown): string {
  if (!Array.isArray(value)) return ''
  const parts: string[] = []
  for (const block of value) {
    if (!isRecord(block) || block._type !== 'block' || !Array.isArray(block.children)) continue
    const text = block.children
      .map((child) => (isRecord(child) && typeof child.text === 'string' ? child.text : ''))
      .join('')
      .trim()
    if (text) parts.push(text)
  }
  return parts.join(' ')
}

/**
 * The parts of a document's context: its title, and a little of its text (description-like
 * fields, then the opening of its Portable Text) cut to `maxTextLength`. Short on purpose: enough
 * for the model to know what the page is about, not the whole article. Undefined for an empty
 * document.
 */
export function documentParts(doc: unknown, maxTextLength = 600): PageContext | undefined {
  if (!isRecord(doc)) return undefined
  const title = TITLE_FIELDS.map((f) => doc[f]).find((v) => typeof v === 'string' && v.trim())
  const texts: string[] = []
  for (const field of TEXT_FIELDS) {
    const text = doc[field]
    if (typeof text === 'string' && text.trim()) texts.push(text.trim())
  }
  for (const value of Object.values(doc)) {
    const text = blocksToText(value)
    if (text) {
      texts.push(text)
      break
    }
  }
  if (typeof title !== 'string' && texts.length === 0) return undefined
  return {
    title: typeof title === 'string' ? title : undefined,
    text: texts.length ? clipText(texts.join(' '), maxTextLength) : undefined,
  }
}

/** A document's context on its own, in the contract's format. */
export function documentContext(doc: unknown, maxTextLength = 600): string | undefined {
  const parts = documentParts(doc, maxTextLength)
  return parts && formatContext(parts)
}

/** The context of one image: its caption with the parts of the document it stands in. */
export function imageContext(
  caption: string | undefined,
  doc: PageContext | undefined,
): string | undefined {
  return formatContext({ ...doc, caption })
}
