/**
 * `fillAltText`: the transform on an HTML string that changes nothing but the alt attributes it
 * adds. The page is read by parse5's tokenizer without building a tree (`scanHtml`), which gives
 * each image's start tag and `alt` attribute by source offset; only the new `alt="…"` values are
 * spliced into the original text.
 */
import { VFile } from 'vfile'
import { longDescriptionHtml } from './long-description.js'
import { type DependencyCollector, pageEntry, standInNode } from './page-cache.js'
import { processImages } from './plugin.js'
import type { FileAltText } from './results.js'
import { type AltTextRun, createAltTextRun, type Options } from './run.js'
import { scanHtml } from './scan.js'
import { altEdit, applyEdits, attributesEdit, type Edit } from './start-tag.js'
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
      // A dry run changes nothing: it learns only that the page has nothing left to describe.
      if (run.dryRun) return { html, file, changed: 0, result }
      return { html: hit.html, file, changed: hit.changed, result }
    }
  }
  const collector: DependencyCollector | undefined = pages
    ? { dependencies: [], cacheable: true }
    : undefined
  const scanned = scanHtml(html)
  for (const problem of scanned.problems) {
    if (collector) collector.cacheable = false
    file.message(`Broken HTML (${problem.code}): ${problem.message}`, {
      place: { line: problem.line, column: problem.column, offset: problem.offset },
      source: 'alttextapi',
      ruleId: 'broken-html',
    })
  }
  const result = await processImages(scanned.images, file, run, collector)
  const edits: Edit[] = []
  for (const image of result.images) {
    if (image.altText === undefined || !image.tag) continue
    edits.push(altEdit(html, image.tag, image.altText))
    // Set by processImages when asked (`markOrigin`, `long`): written after the alt.
    const extra: Record<string, string> = {}
    if (image.node.properties.dataAltOrigin === 'machine') extra['data-alt-origin'] = 'machine'
    if (image.longDescriptionId && image.longDescription) {
      extra['aria-describedby'] = image.longDescriptionId
      // In <picture> (only <source> and <img> allowed there): after </picture>.
      const at = image.tag.afterPicture ?? image.tag.end
      edits.push({
        start: at,
        end: at,
        text: longDescriptionHtml(image.longDescriptionId, image.longDescription),
      })
    }
    if (Object.keys(extra).length > 0) edits.push(attributesEdit(html, image.tag, extra))
  }
  const output = edits.length > 0 ? applyEdits(html, edits) : html
  if (pages && key && collector) {
    const entry = pageEntry(output, edits.length, result.images, collector, file.messages.length)
    if (entry) await pages.set(key, entry)
  }
  return { html: output, file, changed: edits.length, result }
}
