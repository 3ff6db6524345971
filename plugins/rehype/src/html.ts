/**
 * `fillAltText`: the transform on an HTML string that changes nothing but the alt attributes it
 * adds. The page is parsed with rehype-parse (which keeps source offsets), the images are
 * described on the tree, and only the new `alt="…"` attributes are spliced into the original text.
 */
import type { Root } from 'hast'
import rehypeParse from 'rehype-parse'
import { unified } from 'unified'
import { VFile } from 'vfile'
import type { Options } from './options.js'
import { type FileAltText, processTree } from './plugin.js'
import { type AltTextRun, createAltTextRun } from './run.js'
import { applyEdits, type Edit, setAttributeEdit } from './start-tag.js'

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
 */
export async function fillAltText(
  html: string,
  options: { path?: string | undefined; run?: AltTextRun | undefined } & Options = {},
): Promise<FillResult> {
  const file = new VFile({ value: html, path: options.path })
  const run = options.run ?? createAltTextRun(options)
  const tree = parser.parse(file) as Root
  const result = await processTree(tree, file, run)
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
  return {
    html: edits.length > 0 ? applyEdits(html, edits) : html,
    file,
    changed: edits.length,
    result,
  }
}
