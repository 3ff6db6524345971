/**
 * Where a long description goes (the `long` option): `aria-describedby` on the image, pointing at
 * a `<span hidden>` with the text right after it. A span is phrasing content, so it is valid
 * wherever an image is (a paragraph, a link, a figure) and changes no layout; screen readers read
 * a hidden element's text when it is referenced. Chosen over `<details>`, which would close an
 * enclosing `<p>` and is not allowed inside a link.
 */
import type { Element } from 'hast'
import { escapeAttribute } from './start-tag.js'

/** Prefix of the ids written (`alttext-long-3`: the image's index on the page). */
export const LONG_ID_PREFIX = 'alttext-long-'

/**
 * Why no long description can be written for this image, or undefined when it can. In
 * `<picture>` (where only `<source>` and `<img>` may be) the text goes after the picture: always
 * in a tree, in a page edited in place only when its `</picture>` is written (`pictureEnd`).
 */
export function longDescriptionBlocked(
  node: Element,
  parentTag: string,
  pictureEnd: boolean,
): string | undefined {
  if (node.properties.ariaDescribedBy !== undefined)
    return 'the image has an aria-describedby already'
  if (parentTag === 'picture' && !pictureEnd) {
    return 'the image is inside a <picture> whose </picture> is not written, so nothing marks where to put the text'
  }
  return undefined
}

/** The element written after the image. */
export function longDescriptionNode(id: string, text: string): Element {
  return {
    type: 'element',
    tagName: 'span',
    properties: { id, hidden: true },
    children: [{ type: 'text', value: text }],
  }
}

/** The same element as HTML source (for pages edited in place). */
export function longDescriptionHtml(id: string, text: string): string {
  return `<span id="${escapeAttribute(id)}" hidden>${escapeAttribute(text)}</span>`
}
