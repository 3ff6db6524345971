/**
 * Finding the images of a Markdown/MDX tree, each with whether its alt text is missing, written,
 * or marked decorative, and what the document says around it.
 *
 * - `![](x.png)`, `![ ](x.png)`, `![][ref]`: alt text **missing** (Markdown has no way to say
 *   "decorative" with this syntax; an empty label means nobody wrote one).
 * - HTML `<img>` in Markdown or JSX `<img>` in MDX: missing without an `alt` attribute;
 *   **decorative** with `alt=""` or `role="presentation"|"none"` (the HTML rule of
 *   @alttextapi/rehype; markdownlint's MD045 and @eslint/markdown's `require-alt-text` accept
 *   `alt=""` too).
 */
import { scanHtml, type TagLocation } from '@alttextapi/rehype'
import type { Definition, Html, Image, ImageReference, Nodes, Parents, Root } from 'mdast'
import type { MdxJsxFlowElement, MdxJsxTextElement } from 'mdast-util-mdx-jsx'
import { toString as mdastToString } from 'mdast-util-to-string'
import type { Point, Position } from 'unist'
import { visitParents } from 'unist-util-visit-parents'
import type { MarkdownImageContext } from './options.js'

/** A JSX element of MDX. */
export type JsxElement = MdxJsxFlowElement | MdxJsxTextElement

/** Whether an image has alt text. */
export type AltState = 'missing' | 'decorative' | 'present'

/** One image found in the tree. */
export type MarkdownImage = {
  src: string
  state: AltState
  context: MarkdownImageContext
  /** Where the image is (line/column for messages). */
  position: Position | undefined
} & (
  | { kind: 'markdown'; node: Image | ImageReference }
  | {
      kind: 'html'
      node: Html
      /** Where the `<img>` tag and its `alt` are inside `node.value`. */
      tag: TagLocation
    }
  | { kind: 'jsx'; node: JsxElement }
)

/** Longest nearby text kept (core's formatter clips the whole context again). */
const MAX_TEXT = 300

const BLOCKS = new Set(['paragraph', 'heading', 'tableCell'])

const squash = (value: string) => value.replace(/\s+/g, ' ').trim()

const clip = (value: string) =>
  value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1).trimEnd()}…` : value

/** A JSX attribute's literal string value; undefined when absent, `null` for an expression. */
function jsxAttribute(node: JsxElement, name: string): string | null | undefined {
  for (const attribute of node.attributes) {
    if (attribute.type !== 'mdxJsxAttribute' || attribute.name !== name) continue
    if (attribute.value === null || attribute.value === undefined) return ''
    return typeof attribute.value === 'string' ? attribute.value : null
  }
  return undefined
}

function jsxState(node: JsxElement): AltState {
  // A spread (`{...props}`) may carry alt text this plugin cannot see: leave the image alone.
  if (node.attributes.some((a) => a.type === 'mdxJsxExpressionAttribute')) return 'present'
  const role = jsxAttribute(node, 'role')
  if (role === 'presentation' || role === 'none') return 'decorative'
  const alt = jsxAttribute(node, 'alt')
  if (alt === undefined) return 'missing'
  if (alt === null) return 'present'
  return alt === '' ? 'decorative' : 'present'
}

/** The point `inner` (a point within a node's value) in the document, the node at `start`. */
function pointIn(start: Point | undefined, inner: Point | undefined): Point | undefined {
  if (!start || !inner) return start
  return inner.line === 1
    ? { line: start.line, column: start.column + inner.column - 1 }
    : { line: start.line + inner.line - 1, column: inner.column }
}

/** Text of the closest block around the image, or of its neighbours when it stands alone. */
function nearbyText(ancestors: Parents[]): string | undefined {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const block = ancestors[i] as Parents
    if (!BLOCKS.has(block.type)) continue
    const own = squash(mdastToString(block))
    if (own) return clip(own)
    const parent = ancestors[i - 1]
    if (!parent) return undefined
    const index = parent.children.indexOf(block as never)
    const around = [parent.children[index - 1], parent.children[index + 1]]
      .filter((n) => n !== undefined && n.type !== 'code' && n.type !== 'html')
      .map((n) => n as Nodes)
      .map((n) => squash(mdastToString(n)))
      .filter(Boolean)
      .join(' ')
    return around ? clip(around) : undefined
  }
  return undefined
}

/** The link around the image, with whether the image is its only content. */
function linkOf(
  node: Nodes,
  ancestors: Parents[],
  definitions: Map<string, Definition>,
): MarkdownImageContext['link'] {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i] as Parents
    let href: string | undefined
    if (a.type === 'link') href = a.url
    else if (a.type === 'linkReference') href = definitions.get(a.identifier)?.url
    else if ((a.type === 'mdxJsxTextElement' || a.type === 'mdxJsxFlowElement') && a.name === 'a')
      href = jsxAttribute(a, 'href') ?? undefined
    else continue
    const inner = a.children.filter(
      (c) => !(c.type === 'text' && !c.value.trim()) && c.type !== 'break',
    )
    const only = inner.length === 1 && (inner[0] === node || inner[0] === ancestors[i + 1])
    const text = only ? undefined : squash(mdastToString(a)) || undefined
    return { href, only, text }
  }
  return undefined
}

/** Every image of `tree` (see the module comment), in document order. */
export function findImages(tree: Root, title?: string): MarkdownImage[] {
  const definitions = new Map<string, Definition>()
  visitParents(tree, 'definition', (node: Definition) => {
    if (!definitions.has(node.identifier)) definitions.set(node.identifier, node)
  })
  const images: MarkdownImage[] = []
  let heading: string | undefined
  visitParents(tree, (node: Nodes, ancestors: Parents[]) => {
    if (node.type === 'heading') {
      heading = squash(mdastToString(node)) || heading
      return
    }
    const base = (src: string): MarkdownImageContext => ({
      src,
      title,
      heading,
      text: nearbyText(ancestors),
      link: linkOf(node, ancestors, definitions),
    })
    if (node.type === 'image' || node.type === 'imageReference') {
      const src = node.type === 'image' ? node.url : definitions.get(node.identifier)?.url
      if (src === undefined) return
      const imageTitle =
        node.type === 'image' ? node.title : definitions.get(node.identifier)?.title
      const context = { ...base(src), caption: imageTitle ?? undefined }
      const state: AltState = node.alt?.trim() ? 'present' : 'missing'
      images.push({ kind: 'markdown', node, src, state, context, position: node.position })
      return
    }
    if (node.type === 'html') {
      // The same reading of HTML as @alttextapi/rehype's (parse5's tokenizer): the same images,
      // sources (srcset, <picture>) and decorative rule (alt="", role presentation/none).
      for (const found of scanHtml(node.value).images) {
        if (!found.tag) continue
        const start = pointIn(node.position?.start, found.node.position?.start)
        images.push({
          kind: 'html',
          node,
          tag: found.tag,
          src: found.src,
          state: found.alt,
          context: base(found.src),
          position: start ? { start, end: start } : node.position,
        })
      }
      return
    }
    if (
      (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') &&
      node.name === 'img'
    ) {
      const src = jsxAttribute(node, 'src') ?? ''
      images.push({
        kind: 'jsx',
        node,
        src,
        state: jsxState(node),
        context: base(src),
        position: node.position,
      })
    }
  })
  return images
}
