/** `rehypeAltText`: the unified attacher, and `processTree`, the transform itself. */
import { displaySource, unsupportedImageReason } from '@alttextapi/core/node'
import type { Parents, Root, RootContent } from 'hast'
import type { Plugin } from 'unified'
import type { VFile } from 'vfile'
import { contextString, languageOf } from './context.js'
import { type FoundImage, findImages } from './find-images.js'
import { lintOption, reportLint } from './lint.js'
import { LONG_ID_PREFIX, longDescriptionBlocked, longDescriptionNode } from './long-description.js'
import { DEFAULTS, type ImageFilter, type RunOptions } from './options.js'
import { checkOptions, RUN_ENTRY, RUN_OPTION_ENTRIES } from './options-schema.js'
import { type DependencyCollector, dependencyOf } from './page-cache.js'
import { failOnStop, reportOutcomes, SOURCE } from './report.js'
import type { FileAltText, ImageResult } from './results.js'
import { type AltTextRun, createAltTextRun, type Options } from './run.js'
import { ImageLoadError, loadImage, refusedRemote } from './source.js'

function matches(filter: ImageFilter | ImageFilter[], src: string, file: VFile): boolean {
  const list = Array.isArray(filter) ? filter : [filter]
  return list.some((f) =>
    typeof f === 'string' ? src.includes(f) : f instanceof RegExp ? f.test(src) : f(src, file),
  )
}

/** True when the image needs describing under the options. */
function wanted(image: FoundImage, options: RunOptions): boolean {
  if (image.alt === 'missing') return true
  if (image.alt === 'decorative') return options.describeDecorative === true
  return options.overwrite === true
}

/** Describes one image and sets its alt; returns the result (never throws). */
async function handle(
  image: FoundImage,
  run: AltTextRun,
  file: VFile,
  fallbackLanguage: string,
  collector: DependencyCollector | undefined,
): Promise<ImageResult> {
  const { options } = run
  const { node, src, tag } = image
  const base = { node, src, tag }
  // After a fatal answer nothing more is read or sent.
  const stopped = run.fatal
  if (stopped) return { ...base, status: 'stopped', reason: stopped.message }
  if (options.include !== undefined && !matches(options.include, src, file))
    return { ...base, status: 'skipped', reason: 'not included' }
  if (options.exclude !== undefined && matches(options.exclude, src, file))
    return { ...base, status: 'skipped', reason: 'excluded' }
  const remoteImages = options.remoteImages ?? DEFAULTS.remoteImages
  let loaded: Awaited<ReturnType<typeof loadImage>>
  try {
    loaded = await run.io(() =>
      loadImage(src, file, {
        publicDir: options.publicDir ?? process.cwd(),
        root: options.root ?? process.cwd(),
        basePath: options.basePath ?? '/',
        // A dry run reaches nothing: remote images are counted by their URL, not downloaded.
        remoteImages: run.dryRun && remoteImages === 'download' ? 'url' : remoteImages,
        fetchTimeoutMs: options.fetchTimeoutMs ?? DEFAULTS.fetchTimeoutMs,
        maxImageBytes: options.maxImageBytes ?? DEFAULTS.maxImageBytes,
        fetch: run.download,
        resolveImage: options.resolveImage,
      }),
    )
  } catch (error) {
    const reason =
      error instanceof ImageLoadError ? error.message : `Could not read image: ${error}`
    return { ...base, status: 'failed', reason }
  }
  if (loaded.kind === 'skip') return { ...base, status: 'skipped', reason: loaded.reason }
  // ...but counts what the real run would: a URL at a private address fails there, unsent.
  if (loaded.kind === 'url' && run.dryRun && remoteImages !== 'skip') {
    const refusedUrl = refusedRemote(loaded.url, {
      remoteImages,
      allowHosts: options.allowHosts,
      fetch: options.fetch,
    })
    if (refusedUrl) return { ...base, status: 'failed', reason: refusedUrl }
  }
  // SVG, AVIF and the rest the API does not read are refused here, before a byte is sent.
  const refused = loaded.kind === 'bytes' ? unsupportedImageReason(loaded.bytes) : undefined
  if (refused) return { ...base, status: 'failed', reason: refused }
  if (collector) {
    const dependency =
      loaded.kind === 'bytes'
        ? dependencyOf(src, loaded.origin, loaded.bytes)
        : dependencyOf(src, undefined, undefined)
    if (dependency) collector.dependencies.push(dependency)
    else collector.cacheable = false
  }
  const contextOption = options.context ?? true
  const context =
    contextOption === false
      ? undefined
      : typeof contextOption === 'function'
        ? contextOption(image.context, file)
        : contextString(image.context)
  const outcome = await run.describe({
    bytes: loaded.kind === 'bytes' ? loaded.bytes : undefined,
    url: loaded.kind === 'url' ? loaded.url : undefined,
    language: languageOf(image.lang, fallbackLanguage),
    context,
    // A link's only content names the link: the API is told, with the target in the context.
    purpose: image.context.linkOnly ? 'link' : undefined,
  })
  // A dry run changes nothing, not even with answers the cache already holds.
  if (outcome.status === 'cached' && run.dryRun) return { ...base, status: 'cached' }
  if (outcome.status === 'described' || outcome.status === 'cached') {
    const paid = { creditsUsed: outcome.creditsUsed, reused: outcome.reused }
    // A decorative answer is a suggestion: applied only when asked, else reported. An empty
    // text is one too (written as alt it would mark the image decorative).
    if (outcome.decorative || !outcome.altText.trim()) {
      if (!options.applyDecorative)
        return { ...base, ...paid, status: 'skipped', reason: DECORATIVE_HINT, decorative: true }
      node.properties.alt = ''
      return { ...base, ...paid, status: outcome.status, altText: '', decorative: true }
    }
    node.properties.alt = outcome.altText
    const machine = (outcome.origin ?? 'machine') === 'machine'
    if (options.markOrigin && machine) node.properties.dataAltOrigin = 'machine'
    return {
      ...base,
      ...paid,
      status: outcome.status,
      altText: outcome.altText,
      origin: outcome.origin,
      longDescription: options.long ? outcome.longDescription : undefined,
    }
  }
  return {
    ...base,
    status: outcome.status,
    reason: 'reason' in outcome ? outcome.reason : undefined,
  }
}

