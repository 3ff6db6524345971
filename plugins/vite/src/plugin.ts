/**
 * The Vite plugin: fills missing alt text in the HTML a build emits — the pages Vite builds and
 * the HTML other plugins put in the bundle — in `generateBundle`. Only `alt` attributes are
 * spliced in: the rest of each page stays as Vite wrote it.
 */
import { join, relative, resolve } from 'node:path'
import {
  budgetStop,
  createBuildCache,
  displaySource,
  estimateCost,
  formatEstimate,
  type RunSummary,
  sanitizeForTerminal,
} from '@alttextapi/core/node'
import {
  type AltTextRun,
  createAltTextRun,
  DEFAULTS,
  type FillResult,
  fillAltText,
  formatStats,
  loadImage,
  type Options as RehypeOptions,
} from '@alttextapi/rehype'
import { loadEnv, type Plugin, type ResolvedConfig, type Rollup } from 'vite'

type OutputBundle = Rollup.OutputBundle

import { assetBytes, bundleFileName, underAbsoluteBase } from './bundle.js'
import { type AltTextViteOptions, checkViteOptions } from './options.js'
import { type BuildProgress, createBuildProgress } from './progress.js'

const NAME = 'alttextapi'
const normalize = (path: string) => path.split('\\').join('/')

type VFile = Parameters<NonNullable<RehypeOptions['resolveImage']>>[1]

/** Sends a file's messages to Vite's logger as `file:line:column: reason`. */
function report(config: ResolvedConfig, result: FillResult): void {
  for (const message of result.file.messages) {
    const reason = message.reason
    const where = `${normalize(relative(config.root, result.file.path || ''))}:${message.line ?? 0}:${message.column ?? 0}`
    const line = `[${NAME}] ${sanitizeForTerminal(where)}: ${sanitizeForTerminal(reason)}`
    // The run's fatal stop is reported once for the whole build, not per page.
    if (message.ruleId === 'fatal') continue
    if (message.fatal === false) config.logger.warn(line)
    else config.logger.info(line)
  }
}

/** The text of an emitted page. */
const pageText = (output: Rollup.OutputAsset) =>
  typeof output.source === 'string' ? output.source : new TextDecoder().decode(output.source)

/**
 * Before a real build spends: the pages filled through a dry copy of `run` (answered from
 * alt-text.json and the cache folder; nothing sent, nothing changed), then — when an image needs
 * describing — the estimate against the balance and `maxCredits` in the log. Resolves to the one
 * error of a build over its budget, else undefined. Nothing is logged or asked when nothing needs
 * describing (a warm build makes no request).
 */
async function estimateFirst(
  run: AltTextRun,
  pages: readonly Rollup.OutputAsset[],
  config: ResolvedConfig,
  options: AltTextViteOptions,
): Promise<string | undefined> {
  const dry = createAltTextRun({
    ...run.options,
    cache: run.cache ?? false,
    dryRun: true,
    progress: false,
    onProgress: undefined,
  })
  await Promise.all(
    pages.map((output) =>
      fillAltText(pageText(output), { run: dry, path: join(config.build.outDir, output.fileName) }),
    ),
  )
  const summary = dry.summary()
  if (summary.planned === 0) return undefined
  const estimate = await estimateCost(run.client, {
    planned: summary.planned,
    // Counted per image as the summary line counts them (page-cache hits included).
    cached: dry.stats.cached,
    model: options.model,
    maxCredits: options.maxCredits,
  })
  config.logger.info(`[${NAME}] estimate: ${formatEstimate(estimate)}`)
  if (estimate.withinBudget) return undefined
  return `[${NAME}] this build needs up to ${estimate.creditsNeeded} credits, over maxCredits (${options.maxCredits}): nothing was sent. Raise maxCredits, or describe fewer images with maxImages.`
}

/**
 * Creates the plugin. The API key comes from `apiKey`, else `ALTTEXT_API_KEY` in the environment
 * or in Vite's `.env` files; `ALTTEXT_API_URL` likewise.
 *
 * Every HTML page of the output — the pages Vite builds from `index.html` inputs and the HTML
 * other plugins emit — is filled in `generateBundle`, all pages at once. Vite runs
 * `transformIndexHtml` one page after another, so doing the work there would limit the API calls
 * in flight to the images of a single page; here the run's `concurrency` is the only limit.
 */
