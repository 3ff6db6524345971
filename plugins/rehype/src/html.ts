/**
 * `fillAltText`: the transform on an HTML string that changes nothing but the alt attributes it
 * adds. The page is parsed with rehype-parse (which keeps source offsets), the images are
 * described on the tree, and only the new `alt="…"` attributes are spliced into the original text.
 */
import type { Root } from 'hast'
import rehypeParse from 'rehype-parse'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { type DependencyCollector, pageEntry, standInNode } from './page-cache.js'
import { processTree } from './plugin.js'
import type { FileAltText } from './results.js'
import { type AltTextRun, createAltTextRun, type Options } from './run.js'
import { applyEdits, type Edit, setAttributeEdit } from './start-tag.js'
import { emptyStats } from './stats.js'

/** The result of `fillAltText`. */
export interface FillResult {
  /** The page with the added alt attributes (the same string when nothing changed). */
  html: string
  /** The file, with messages (`file.messages`) and `file.data.altText`. */
  file: VFile
  /** Alt attributes written. */
  changed: number
  result: FileAltText
}

const parser = unified().use(rehypeParse)

/**
 * Fills missing alt text in `html`. `path` (the page's file) resolves relative image paths and
 * names the file in messages. Pass `run` to share a run; else `options` make one.
 *
 * An unchanged page whose images are unchanged comes from the run's page cache (see
 * `page-cache.ts`): the same output, its images counted as cached, and in `result.images`
 * stand-in nodes without a source position.
 */
export async function fillAltText(
  html: string,
  options: { path?: string | undefined; run?: AltTextRun | undefined } & Options = {},
): Promise<FillResult> {
  const file = new VFile({ value: html, path: options.path })
  const run = options.run ?? createAltTextRun(options)
  const pages = run.pages
  const key = pages?.key(html, file.path || undefined)
  if (pages && key) {
    const hit = await pages.get(key, file)
    if (hit) {
      const stats = emptyStats()
      const images = hit.images.map((image) => {
        stats.images++
        run.stats.images++
        stats[image.status]++
        run.stats[image.status]++
        return { ...image, node: standInNode(image) }
      })
      const result: FileAltText = { stats, images }
      file.data.altText = result
      return { html: hit.html, file, changed: hit.changed, result }
    }
  }
  const collector: DependencyCollector | undefined = pages
    ? { dependencies: [], cacheable: true }
    : undefined
  const tree = parser.parse(file) as Root
  const result = await processTree(tree, file, run, collector)
  const edits: Edit[] = []
  for (const image of result.images) {
    if (image.altText === undefined) continue
    const start = image.node.position?.start.offset
    // An element the parser made up (no source position) cannot be edited in place.
    if (start === undefined || html[start] !== '<') {
      file.message('Image has no source position: alt not written', {
        place: image.node.position,
        source: 'alttextapi',
        ruleId: 'no-position',
      })
      continue
    }
    edits.push(setAttributeEdit(html, start, 'alt', image.altText))
  }
  const output = edits.length > 0 ? applyEdits(html, edits) : html
  if (pages && key && collector) {
    const entry = pageEntry(output, edits.length, result.images, collector, file.messages.length)
    if (entry) await pages.set(key, entry)
  }
  return { html: output, file, changed: edits.length, result }
}
