/**
 * Describing the images a tree needs described, through the run of `@alttextapi/rehype` (core's
 * `createDescriber` underneath: concurrency, dedupe, cache, budget, batches, the fatal stop), and
 * reporting on the file the way the rehype plugin does: one message per problem, with its place,
 * and one `file.fail` for a fatal answer.
 */

import { dirname } from 'node:path'
import { formatContext, toLanguageTag } from '@alttextapi/core'
import {
  type AltTextRun,
  DEFAULTS,
  failOnStop,
  ImageLoadError,
  type LoadedImage,
  loadImage,
  refusedRemote,
  reportOutcomes,
} from '@alttextapi/rehype'
import type { VFile } from 'vfile'
import type { MarkdownImage } from './find-images.js'
import type { Options } from './options.js'
import type { MarkdownAltText, MarkdownImageResult } from './results.js'

/** Shown when the API answers "decorative": this plugin never writes that for the author. */
export const DECORATIVE_HINT =
  'the API suggests this image is decorative: if it is, write it as <img src="…" alt=""> (never done for you)'

/** What `describeImages` needs besides the run. */
export interface DescribeSettings {
  /** The document's language (front matter), else the options', else `en`. */
  language: string
  context: Options['context']
  overwrite: boolean
  /**
   * Ask for new descriptions instead of cached machine text (`alttext lint --source --fix`). An
   * image whose cached text a person wrote is not described: it ends `skipped` with `KEPT_BY_PERSON`.
   */
  fresh?: boolean | undefined
}

/** Why `fresh` left an image alone: a person wrote its text (DESIGN "Provenance"). */
export const KEPT_BY_PERSON = "a person wrote this image's alt text (alt-text.json)"

async function describeOne(
  image: MarkdownImage,
  run: AltTextRun,
  file: VFile,
  settings: DescribeSettings,
): Promise<MarkdownImageResult> {
  const { options } = run
  const stopped = run.fatal
  if (stopped) return { image, status: 'stopped', reason: stopped.message }
  const filters = (list: unknown) => (Array.isArray(list) ? list : [list])
  const matches = (filter: unknown) =>
    filters(filter).some((f) =>
      typeof f === 'string'
        ? image.src.includes(f)
        : f instanceof RegExp
          ? f.test(image.src)
          : typeof f === 'function' && f(image.src, file),
    )
  if (options.include !== undefined && !matches(options.include))
    return { image, status: 'skipped', reason: 'not included' }
  if (options.exclude !== undefined && matches(options.exclude))
    return { image, status: 'skipped', reason: 'excluded' }
  let loaded: LoadedImage
  const remote = options.remoteImages ?? DEFAULTS.remoteImages
  try {
    loaded = await run.io(() =>
      loadImage(image.src, file, {
        publicDir: options.publicDir ?? process.cwd(),
        root: options.root ?? process.cwd(),
        basePath: '/',
        // A dry run reaches nothing: remote images are counted by their URL, not downloaded.
        remoteImages: run.dryRun && remote === 'download' ? 'url' : remote,
        fetchTimeoutMs: options.fetchTimeoutMs ?? DEFAULTS.fetchTimeoutMs,
        maxImageBytes: options.maxImageBytes ?? DEFAULTS.maxImageBytes,
        fetch: run.download,
        resolveImage: options.resolveImage,
      }),
    )
  } catch (error) {
    const reason =
      error instanceof ImageLoadError ? error.message : `Could not read image: ${error}`
    return { image, status: 'failed', reason }
  }
  if (loaded.kind === 'skip') return { image, status: 'skipped', reason: loaded.reason }
  // A dry run counts what the real run would: a URL at a private address fails there, unsent.
  if (loaded.kind === 'url' && run.dryRun && remote !== 'skip') {
    const refused = refusedRemote(loaded.url, {
      remoteImages: remote,
      allowHosts: options.allowHosts,
      fetch: options.fetch,
    })
    if (refused) return { image, status: 'failed', reason: refused }
  }
  const option = settings.context ?? true
  const context =
    option === false
      ? undefined
      : typeof option === 'function'
        ? option(image.context, file)
        : formatContext(image.context)
  const outcome = await run.describe({
    bytes: loaded.kind === 'bytes' ? loaded.bytes : undefined,
    url: loaded.kind === 'url' ? loaded.url : undefined,
    language: settings.language,
    context,
    // A link's only content names the link: the API is told (the target is in the context).
    purpose: purposeOf(image),
    fresh: settings.fresh,
  })
  if (
    settings.fresh &&
    outcome.status === 'cached' &&
    (outcome.origin === 'human' || outcome.origin === 'edited')
  )
    return { image, status: 'skipped', reason: KEPT_BY_PERSON }
  if (outcome.status === 'cached' && run.dryRun) return { image, status: 'cached' }
  if (outcome.status === 'described' || outcome.status === 'cached') {
    const paid = { creditsUsed: outcome.creditsUsed, reused: outcome.reused }
    const altText = outcome.altText.replace(/\s+/g, ' ').trim()
    // Markdown has no decorative form of `![](…)`: a decorative answer is only ever reported.
    if (!altText || outcome.decorative)
      return { image, ...paid, status: 'skipped', reason: DECORATIVE_HINT }
    return { image, ...paid, status: outcome.status, altText }
  }
  return { image, status: outcome.status, reason: 'reason' in outcome ? outcome.reason : undefined }
}