export function altText(given: AltTextViteOptions = {}): Plugin {
  // A wrong option fails here, when vite.config is read, with one message naming it.
  const options = checkViteOptions(given)
  /**
   * The config last resolved. With Vite's environments API each environment's build resolves its
   * own (its `outDir`…), all before the first build: the hooks of a build use their environment's.
   */
  let lastConfig: ResolvedConfig
  /** Set when there is no key: the build goes on untouched, and makes no network request. */
  let disabled = false
  /** The no-key warning is printed once, not once per environment. */
  let warnedNoKey = false

  const loadAltTextEnv = (config: ResolvedConfig) =>
    loadEnv(config.mode, config.envDir || config.root, 'ALTTEXT_')
  const apiKeyOf = (env: Record<string, string>): string | undefined =>
    options.apiKey ?? process.env.ALTTEXT_API_KEY ?? env.ALTTEXT_API_KEY

  /** The counters a progress line shows. */
  const statusOf = (s: Readonly<RunSummary>) =>
    `${s.described} described, ${s.cached + s.shared} cached, ${s.failed} failed, ${s.creditsUsed} ${s.creditsUsed === 1 ? 'credit' : 'credits'}`

  const startRun = (
    config: ResolvedConfig,
    bundle: OutputBundle,
    progress: () => BuildProgress | undefined,
  ): AltTextRun => {
    const env = loadAltTextEnv(config)
    const { summary: _summary, onError: _onError, progress: _progress, ...rehypeOptions } = options
    const outDir = config.build.outDir
    const cacheDir = options.cacheDir ?? join(config.root, 'node_modules', '.cache', 'alttextapi')
    // The default cache, with the committed file at the project root (Vite's root, not the cwd).
    // Its problems are told when it is first read — before anything is sent, and not at all when
    // every page comes from the page cache (then the file was not edited by hand since).
    const buildCache = () =>
      createBuildCache({
        root: config.root,
        file:
          options.cacheFile === false
            ? false
            : resolve(config.root, options.cacheFile ?? 'alt-text.json'),
        dir: cacheDir,
        readOnly: options.dryRun === true,
        onProblems: (problems) => {
          for (const problem of problems)
            config.logger.warn(
              `[${NAME}] ${sanitizeForTerminal(normalize(relative(config.root, problem)))} — this file is ignored and left as it is: fix it, or its images are described (and charged) again`,
            )
        },
      })
    // Images a page points at are in the bundle (not on disk yet): find them by their URL.
    const fromBundle = (src: string, file: VFile): Uint8Array | undefined => {
      const page = normalize(relative(outDir, file.path || ''))
      const fileName = bundleFileName(src, page, config.base)
      return fileName ? assetBytes(bundle, fileName) : undefined
    }
    const publicDir = options.publicDir ?? (config.publicDir || config.root)
    const root = options.root ?? config.root
    // With an absolute `base` (a CDN), a URL under it that is not in the bundle is a public file:
    // read like a root-relative source (same containment), not downloaded from the CDN.
    const fromPublicDir = async (src: string, file: VFile): Promise<Uint8Array | undefined> => {
      const local = underAbsoluteBase(src, config.base)
      if (local === undefined) return undefined
      const loaded = await loadImage(local, file, {
        publicDir,
        root,
        basePath: '/',
        remoteImages: 'skip',
        fetchTimeoutMs: options.fetchTimeoutMs ?? DEFAULTS.fetchTimeoutMs,
        maxImageBytes: options.maxImageBytes ?? DEFAULTS.maxImageBytes,
        fetch: globalThis.fetch,
      })
      return loaded.kind === 'bytes' ? loaded.bytes : undefined
    }
    return createAltTextRun({
      ...rehypeOptions,
      apiKey: apiKeyOf(env),
      baseUrl: options.baseUrl ?? process.env.ALTTEXT_API_URL ?? env.ALTTEXT_API_URL,
      publicDir,
      root,
      basePath: options.basePath ?? (config.base.startsWith('/') ? config.base : '/'),
      cacheDir,
      cache: options.cache ?? buildCache(),
      onProgress: (event) => {
        options.onProgress?.(event)
        progress()?.status(statusOf(event.summary))
      },
      resolveImage: async (src, file) =>
        (await options.resolveImage?.(src, file)) ??
        fromBundle(src, file) ??
        (await fromPublicDir(src, file)),
      // Both kinds of failure are decided below, once for the build, not by a page throwing.
      failOnError: false,
      // The plugin draws its own progress (per page).
      progress: false,
    })
  }

  /**
   * The run of each environment's build: with Vite's environments API an app builds several
   * (an SSR one has no pages), one after another or at once.
   */
  const runs = new WeakMap<object, AltTextRun>()
  const noEnvironment = {}
  /** The environment of a hook's build, and its config. */
  const buildOf = (context: { environment?: { config: ResolvedConfig } | undefined }) => ({
    key: context.environment ?? noEnvironment,
    config: context.environment?.config ?? lastConfig,
  })

  return {
    name: NAME,
    // Build only: `vite dev` serves pages as they are (no `dev` option: it never worked there).
    apply: 'build',
    enforce: 'post',
    // One instance for every environment of an app build (Vite 6+): without it Vite resolves the
    // config again per environment, loading vite.config anew, and each copy warned about a missing
    // key. The per-environment state is kept by environment (buildOf) all the same.
    sharedDuringBuild: true,
    configResolved(resolved) {
      lastConfig = resolved
      // Without a key (and no dry run) a build must still succeed, quickly and offline: say so
      // once instead of failing every image and downloading remote ones.
      disabled = !options.dryRun && !apiKeyOf(loadAltTextEnv(resolved))
      if (disabled && !warnedNoKey) {
        warnedNoKey = true
        resolved.logger.warn(
          `[${NAME}] no API key: missing alt text is not generated in this build. Set ALTTEXT_API_KEY (environment or .env.local) or pass the apiKey option.`,
        )
      }
    },
    buildStart() {
      runs.delete(buildOf(this).key)
    },
    async generateBundle(_output, bundle) {
      if (disabled) return
      const { key, config } = buildOf(this)
      const pages = Object.values(bundle).filter(
        (output): output is Rollup.OutputAsset =>
          output.type === 'asset' && /\.html?$/i.test(output.fileName),
      )
      // No run, no summary for a build without pages (an SSR environment's, a library's).
      if (pages.length === 0) return
      let progress: BuildProgress | undefined
      const current = startRun(config, bundle, () => progress)
      runs.set(key, current)
      // A real build says what it will cost before it spends, and stops over maxCredits.
      if (!current.dryRun) {
        const over = await estimateFirst(current, pages, config, options)
        if (over) this.error(over)
      }
      if (options.progress !== false)
        progress = createBuildProgress({
          total: pages.length,
          info: (line) => config.logger.info(line),
          intervalMs:
            typeof options.progress === 'object' ? options.progress.intervalMs : undefined,
        })
      // All pages at once; the run's limiter bounds the API calls and image reads.
      const results = await Promise.all(
        pages.map(async (output) => {
          const result = await fillAltText(pageText(output), {
            run: current,
            path: join(config.build.outDir, output.fileName),
          })
          if (result.changed > 0) output.source = result.html
          progress?.page(statusOf(current.summary()))
          return result
        }),
      ).finally(() => progress?.end())
      // Reported in page order once everything is done, so messages do not interleave.
      for (const result of results) report(config, result)
      const fatal = current.fatal
      if (fatal) {
        if (options.onError === 'warn')
          config.logger.warn(`[${NAME}] stopped: ${sanitizeForTerminal(fatal.message)}`)
        else this.error(`[${NAME}] ${sanitizeForTerminal(fatal.message)}`)
      }
      const summary = current.summary()
      if (current.dryRun) {
        // What the real build would cost, against the balance and the budget.
        const planned = {
          planned: summary.planned,
          cached: current.stats.cached,
          model: options.model,
          maxCredits: options.maxCredits,
        }
        // Without a key nothing is asked of the API: the price is taken as 1 credit an image.
        const estimate = apiKeyOf(loadAltTextEnv(config))
          ? await estimateCost(current.client, planned)
          : {
              toDescribe: planned.planned,
              cached: planned.cached,
              pricePerImage: 1,
              creditsNeeded: planned.planned,
              enough: true,
              maxCredits: planned.maxCredits,
              withinBudget:
                planned.maxCredits === undefined || planned.planned <= planned.maxCredits,
            }
        config.logger.info(`[${NAME}] estimate: ${formatEstimate(estimate)}`)
        if (!estimate.withinBudget)
          this.error(
            `[${NAME}] this build needs up to ${estimate.creditsNeeded} credits, over maxCredits (${options.maxCredits})`,
          )
      } else {
        const stop = budgetStop(summary.skipped)
        if (stop) {
          if (options.onError === 'warn') config.logger.warn(`[${NAME}] ${stop}`)
          else this.error(`[${NAME}] ${stop}`)
        }
      }
      if (options.failOnError) {
        const failed = results
          .flatMap((r) => r.result.images.map((image) => ({ image, path: r.file.path })))
          .find(({ image }) => image.status === 'failed')
        if (failed)
          this.error(
            sanitizeForTerminal(
              `[${NAME}] ${normalize(relative(config.root, failed.path))}: Could not describe image (${displaySource(failed.image.src)}): ${failed.image.reason}`,
            ),
          )
      }
    },
    closeBundle() {
      const { key, config } = buildOf(this)
      const run = runs.get(key)
      if (!run || options.summary === false) return
      const left = run.summary().creditsRemaining
      config.logger.info(
        `[${NAME}] ${formatStats(run.stats, run.dryRun)}${left === undefined ? '' : `, ${left} left`}`,
      )
    },
  }
}
