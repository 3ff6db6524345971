/**
 * The images of a page and their context, from a stream of open / text / close events in
 * document order. Both ways of reading a page feed it: the walk of a hast tree (`findImages`) and
 * the streaming tokenizer (`scanHtml`), which never builds a tree. Every value that depends on
 * what follows an image (the text of its block, the block after it, the caption, a link's text)
 * is read from the element's record once the element has closed, so one pass is enough and
 * memory is bounded by the depth of the page, not its size: each record keeps at most
 * `TEXT_CAP` characters of text.
 */
import { clipText, toLanguageTag } from '@alttextapi/core'
import type { ImageContext } from './options.js'
import { parseSrcset, pickCandidate } from './srcset.js'

/** The attributes the collector reads (names lower-case, values as written). */
export type Attributes = (
  name: 'src' | 'srcset' | 'alt' | 'role' | 'lang' | 'type' | 'href' | 'aria-label' | 'title',
) => string | undefined

/** What the collector knows about one `<img>`. */
export interface CollectedImage {
  /** `'missing'`: no alt; `'decorative'`: `alt=""` or role none/presentation; `'present'`: alt text. */
  alt: 'missing' | 'decorative' | 'present'
  /** The source to describe (`src`, a `srcset` candidate, or a `<picture>` source); may be ''. */
  src: string
  /** The `alt` attribute's value (entities decoded); undefined when there is none. */
  altText?: string | undefined
  /** The `lang` of the image or its closest ancestor that has a usable one. */
  lang: string | undefined
  /** Tag name of the element the image is in (`picture`, `p`…); '' at the top of the document. */
  parentTag: string
  context: ImageContext
}

/** Enough text for the context (core clips nearby text to 300 characters, the rest to less). */
const TEXT_CAP = 2000
const HEADING = /^h[1-6]$/
const BLOCKS = new Set([
  'p',
  'li',
  'dd',
  'dt',
  'td',
  'th',
  'blockquote',
  'figure',
  'section',
  'article',
  'aside',
  'header',
  'footer',
  'main',
  'div',
  'body',
])
const ACCEPTED_TYPES = /^(image\/(jpeg|png|gif|webp))?$/i

/** An open (later closed) element; `tag` is '' for the document itself. */
interface Frame {
  tag: string
  parent: Frame | undefined
  /** Text with whitespace collapsed, at most TEXT_CAP characters. */
  text: string
  lang: string | undefined
  /** Text of the element sibling before (headings do not count), once known. */
  before: string
  /** Text of the element sibling after, once it has closed. */
  after: string
  /** The last closed element child still waiting for the text of its next sibling. */
  waiting: Frame | undefined
  /** `<picture>`: the sources its `<source>` children offer (in order). */
  sources?: string[]
  /** `<figure>`: the text of its first `<figcaption>` child, once closed. */
  caption?: string
  /** `<a>`: its `href`, its own name (`aria-label`, else `title`) and how many images it holds. */
  href?: string
  label?: string
  images: number
}

/** An image waiting for the end of the page to know its context. */
interface Pending {
  alt: CollectedImage['alt']
  altText: string | undefined
  lang: string | undefined
  /** `src`/`srcset` of the image itself. */
  src: string | undefined
  srcset: string | undefined
  ancestors: Frame[]
  /** The heading open around the image (its text is only known once it closes). */
  inHeading: Frame | undefined
  heading: string | undefined
}

/** The element is void: it has no content and no end tag. */
export const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
  'param',
  'keygen',
  'basefont',
  'bgsound',
  'frame',
])

const newFrame = (tag: string, parent: Frame | undefined, lang: string | undefined): Frame => ({
  tag,
  parent,
  text: '',
  lang,
  before: parent?.waiting && !HEADING.test(tag) ? parent.waiting.text : '',
  after: '',
  waiting: undefined,
  images: 0,
})

/** Collects the images of one page; see the file comment. */
export class ImageCollector {
  readonly #root: Frame = newFrame('', undefined, undefined)
  #stack: Frame[] = [this.#root]
  readonly #pending: Pending[] = []
  #title: string | undefined
  #heading: string | undefined
  /** The elements `#stack[0..#full)` hold TEXT_CAP characters of text already. */
  #full = 0

  /** Tag names of the elements open now, outermost first (the document itself is not one). */
  readonly openTags: string[] = []

  /** An element starts (a void element is opened and closed). */
  open(tag: string, attributes: Attributes): void {
    const parent = this.#stack[this.#stack.length - 1] as Frame
    const lang = toLanguageTag(attributes('lang')) ?? parent.lang
    if (tag === 'img') this.#image(attributes, lang)
    const frame = newFrame(tag, parent, lang)
    if (tag === 'picture') frame.sources = []
    if (tag === 'a') {
      frame.href = attributes('href') ?? ''
      frame.label = (attributes('aria-label') ?? attributes('title'))?.trim() || undefined
    }
    if (tag === 'source' && parent.sources) {
      const set = attributes('srcset')
      const picked = set ? pickCandidate(parseSrcset(set)) : undefined
      // The API reads JPEG, PNG, GIF and WebP: prefer a source of those types.
      if (picked && ACCEPTED_TYPES.test(attributes('type')?.trim() ?? ''))
        parent.sources.push(picked)
    }
    this.#stack.push(frame)
    this.openTags.push(tag)
    if (VOID.has(tag)) this.close()
  }