/** What an image ended as, without the image (what the per-run memo keeps). */
type Ending = Omit<MarkdownImageResult, 'image'>

/**
 * Per run: the ending of each image source already seen, by where it points (the file's folder
 * and the source as written, or the URL) and the language. A site references the same picture
 * from many pages; reading, hashing and looking it up once per run instead of once per reference
 * made `alttext fix --source` over 1,000 posts (3,000 references of 200 images) markedly faster
 * (see BENCHMARKS.md). Keyed by the language and purpose too; off with `resolveImage`, whose answer
 * may depend on the file, and with `cacheByContext`, whose answer depends on the context.
 */
const seen = new WeakMap<AltTextRun, Map<string, Promise<Ending>>>()

function memoKey(image: MarkdownImage, file: VFile, language: string): string | undefined {
  const { src } = image
  if (!src || /^data:/i.test(src)) return undefined
  // What the answer depends on besides the picture: the language and the purpose (a link's only
  // image names the link), as core's cache key has them.
  const asked = `${language}\0${purposeOf(image) ?? 'content'}`
  if (/^(https?:)?\/\//i.test(src)) return `${asked}\0url\0${src}`
  if (src.startsWith('/')) return `${asked}\0public\0${src}`
  if (!file.path) return undefined
  return `${asked}\0${dirname(file.path)}\0${src}`
}

/** The purpose the API is told: `link` for a link's only content, else none (content). */
function purposeOf(image: MarkdownImage): 'link' | undefined {
  return image.context.link?.only ? 'link' : undefined
}

/** Describes `image`, or follows an identical source of this run (then `cached`, not sent). */
async function describeOnce(
  image: MarkdownImage,
  run: AltTextRun,
  file: VFile,
  settings: DescribeSettings,
): Promise<MarkdownImageResult> {
  // Off when the answer may differ per reference: a resolver's, or one cached by its context.
  const key =
    run.options.resolveImage || run.options.cacheByContext
      ? undefined
      : memoKey(image, file, settings.language)
  if (key === undefined) return describeOne(image, run, file, settings)
  let memo = seen.get(run)
  if (!memo) {
    memo = new Map()
    seen.set(run, memo)
  }
  const earlier = memo.get(key)
  if (!earlier) {
    const first = describeOne(image, run, file, settings)
    memo.set(
      key,
      first.then(({ image: _, ...ending }) => ending),
    )
    return first
  }
  const ending = await earlier
  const stopped = run.fatal
  if (
    ending.status === 'stopped' ||
    (stopped && ending.status !== 'described' && ending.status !== 'cached')
  )
    return { image, status: 'stopped', reason: stopped?.message ?? ending.reason }
  if (ending.status === 'described') return { image, status: 'cached', altText: ending.altText }
  // The first reference paid for the image: the others of this run cost nothing.
  const { creditsUsed: _, reused: __, ...unpaid } = ending
  return { image, ...unpaid }
}

/** True when the image is to be described under the settings. */
export function wanted(image: MarkdownImage, overwrite: boolean): boolean {
  return image.state === 'missing' || (overwrite && image.state === 'present')
}

/** The document language: front matter, else the option, else `en`. */
export function documentLanguage(frontMatter: string | undefined, option: string | undefined) {
  return toLanguageTag(frontMatter) ?? toLanguageTag(option) ?? DEFAULTS.language
}

/**
 * Describes `images` (those `wanted`), reports on `file` and returns what happened; sets
 * `file.data.markdownAltText`. A fatal answer is one `file.fail` (one message with
 * `failOnError: false`); with `failOnError: true` the first failure fails the file too.
 */
export async function describeImages(
  images: MarkdownImage[],
  run: AltTextRun,
  file: VFile,
  settings: DescribeSettings,
): Promise<MarkdownAltText> {
  const todo = images.filter((image) => wanted(image, settings.overwrite))
  const results = await Promise.all(todo.map((image) => describeOnce(image, run, file, settings)))
  const outcomes = results.map((result) => ({
    ...result,
    src: result.image.src,
    place: result.image.position,
  }))
  const stats = reportOutcomes(file, run, outcomes, {
    decorative: DECORATIVE_HINT,
    kept: KEPT_BY_PERSON,
  })
  const data: MarkdownAltText = { stats, images: results }
  file.data.markdownAltText = data
  failOnStop(file, run, outcomes)
  return data
}
