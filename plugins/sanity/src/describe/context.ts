/** Language and context for a document's images: what the API needs to write fitting alt text. */
import { LIMITS } from '@alttextapi/core'
import { isRecord } from '../walk/path.js'

/** Fields i18n plugins use for a document's language (document-internationalization, older ones). */
export const DEFAULT_LANGUAGE_FIELDS = ['language', '__i18n_lang']

const BCP47 = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/
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
      const tag = normaliseTag(doc[field])
      if (tag) return tag
    }
  }
  return normaliseTag(options.language)
}

function normaliseTag(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const tag = value.trim().replace(/_/g, '-')
  return BCP47.test(tag) ? tag : undefined
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

const clip = (text: string, max: number) => {
  if (text.length <= max) return text
  const cut = text.slice(0, max)
  const space = cut.lastIndexOf(' ')
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`
}

/**
 * Context for the images of a document: its title and a little of its text (description-like
 * fields, then the opening of its Portable Text). Short on purpose: enough for the model to know
 * what the page is about, not the whole article. Undefined for an empty document.
 */
export function documentContext(doc: unknown, maxLength = 600): string | undefined {
  if (!isRecord(doc)) return undefined
  const parts: string[] = []
  const title = TITLE_FIELDS.map((f) => doc[f]).find((v) => typeof v === 'string' && v.trim())
  if (typeof title === 'string') parts.push(`Page title: ${title.trim()}`)
  for (const field of TEXT_FIELDS) {
    const text = doc[field]
    if (typeof text === 'string' && text.trim()) parts.push(text.trim())
  }
  for (const value of Object.values(doc)) {
    const text = blocksToText(value)
    if (text) {
      parts.push(text)
      break
    }
  }
  if (parts.length === 0) return undefined
  return clip(parts.join('\n'), Math.min(maxLength, LIMITS.maxContextLength))
}

/** The context of one image: its caption (if any) before the document's context. */
export function imageContext(
  caption: string | undefined,
  docContext: string | undefined,
): string | undefined {
  const parts = [caption ? `Caption: ${caption}` : undefined, docContext].filter(Boolean)
  return parts.length ? clip(parts.join('\n'), LIMITS.maxContextLength) : undefined
}
