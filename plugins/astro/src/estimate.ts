/**
 * What a build will cost, said before it spends: a dry pass (answered from alt-text.json and the
 * cache folder; nothing sent, nothing written) over the Markdown/MDX sources before Astro renders
 * them, and over the built pages before their pass — each time the images to describe, the cached
 * ones and the credits needed against the balance and what is left of `maxCredits`. Over the
 * budget the build fails with one error and nothing is sent for those images. A pass with nothing
 * to describe says nothing and asks the API nothing. A dry build (`dryRun: true`) prints the
 * estimate of the whole build at its end instead.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { createLimiter } from '@alttextapi/core'
import { type Estimate, estimateCost, formatEstimate } from '@alttextapi/core/node'
import { type AltTextRun, createAltTextRun, fillAltText } from '@alttextapi/rehype'
import { fillMarkdownSource } from '@alttextapi/remark'
import type { AstroIntegrationLogger } from 'astro'

const NAME = '@alttextapi/astro'

/**
 * The Markdown and MDX files under `<root>/src` that Astro renders during the build, with the
 * remark step: pages and the like, not `src/content/` — content collections are in no estimate:
 * the content layer renders Markdown entries during content sync, before `astro:build:start`
 * (already described when this runs), MDX entries with the pages; which files a collection
 * renders is its loader's business. The budget holds for them (see the README).
 */
export async function markdownSources(root: string): Promise<string[]> {
  const entries = await readdir(join(root, 'src'), { recursive: true, withFileTypes: true }).catch(
    () => [],
  )
  return entries
    .filter((entry) => entry.isFile() && /\.mdx?$/i.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => {
      const parts = relative(root, path).split(/[\\/]/)
      return !parts.includes('node_modules') && !(parts[0] === 'src' && parts[1] === 'content')
    })
    .sort()
}

/** Images to describe and cached ones of `files`, filled through a dry copy of `run`. */
async function dryPass(
  run: AltTextRun,
  files: readonly string[],
  fill: (text: string, path: string, dry: AltTextRun) => Promise<unknown>,
): Promise<{ planned: number; cached: number }> {
  // The run's own cache: what the build described so far counts as cached, written or not.
  const dry = createAltTextRun({
    ...run.options,
    cache: run.cache ?? false,
    dryRun: true,
    progress: false,
  })
  const limit = createLimiter(4)
  await Promise.all(
    files.map((path) =>
      limit(async () => {
        // A file that cannot be read here is reported by the pass that spends.
        const text = await readFile(path, 'utf8').catch(() => undefined)
        if (text !== undefined) await fill(text, path, dry).catch(() => undefined)
      }),
    ),
  )
  const summary = dry.summary()
  // Cached as the summary line counts them (per image, page-cache hits included).
  return { planned: summary.planned, cached: dry.stats.cached }
}

/** The dry pass over the Markdown/MDX sources (as the remark step will fill them). */
export function estimateMarkdown(run: AltTextRun, files: readonly string[]) {
  return dryPass(run, files, (text, path, dry) => fillMarkdownSource(text, { run: dry, path }))
}

/** The dry pass over the built pages (as the HTML pass will fill them). */
export function estimateBuiltPages(run: AltTextRun, pages: readonly string[]) {
  return dryPass(run, pages, (html, path, dry) => fillAltText(html, { run: dry, path }))
}

/**
 * Logs the estimate of `planned` images (`what`: "Markdown", "pages", "this build") against the
 * balance and what is left of `maxCredits` (the run may have spent some already), and throws the
 * one error of the build when it is over. Nothing is logged or asked when `planned` is 0.
 */
export async function checkEstimate(
  run: AltTextRun,
  counts: { planned: number; cached: number },
  what: string,
  logger: AstroIntegrationLogger,
  options: { model?: string | undefined; maxCredits?: number | undefined },
): Promise<Estimate | undefined> {
  if (counts.planned === 0) return undefined
  const spent = run.summary().creditsUsed
  const left =
    options.maxCredits === undefined ? undefined : Math.max(0, options.maxCredits - spent)
  const estimate = await estimateCost(run.client, {
    ...counts,
    model: options.model,
    maxCredits: left,
  })
  logger.info(`estimate (${what}): ${formatEstimate(estimate)}`)
  if (!estimate.withinBudget)
    throw new Error(
      `${NAME}: this build needs up to ${estimate.creditsNeeded} credits for ${what}, over maxCredits (${options.maxCredits}${spent > 0 ? `, ${spent} already spent` : ''}): nothing was sent for them. Raise maxCredits, or describe fewer images with maxImages.`,
    )
  return estimate
}
