/** Writing described alt text into the tree (the remark plugin's output). */
import { altEdit, applyEdits, type Edit } from '@alttextapi/rehype'
import type { Html } from 'mdast'
import type { MarkdownImageResult } from './results.js'

/**
 * Sets the alt text of every described image in its node: `alt` of a Markdown image, an `alt`
 * attribute spliced into a raw HTML `<img>` (every other character of the HTML kept), or an
 * `alt` attribute on a JSX `<img>`.
 */
export function applyToTree(results: MarkdownImageResult[]): number {
  let changed = 0
  const htmlEdits = new Map<Html, Edit[]>()
  for (const { image, altText } of results) {
    if (altText === undefined) continue
    changed++
    if (image.kind === 'markdown') {
      image.node.alt = altText
    } else if (image.kind === 'html') {
      const edits = htmlEdits.get(image.node) ?? []
      edits.push(altEdit(image.node.value, image.tag, altText))
      htmlEdits.set(image.node, edits)
    } else {
      const existing = image.node.attributes.find(
        (a) => a.type === 'mdxJsxAttribute' && a.name === 'alt',
      )
      if (existing) existing.value = altText
      else image.node.attributes.push({ type: 'mdxJsxAttribute', name: 'alt', value: altText })
    }
  }
  for (const [node, edits] of htmlEdits) node.value = applyEdits(node.value, edits)
  return changed
}