const DECORATIVE_HINT =
  'the API suggests this image is decorative: mark it alt="" if it is (or set applyDecorative)'

/**
 * Fills missing alt text in `tree` (see `Options`), reports on `file`, and returns what happened
 * to each image. A fatal answer of the run is one `file.fail` (one message with `failOnError:
 * false`), not a message per image; with `failOnError: true`, the first failure throws as well.
 */
export async function processTree(
  tree: Root,
  file: VFile,
  run: AltTextRun,
  /** @internal Collects the images read, for the page cache. */
  collector?: DependencyCollector,
): Promise<FileAltText> {
  const result = await processImages(findImages(tree), file, run, collector)
  const placed = result.images.filter((r) => r.longDescriptionId && r.longDescription)
  if (placed.length > 0) {
    const at = new Map(placed.map((r) => [r.node, r]))
    // The image itself, or for a <picture> the images in it: their text goes after that element.
    const placedAt = (child: RootContent): FileAltText['images'] => {
      if (child.type !== 'element') return []
      const inside = child.tagName === 'picture' ? child.children : [child]
      const found: FileAltText['images'] = []
      for (const node of inside) {
        const r = node.type === 'element' ? at.get(node) : undefined
        if (r?.longDescriptionId && r.longDescription) found.push(r)
      }
      return found
    }
    const walk = (parent: Parents) => {
      for (let i = 0; i < parent.children.length; i++) {
        const child = parent.children[i] as RootContent
        const here = placedAt(child)
        if (here.length > 0) {
          const spans = here.map((r) =>
            longDescriptionNode(r.longDescriptionId as string, r.longDescription as string),
          )
          parent.children.splice(i + 1, 0, ...spans)
          i += spans.length
        } else if ('children' in child) walk(child)
      }
    }
    walk(tree)
  }
  return result
}

/**
 * `processTree` on images already found (by `findImages` or `scanHtml`): the alt text is set on
 * each image's `node`; the caller writes it wherever the page lives.
 */
export async function processImages(
  found: FoundImage[],
  file: VFile,
  run: AltTextRun,
  /** @internal Collects the images read, for the page cache. */
  collector?: DependencyCollector,
): Promise<FileAltText> {
  const { options } = run
  const fallback = languageOf(options.language, DEFAULTS.language)
  const lint = lintOption(options.lint)
  // Only a language someone gave (`lang`, the option) is compared, never the default `en`.
  if (lint) reportLint(found, file, lint, options.language)
  const images = found.filter((image) => wanted(image, options))
  const indexOf = new Map(found.map((image, i) => [image, i]))
  run.progress?.queue(images.length)
  const results = await Promise.all(
    images.map(async (image) => {
      const result = await handle(image, run, file, fallback, collector)
      run.progress?.settle()
      return result
    }),
  )
  results.forEach((result, i) => {
    const image = images[i] as FoundImage
    if (result.longDescription === undefined) return
    // A tree can always take the text after a <picture>; a page edited in place needs its end.
    const pictureEnd = image.tag ? image.tag.afterPicture !== undefined : true
    const blocked = longDescriptionBlocked(result.node, image.parentTag, pictureEnd)
    if (blocked) {
      result.longDescription = undefined
      file.message(
        `Long description not written${result.src ? ` (${displaySource(result.src)})` : ''}: ${blocked}`,
        {
          place: result.node.position,
          source: SOURCE,
          ruleId: 'long-description',
        },
      )
      return
    }
    const id = `${LONG_ID_PREFIX}${indexOf.get(image) ?? i}`
    result.longDescriptionId = id
    result.node.properties.ariaDescribedBy = id
  })
  const outcomes = results.map((result) => ({ ...result, place: result.node.position }))
  const stats = reportOutcomes(file, run, outcomes, { decorative: DECORATIVE_HINT })
  const data: FileAltText = { stats, images: results }
  file.data.altText = data
  failOnStop(file, run, outcomes)
  return data
}

/**
 * rehype plugin: gives every `<img>` without `alt` a description from the AltText API. Images
 * with `alt=""` (decorative) and with alt text are left alone unless the options say otherwise.
 * Problems are reported with `file.message` and leave the image as it was.
 */
const rehypeAltText: Plugin<[(Options | null | undefined)?], Root> = (options) => {
  // A wrong option fails here, when unified attaches the plugin (before any file), naming it.
  const checked = checkOptions<Options>(
    '@alttextapi/rehype',
    { ...RUN_OPTION_ENTRIES, run: RUN_ENTRY },
    options,
  )
  const run = checked.run ?? createAltTextRun(checked)
  return async (tree, file) => {
    await processTree(tree, file, run)
  }
}

export default rehypeAltText