  /** Text inside the element open now. */
  text(value: string): void {
    const chunk = value.replace(/\s+/g, ' ')
    if (chunk === '') return
    // Outer elements fill up first: start after the ones already full.
    const stack = this.#stack
    let i = this.#full
    while (i < stack.length && (stack[i] as Frame).text.length >= TEXT_CAP) i++
    this.#full = i
    for (; i < stack.length; i++) {
      const frame = stack[i] as Frame
      if (frame.text.length >= TEXT_CAP) continue
      // One space between words, as `textOf` collapses it; leading space trimmed when read.
      const add = frame.text.endsWith(' ') && chunk.startsWith(' ') ? chunk.slice(1) : chunk
      frame.text = (frame.text + add).slice(0, TEXT_CAP)
    }
  }

  /** The element open now ends. */
  close(): void {
    if (this.#stack.length <= 1) return
    const frame = this.#stack.pop() as Frame
    this.openTags.pop()
    this.#full = Math.min(this.#full, this.#stack.length)
    const parent = frame.parent as Frame
    frame.text = frame.text.trim()
    if (frame.tag === 'title' && this.#title === undefined) this.#title = frame.text || undefined
    if (HEADING.test(frame.tag)) {
      this.#heading = frame.text || this.#heading
      return
    }
    if (frame.tag === 'figcaption' && parent.tag === 'figure' && parent.caption === undefined)
      parent.caption = frame.text
    if (parent.waiting) parent.waiting.after = frame.text
    parent.waiting = frame
  }

  /** Every image in document order, once the whole page has been seen. */
  finish(): CollectedImage[] {
    while (this.#stack.length > 1) this.close()
    this.#root.text = this.#root.text.trim()
    return this.#pending.map((p) => this.#resolve(p))
  }

  #image(attributes: Attributes, lang: string | undefined): void {
    const role = attributes('role')?.trim().toLowerCase()
    const altValue = attributes('alt')
    const alt: CollectedImage['alt'] =
      altValue === undefined
        ? role === 'presentation' || role === 'none'
          ? 'decorative'
          : 'missing'
        : altValue.trim() === ''
          ? 'decorative'
          : 'present'
    const ancestors = [...this.#stack]
    for (const frame of ancestors) if (frame.tag === 'a') frame.images++
    const inHeading = ancestors.findLast((f) => HEADING.test(f.tag))
    this.#pending.push({
      alt,
      altText: altValue,
      lang,
      src: attributes('src'),
      srcset: attributes('srcset'),
      ancestors,
      inHeading,
      heading: this.#heading,
    })
  }

  #resolve(p: Pending): CollectedImage {
    const parent = p.ancestors[p.ancestors.length - 1]
    const src = sourceOf(p, parent)
    const caption = captionOf(p.ancestors)
    const link = linkOf(p.ancestors)
    return {
      alt: p.alt,
      altText: p.altText,
      src,
      lang: p.lang,
      parentTag: parent?.tag ?? '',
      context: {
        title: this.#title,
        heading: (p.inHeading?.text || undefined) ?? p.heading,
        caption,
        text: nearbyText(p.ancestors, caption),
        linkOnly: link?.only === true,
        href: link?.href || undefined,
        linkText: link?.text,
        src,
      },
    }
  }
}

/** The source worth describing (see `pickCandidate`); in `<picture>`, `<source>`s are a fallback. */
function sourceOf(p: Pending, parent: Frame | undefined): string {
  const srcset = p.srcset
  if (srcset) {
    const candidates = parseSrcset(srcset)
    if (candidates.some((c) => c.width !== undefined)) return pickCandidate(candidates) ?? ''
  }
  const src = p.src?.trim()
  if (src) return src
  if (srcset) return pickCandidate(parseSrcset(srcset)) ?? ''
  return parent?.sources?.[0] ?? ''
}

/** The caption of the closest `<figure>` around the image (none when that one has none). */
function captionOf(ancestors: Frame[]): string | undefined {
  const figure = ancestors.findLast((f) => f.tag === 'figure')
  return figure?.caption || undefined
}

/**
 * Text around the image: the closest block with some text, up to three blocks up; when the
 * image's own block has none (an image alone in a paragraph), the element siblings beside it.
 */
function nearbyText(ancestors: Frame[], caption: string | undefined): string | undefined {
  let tries = 0
  for (let i = ancestors.length - 1; i >= 0 && tries < 3; i--) {
    const a = ancestors[i] as Frame
    if (a.tag !== '' && !BLOCKS.has(a.tag)) continue
    tries++
    let text = a.text
    if (caption) text = text.replace(caption, '').trim()
    if (text) return clipText(text, 300)
    if (a.tag === '') continue
    const beside = [a.before, a.after].filter(Boolean).join(' ')
    if (beside) return clipText(beside, 300)
  }
  return undefined
}

/**
 * The closest link around the image: `only` when the image is all it holds (no text, one image);
 * its text is then the link's own name (`aria-label`/`title`), else the text beside the image.
 */
function linkOf(
  ancestors: Frame[],
): { href: string; only: boolean; text: string | undefined } | undefined {
  const a = ancestors.findLast((f) => f.tag === 'a')
  if (a === undefined) return undefined
  const only = a.text === '' && a.images === 1
  return { href: a.href ?? '', only, text: (only ? a.label : a.text) || undefined }
}
