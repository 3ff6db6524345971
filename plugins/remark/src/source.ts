/**
 * `fillMarkdownSource`: fills missing alt text in the text of a Markdown/MDX file, changing only
 * the characters between `[` and `]` of each image (or adding an `alt` attribute to an HTML or
 * JSX `<img>`): every other character of the file stays, line endings and byte order mark
 * included. What `alttext fix --source` writes.
 */
import {
  type AltTextRun,
  altEdit,
  applyEdits,
  createAltTextRun,
  type Edit,
  emptyStats,
} from '@alttextapi/rehype'
import type { Root } from 'mdast'
import { VFile } from 'vfile'
import { valueToSource } from './container-offsets.js'
import { describeImages, documentLanguage, wanted } from './describe.js'
import { escapeJsxAttribute, escapeMarkdownAlt } from './escape.js'
import { findImages, type MarkdownImage } from './find-images.js'
import { type FrontMatter, readFrontMatter } from './frontmatter.js'
import type { Options } from './options.js'
import { checkSourceOptions } from './options-schema.js'
import { parseMarkdown } from './parse.js'
import type { MarkdownAltText } from './results.js'

/** The result of `fillMarkdownSource`. */
export interface SourceFillResult {
  /** The new text (the same string when nothing changed). */
  text: string
  /** The file, with messages and `file.data.markdownAltText`. */
  file: VFile
  /** Alt texts written. */
  changed: number
  result: MarkdownAltText
  /** The tree of the text read (undefined when it could not be parsed): pass it back as `tree`. */
  tree?: Root | undefined
}

/** Options of `fillMarkdownSource`. */
export interface SourceOptions extends Options {
  /** The file's path: relative images resolve against it, messages name it. */
  path?: string | undefined
  /** Parse as MDX. Default: when `path` ends in `.mdx`. */
  mdx?: boolean | undefined
  /**
   * The tree an earlier call returned for this very `source` (the estimate's dry pass before a
   * real run): not parsed again. Parsing is most of the work on a warm cache.
   */
  tree?: Root | undefined
  /**
   * Regenerate the alt text of the images with alt text this returns true for (`alttext lint
   * --source --fix`: the images a lint rule flagged), asking the API for new text (`fresh`)
   * instead of filling missing alt. Text a person wrote (`human`/`edited` in the run's cache) is
   * kept and reported. Markdown labels and HTML `alt` attributes are replaced; the `alt` of a JSX
   * `<img>` is reported, not rewritten.
   */
  regenerate?: ((image: MarkdownImage) => boolean) | undefined
}

const BOM = '\uFEFF'

function where(file: VFile, image: MarkdownImage, why: string) {
  file.message(`Alt text not written: ${why}`, {
    place: image.position,
    source: 'alttextapi',
    ruleId: 'not-written',
  })
}

