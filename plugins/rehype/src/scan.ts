/**
 * `scanHtml`: the images of an HTML page without building its tree. parse5's SAX parser (the
 * tokenizer rehype-parse uses, with its tokenizer-state feedback: `<script>`, `<textarea>`, RAWTEXT,
 * foreign content, `<image>` read as `<img>`) gives every start tag with the source location of the
 * tag and of each attribute; a small stack with the HTML tree builder's implicit ends (`<p>`,
 * `<li>`, `<dt>`/`<dd>`, headings, table parts, `<option>`, the implied `<html>`, `<head>` and
 * `<body>`) feeds the `ImageCollector` for the context. A page without `<img` or `<image` is not
 * tokenized at all. Memory stays bounded by the page's depth, not its size; the contexts equal the
 * tree's on well-formed pages (tested), and may differ on misnested markup the tree builder
 * repairs (the adoption agency, foster-parented table content): only the context text differs
 * then, never which images are found or where.
 */
import type { Element } from 'hast'
import type { ParserError, Token } from 'parse5'
import { type EndTag, SAXParser, type StartTag, type Text } from 'parse5-sax-parser'
import { type Attributes, ImageCollector, VOID } from './collector.js'
import type { FoundImage } from './find-images.js'

/** A problem of the page's HTML that hides images or makes them unsafe to edit. */
export interface HtmlProblem {
  /** parse5's error code, e.g. `eof-in-tag`. */
  code: string
  message: string
  line: number
  column: number
  offset: number
}

/** What `scanHtml` found. */
export interface ScanResult {
  images: FoundImage[]
  problems: HtmlProblem[]
}

/** Parse errors worth reporting: each can hide the rest of the page from every reader. */
const PROBLEMS: Record<string, string> = {
  'eof-in-tag': 'the page ends inside a tag: that tag is not read',
  'eof-in-comment': 'a comment is never closed: the rest of the page is not read',
  'eof-in-script-html-comment-like-text':
    'a script is never closed: the rest of the page is not read',
  'eof-in-cdata': 'a CDATA section is never closed: the rest of the page is not read',
}

const MAY_HAVE_IMAGES = /<im(?:g|age)[\t\n\f\r />]/i

const HEAD_TAGS = new Set([
  'base',
  'basefont',
  'bgsound',
  'link',
  'meta',
  'noscript',
  'script',
  'style',
  'template',
  'title',
])
/** Start tags that end an open `<p>` (the tree builder's "close a p element"). */
const CLOSES_P = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'center',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'dd',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'li',
  'listing',
  'main',
  'menu',
  'nav',
  'ol',
  'p',
  'plaintext',
  'pre',
  'search',
  'section',
  'summary',
  'table',
  'ul',
  'xmp',
])
/** Elements an implicit or stray end never reaches past. */
const SCOPE = new Set([
  'applet',
  'button',
  'caption',
  'html',
  'marquee',
  'object',
  'table',
  'td',
  'template',
  'th',
  'svg',
  'math',
])
const HEADING = /^h[1-6]$/
/** The spec's "special" elements: `<li>`, `<dd>` and `<dt>` close their kind only up to one. */
const SPECIAL = new Set(
  'applet area article aside base basefont bgsound blockquote body br button caption center col colgroup details dir dl embed fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input keygen link listing main marquee menu meta nav noembed noframes noscript object ol param plaintext pre script search section select source style summary table tbody td template textarea tfoot th thead title tr track ul wbr xmp'.split(
    ' ',
  ),
)
const TABLE = new Set(['table', 'template'])
const TABLE_BODY = new Set(['table', 'tbody', 'thead', 'tfoot', 'template'])
const ROW = new Set(['tr', 'table', 'template'])
const NOTHING = new Set<string>()
const TABLE_PARTS = new Set([
  'caption',
  'col',
  'colgroup',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
])

function attributesOf(attrs: Token.Attribute[]): Attributes {
  return (name) => attrs.find((a) => a.name === name && !a.prefix)?.value
}

/** The tokenizer with access to its parse errors (the SAX parser does not forward them). */
class Tokens extends SAXParser {
  constructor(onParseError: (error: ParserError) => void) {
    super({ sourceCodeLocationInfo: true })
    Object.assign(this.parserFeedbackSimulator, { onParseError })
  }

