import { LIMITS } from '../limits.js'

/** What a page says about one image, as plain text; every field is optional. */
export interface PageContext {
  /** The page's (document's, post's) title. */
  title?: string | undefined
  /** The heading of the section the image stands in. */
  heading?: string | undefined
  /** The image's caption (`<figcaption>`, a block or field caption). */
  caption?: string | undefined
  /** Text around the image. */
  text?: string | undefined
  /** The link the image stands in, if any. */
  link?: PageLink | undefined
  /** The image's file name when it says something (`harbour-lights`, not `IMG_2041`). */
  fileName?: string | undefined
}

/** A link around an image. */
export interface PageLink {
  /** Text of the link besides the image. */
  text?: string | undefined
  href?: string | undefined
  /** True when the image is the link's only content: its alt text is the link's name. */
  only?: boolean | undefined
}

/**
 * The labelled lines of the context string, in order, with the most characters each may take
 * (the PHP plugin reads the same table from its generated contract).
 */
export const CONTEXT_LINES = [
  { field: 'title', label: 'Page title', maxLength: 200 },
  { field: 'heading', label: 'Section heading', maxLength: 200 },
  { field: 'caption', label: 'Caption', maxLength: 400 },
  { field: 'text', label: 'Nearby text', maxLength: LIMITS.maxContextLength },
  { field: 'linkText', label: 'Link text', maxLength: 200 },
  { field: 'fileName', label: 'File name', maxLength: 200 },
] as const

/** Longest link target quoted in the context. */
const MAX_HREF = 200

/** Runs of white space (line breaks included) become one space: the context is prose. */
function squash(value: string | undefined): string {
  return value ? value.replace(/\s+/g, ' ').trim() : ''
}

/**
 * `text` cut to at most `max` UTF-16 code units (what the API counts), at a word boundary when
 * one is near, ending in `…`. The ellipsis counts towards `max`, and a surrogate pair is never
 * split.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text
  if (max < 1) return ''
  let cut = text.slice(0, max - 1)
  const last = cut.charCodeAt(cut.length - 1)
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1)
  const space = cut.lastIndexOf(' ')
  if (space > max / 2) cut = cut.slice(0, space)
  return `${cut.trimEnd()}…`
}

/**
 * The one `context` string every client sends: labelled lines (`Page title: …`, `Section
 * heading: …`, `Caption: …`, `Nearby text: …`, `Link text: …`, `File name: …`) and, for an image
 * inside a link, a sentence on where the link leads. Each part is squashed to one line and clipped to its share;
 * the whole is clipped to `LIMITS.maxContextLength`. Undefined when there is nothing to say.
 */
export function formatContext(context: PageContext): string | undefined {
  const values: Record<(typeof CONTEXT_LINES)[number]['field'], string | undefined> = {
    title: context.title,
    heading: context.heading,
    caption: context.caption,
    text: context.text,
    linkText: context.link?.text,
    fileName: context.fileName,
  }
  const lines: string[] = []
  for (const line of CONTEXT_LINES) {
    const value = squash(values[line.field])
    if (value) lines.push(`${line.label}: ${clipText(value, line.maxLength)}`)
  }
  const href = squash(context.link?.href)
  const to = href ? ` to ${clipText(href, MAX_HREF)}` : ''
  if (context.link?.only) {
    lines.push(
      `The image is the only content of a link${to}: the alt text should say where the link leads.`,
    )
  } else if (href) {
    lines.push(`The image is inside a link${to}.`)
  }
  return lines.length > 0 ? clipText(lines.join('\n'), LIMITS.maxContextLength) : undefined
}