/** The edit that writes `alt` for `image` into `body`, or undefined (reported) when it cannot. */
function editFor(
  body: string,
  image: MarkdownImage,
  alt: string,
  file: VFile,
  replace = false,
): Edit | undefined {
  const start = image.node.position?.start.offset
  const end = image.node.position?.end.offset
  if (start === undefined || end === undefined) {
    where(file, image, 'the image has no source position')
    return undefined
  }
  if (image.kind === 'markdown') {
    const close = body.indexOf(']', start + 2)
    if (body.slice(start, start + 2) !== '![' || close === -1 || close > end) {
      where(file, image, 'the image syntax was not found where the parser put it')
      return undefined
    }
    // Only an empty label (white space at most) is filled: written text is replaced only when
    // regenerating (`replace`), and a label with `]` inside (escaped or nested) is left alone.
    const label = body.slice(start + 2, close)
    if (label.trim() && !replace) return undefined
    // The label as written must read as the parsed alt (escapes undone): else `]` was inside it,
    // or markup was (`*emphasis*`), and the first `]` is not the label's end. Reported, not guessed.
    if (replace && label.replace(/\\([!-/:-@[-`{-~])/g, '$1') !== image.node.alt) {
      where(file, image, 'its label has brackets or markup inside: edit it by hand')
      return undefined
    }
    return { start: start + 2, end: close, text: escapeMarkdownAlt(alt) }
  }
  if (image.kind === 'jsx') {
    if (replace) {
      where(file, image, 'the alt of a JSX <img> is not rewritten: edit it by hand')
      return undefined
    }
    const name = /^<\s*img\b/.exec(body.slice(start, start + 16))
    if (!name) {
      where(file, image, 'the <img> tag was not found where the parser put it')
      return undefined
    }
    const at = start + name[0].length
    return { start: at, end: at, text: ` alt="${escapeJsxAttribute(alt)}"` }
  }
  // Raw HTML: its value is the source text, except that inside a block quote or a list item each
  // continuation line lost the container's prefix (`> `, indentation): offsets are mapped back
  // line by line, so the prefix of every line stays as written.
  const map = valueToSource(body, start, end, image.node.value)
  if (!map) {
    where(file, image, 'the <img> tag was not found in the source where the parser put it')
    return undefined
  }
  const { tag } = image
  // A stretch is mapped by its first and last character: `>` (or `/>`) may be lines after `<`.
  const span = (at: { start: number; end: number }) => ({
    start: map(at.start),
    end: map(at.end - 1) + 1,
  })
  const altAt = tag.alt && span(tag.alt)
  // An `alt` that spans lines would have a prefix inside it: not replaced (only a missing `alt`
  // is written in source mode, so this is the `overwrite` of a later version, not a loss now).
  if (tag.alt && altAt && altAt.end - altAt.start !== tag.alt.end - tag.alt.start) {
    where(file, image, 'its alt attribute spans lines inside a quote or list')
    return undefined
  }
  return altEdit(body, { ...tag, ...span(tag), alt: altAt }, alt)
}

/**
 * Fills missing alt text in `source` (the text of a `.md`/`.mdx` file) and returns the new text.
 * Images with alt text and decorative ones (`<img alt="">`) are left alone; `overwrite` does not
 * apply here. Pass `run` to share a run; else `options` make one.
 */
export async function fillMarkdownSource(
  source: string,
  options: SourceOptions = {},
): Promise<SourceFillResult> {
  checkSourceOptions(options)
  const file = new VFile({ value: source, path: options.path })
  const run: AltTextRun = options.run ?? createAltTextRun(options)
  const bom = source.startsWith(BOM) ? BOM : ''
  const body = source.slice(bom.length)
  const mdx = options.mdx ?? /\.mdx$/i.test(options.path ?? '')
  let tree: Root
  try {
    tree = options.tree ?? parseMarkdown(body, mdx)
  } catch (error) {
    // MDX that does not compile (broken JSX) is reported on the file, which stays as it was.
    const place = (error as { place?: unknown }).place
    file.message(`Could not parse the file: ${(error as Error).message}`, {
      place: place as never,
      source: 'alttextapi',
      ruleId: 'parse',
    })
    const result: MarkdownAltText = { stats: emptyStats(), images: [] }
    file.data.markdownAltText = result
    return { text: source, file, changed: 0, result }
  }
  const { regenerate } = options
  const found = findImages(tree)
  const images = regenerate
    ? found.filter((image) => image.state === 'present' && regenerate(image))
    : found
  // The front matter (title and language) only matters for images to describe: a file whose
  // images all have alt text is not read for it (most files of a second run).
  const frontMatter = images.some((image) => wanted(image, regenerate !== undefined))
    ? readFrontMatter(tree, file)
    : ({} as FrontMatter)
  for (const image of images) image.context.title = frontMatter.title
  const result = await describeImages(images, run, file, {
    language: documentLanguage(frontMatter.language, options.language ?? run.options.language),
    context: options.context,
    overwrite: regenerate !== undefined,
    fresh: regenerate !== undefined,
  })
  const edits: Edit[] = []
  for (const { image, altText } of result.images) {
    if (altText === undefined) continue
    const edit = editFor(body, image, altText, file, regenerate !== undefined)
    if (edit) edits.push(edit)
  }
  const text = edits.length > 0 ? bom + applyEdits(body, edits) : source
  return { text, file, changed: edits.length, result, tree }
}