  /** Tokenizes the whole page now, emitting the events synchronously. */
  run(html: string): void {
    this.tokenizer.write(html, true)
  }
}

/** The tree builder's structure, as far as the context needs it. */
class Structure {
  readonly collector = new ImageCollector()
  #html = false
  #head: 'none' | 'open' | 'closed' = 'none'
  #body = false

  get #stack(): readonly string[] {
    return this.collector.openTags
  }

  #top(): string | undefined {
    return this.#stack[this.#stack.length - 1]
  }

  ensureHtml(attributes: Attributes = () => undefined): void {
    if (this.#html) return
    this.#html = true
    this.collector.open('html', attributes)
  }

  ensureBody(attributes: Attributes = () => undefined): void {
    if (this.#body) return
    this.ensureHtml()
    if (this.#head === 'open') this.closeTo('head')
    this.#head = 'closed'
    this.#body = true
    this.collector.open('body', attributes)
  }

  /** Closes elements down to and including the closest `tag`, unless a scope boundary comes first. */
  closeTo(tag: string, boundaries: ReadonlySet<string> = SCOPE): boolean {
    const stack = this.#stack
    for (let i = stack.length - 1; i >= 0; i--) {
      const open = stack[i] as string
      if (open === tag) {
        for (let n = stack.length - i; n > 0; n--) this.collector.close()
        return true
      }
      if (boundaries.has(open)) return false
    }
    return false
  }

  start(tag: string, attributes: Attributes, selfClosing: boolean): void {
    if (tag === 'html') {
      this.ensureHtml(attributes)
      return
    }
    if (!this.#body && tag === 'head' && this.#head === 'none') {
      this.ensureHtml()
      this.#head = 'open'
      this.collector.open('head', attributes)
      return
    }
    if (tag === 'head') return
    if (tag === 'body') {
      this.ensureBody(attributes)
      return
    }
    if (!this.#body && HEAD_TAGS.has(tag)) {
      this.ensureHtml()
      if (this.#head === 'none') {
        this.#head = 'open'
        this.collector.open('head', () => undefined)
      }
    } else {
      this.ensureBody()
      // Table parts outside a table are dropped by the tree builder.
      if (TABLE_PARTS.has(tag) && !this.#stack.includes('table')) return
      this.#implicitEnds(tag)
    }
    this.collector.open(tag, attributes)
    // In SVG and MathML, `<x/>` is an empty element; in HTML the solidus means nothing.
    if (selfClosing && !VOID.has(tag) && this.#top() === tag && this.#foreign())
      this.collector.close()
  }

  #foreign(): boolean {
    return this.#stack.includes('svg') || this.#stack.includes('math')
  }

  #implicitEnds(tag: string): void {
    if (CLOSES_P.has(tag)) this.closeTo('p')
    if (HEADING.test(tag) && HEADING.test(this.#top() ?? '')) this.collector.close()
    if (tag === 'li') this.closeTo('li', SPECIAL)
    if (tag === 'dd' || tag === 'dt') {
      if (!this.closeTo('dd', SPECIAL)) this.closeTo('dt', SPECIAL)
    }
    if (tag === 'tr') this.closeTo('tr', TABLE_BODY)
    if (tag === 'td' || tag === 'th') {
      if (!this.closeTo('td', ROW)) this.closeTo('th', ROW)
    }
    if (tag === 'tbody' || tag === 'thead' || tag === 'tfoot') {
      for (const part of ['tbody', 'thead', 'tfoot']) this.closeTo(part, TABLE)
    }
    if (tag === 'option' && this.#top() === 'option') this.collector.close()
    if (tag === 'optgroup') {
      if (this.#top() === 'option') this.collector.close()
      if (this.#top() === 'optgroup') this.collector.close()
    }
    if (tag === 'a') this.closeTo('a')
  }

  end(tag: string): void {
    // The head stays open until the body starts: head elements after `</head>` still go in it.
    if (tag === 'head') return
    // Content after `</body>` or `</html>` still belongs to the body.
    if (tag === 'body' || tag === 'html') return
    if (HEADING.test(tag) && HEADING.test(this.#top() ?? '')) {
      this.collector.close()
      return
    }
    const boundaries = SCOPE.has(tag) ? NOTHING : SCOPE
    this.closeTo(tag, boundaries)
  }

  text(value: string): void {
    const top = this.#top()
    if (!this.#body && (top === undefined || top === 'html' || top === 'head')) {
      // Whitespace before the body is dropped (or kept outside it) by the tree builder.
      if (!/[^\t\n\f\r ]/.test(value)) return
      this.ensureBody()
    }
    this.collector.text(value)
  }
}

function standIn(attrs: Token.Attribute[], location: Token.Location): Element {
  const properties: Record<string, string> = {}
  for (const a of attrs) if (a.name === 'src' || a.name === 'alt') properties[a.name] = a.value
  // As hast names it: the long description is not written over an author's own.
  const describedBy = attrs.find((a) => a.name === 'aria-describedby')
  if (describedBy) properties.ariaDescribedBy = describedBy.value
  return {
    type: 'element',
    tagName: 'img',
    properties,
    children: [],
    position: {
      start: { line: location.startLine, column: location.startCol, offset: location.startOffset },
      end: { line: location.endLine, column: location.endCol, offset: location.endOffset },
    },
  }
}

/**
 * Every `<img>` of `html` in document order (not inside `<template>`), with source, language,
 * context and the location of its start tag, and the problems of the HTML that can hide images.
 */
export function scanHtml(html: string): ScanResult {
  const problems: HtmlProblem[] = []
  if (!MAY_HAVE_IMAGES.test(html)) return { images: [], problems }
  const structure = new Structure()
  const nodes: FoundImage['node'][] = []
  const tags: NonNullable<FoundImage['tag']>[] = []
  let template = 0
  // Open <picture>s: each one's depth in the tree builder's stack and the indexes (in `tags`) of
  // the images directly in it, to learn where it ends. One closed implicitly is forgotten.
  const pictures: { depth: number; images: number[] }[] = []
  const livePicture = () => {
    const stack = structure.collector.openTags
    for (let top = pictures.at(-1); top; top = pictures.at(-1)) {
      if (stack.length >= top.depth && stack[top.depth - 1] === 'picture') return top
      pictures.pop()
    }
    return undefined
  }
  const tokens = new Tokens((error) => {
    const message = PROBLEMS[error.code]
    if (!message) return
    problems.push({
      code: error.code,
      message,
      line: error.startLine,
      column: error.startCol,
      offset: error.startOffset,
    })
  })
  tokens.on('startTag', (token: StartTag) => {
    const { tagName, attrs, selfClosing } = token
    if (template > 0) {
      if (tagName === 'template') template++
      return
    }
    const location = token.sourceCodeLocation as Token.LocationWithAttributes
    const index = tags.length
    if (tagName === 'img') {
      nodes.push(standIn(attrs, location))
      const alt = location.attrs?.alt
      tags.push({
        start: location.startOffset,
        end: location.endOffset,
        selfClosing,
        alt: alt && { start: alt.startOffset, end: alt.endOffset },
      })
    }
    structure.start(tagName, attributesOf(attrs), selfClosing)
    if (tagName === 'template') template = 1
    const depth = structure.collector.openTags.length
    if (tagName === 'img') {
      // An image directly in a <picture> (as the tree builder nests it: the image is closed
      // already, its parent is on top).
      const picture = livePicture()
      if (picture && picture.depth === depth) picture.images.push(index)
    }
    if (tagName === 'picture' && structure.collector.openTags[depth - 1] === 'picture') {
      livePicture() // drops the pictures closed implicitly before this one
      pictures.push({ depth, images: [] })
    }
  })
  tokens.on('endTag', (token: EndTag) => {
    if (template > 0) {
      if (token.tagName === 'template') template--
      if (template > 0) return
    }
    if (token.tagName === 'picture') {
      // Only an end tag that closes the innermost open element, the picture itself; any other
      // (misnested, stray) leaves its images without a place for text after them.
      const picture = livePicture()
      const end = token.sourceCodeLocation?.endOffset
      if (picture && picture.depth === structure.collector.openTags.length && end !== undefined) {
        for (const i of picture.images) {
          const tag = tags[i]
          if (tag) tag.afterPicture = end
        }
        pictures.pop()
      }
    }
    structure.end(token.tagName)
  })
  tokens.on('text', (token: Text) => {
    if (template === 0) structure.text(token.text)
  })
  tokens.run(html)
  const images = structure.collector.finish().map((image, i) => ({
    ...image,
    node: nodes[i] as Element,
    tag: tags[i],
  }))
  return { images, problems }
}
