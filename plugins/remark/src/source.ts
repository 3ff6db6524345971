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
import { VFile } from 'vfile'
import { describeImages, documentLanguage } from './describe.js'
import { escapeJsxAttribute, escapeMarkdownAlt } from './escape.js'
import { findImages, type MarkdownImage } from './find-images.js'
import { readFrontMatter } from './frontmatter.js'
import type { Options } from './options.js'
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
}

/** Options of `fillMarkdownSource`. */
export interface SourceOptions extends Options {
  /** The file's path: relative images resolve against it, messages name it. */
  path?: string | undefined
  /** Parse as MDX. Default: when `path` ends in `.mdx`. */
  mdx?: boolean | undefined
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
function editFor(body: string, image: MarkdownImage, alt: string, file: VFile): Edit | undefined {
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
    // Only an empty label (white space at most) is filled: written text is never replaced here.
    if (body.slice(start + 2, close).trim()) return undefined
    return { start: start + 2, end: close, text: escapeMarkdownAlt(alt) }
  }
  if (image.kind === 'jsx') {
    const name = /^<\s*img\b/.exec(body.slice(start, start + 16))
    if (!name) {
      where(file, image, 'the <img> tag was not found where the parser put it')
      return undefined
    }
    const at = start + name[0].length
    return { start: at, end: at, text: ` alt="${escapeJsxAttribute(alt)}"` }
  }
  // Raw HTML: its value is the source text unless a container (`> `, list indent) is cut out of
  // it; then the tag is looked up in the source, and must be there exactly once.
  const { value } = image.node
  const slice = body.slice(start, end)
  let shift = start
  if (slice !== value) {
    const tag = value.slice(image.tag.start, image.tag.end)
    const first = slice.indexOf(tag)
    if (first === -1 || slice.indexOf(tag, first + 1) !== -1) {
      where(file, image, 'the <img> tag spans lines inside a quote or list')
      return undefined
    }
    shift = start + first - image.tag.start
  }
  const tag = image.tag
  const moved = (at: { start: number; end: number }) => ({
    start: at.start + shift,
    end: at.end + shift,
  })
  return altEdit(body, { ...tag, ...moved(tag), alt: tag.alt && moved(tag.alt) }, alt)
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
  const file = new VFile({ value: source, path: options.path })
  const run: AltTextRun = options.run ?? createAltTextRun(options)
  const bom = source.startsWith(BOM) ? BOM : ''
  const body = source.slice(bom.length)
  const mdx = options.mdx ?? /\.mdx$/i.test(options.path ?? '')
  let tree: ReturnType<typeof parseMarkdown>
  try {
    tree = parseMarkdown(body, mdx)
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
  const frontMatter = readFrontMatter(tree, file)
  const images = findImages(tree, frontMatter.title)
  const result = await describeImages(images, run, file, {
    language: documentLanguage(frontMatter.language, options.language ?? run.options.language),
    context: options.context,
    overwrite: false,
  })
  const edits: Edit[] = []
  for (const { image, altText } of result.images) {
    if (altText === undefined) continue
    const edit = editFor(body, image, altText, file)
    if (edit) edits.push(edit)
  }
  const text = edits.length > 0 ? bom + applyEdits(body, edits) : source
  return { text, file, changed: edits.length, result }
}
