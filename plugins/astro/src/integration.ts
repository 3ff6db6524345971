/**
 * The Astro integration: the remark plugin for Markdown and MDX (registered in
 * `astro:config:setup`), then one pass over the built HTML in `astro:build:done` for the images
 * remark never sees. Both share one run: identical images are described once per build, one
 * budget, one summary, one fatal stop (reported once, with its reason).
 */
import { rmSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { budgetStop, sanitizeForTerminal } from '@alttextapi/core/node'
import { type AltTextRun, createAltTextRun, formatStats } from '@alttextapi/rehype'
import type { AstroConfig, AstroIntegration, AstroIntegrationLogger } from 'astro'
import { type BuiltSite, builtImage } from './built-image.js'
import { fillPages, findPages, reportMessages } from './built-pages.js'
import { checkEstimate, estimateBuiltPages, estimateMarkdown, markdownSources } from './estimate.js'
import { markdownPlugin } from './markdown.js'
import { type AltTextAstroOptions, parseOptions } from './options.js'
import { readSourceImages } from './source-images.js'

const NAME = '@alttextapi/astro'

/** The options given to the rehype run: the user's, less the integration's own. */
function runOptions(options: AltTextAstroOptions) {
  const { markdown: _m, html: _h, summary: _s, onError: _o, ...rest } = options
  return rest
}

/** `build.assetsPrefix` when it is one string (per-extension prefixes are not mapped). */
function assetsPrefixOf(config: AstroConfig): string | undefined {
  const prefix = config.build.assetsPrefix
  return typeof prefix === 'string' ? prefix : undefined
}

/**
 * Astro's content-collection cache (`<cacheDir>/data-store.json`) keeps an entry's rendered HTML
 * until the entry's text changes, also when rendering failed or left an image without alt text
 * (failed, stopped by a fatal answer, or kept back by the budget): after such a build it is
 * deleted (at exit, once Astro has written it), so the next build renders the collection again
 * and the images are filled then.
 */
function dropContentCacheAtExit(config: AstroConfig): () => void {
  let armed = false
  return () => {
    if (armed) return
    armed = true
    const store = fileURLToPath(new URL('data-store.json', config.cacheDir))
    process.once('exit', () => rmSync(store, { force: true }))
  }
}

/**
 * Creates the integration (`astro add @alttextapi/astro` puts `altText()` in `integrations`).
 * Options are checked at once: a wrong one fails the build with a message naming it.
 *
 * The API key comes from `apiKey`, else `ALTTEXT_API_KEY` in the environment; without one (and no
 * dry run) the build goes on untouched, with one warning. Only `astro build` is filled:
 * `astro dev` serves pages as they are.
 */
export function altText(options: AltTextAstroOptions = {}): AstroIntegration {
  const settings = parseOptions(options)
  let run: AltTextRun | undefined
  let site: BuiltSite | undefined
  let logger: AstroIntegrationLogger | undefined
  // Set in `astro:build:start`: before it, Astro's content sync renders the collections.
  let building = false

  const stop = (where: AstroIntegrationLogger, active: AltTextRun) => {
    const fatal = active.fatal
    if (!fatal) return
    if (settings.onError === 'warn') where.warn(`stopped: ${sanitizeForTerminal(fatal.message)}`)
    else throw new Error(`${NAME}: ${sanitizeForTerminal(fatal.message)}`)
  }

  return {
    name: NAME,
    hooks: {
      'astro:config:setup': ({ config, command, updateConfig, logger: setupLogger }) => {
        run = undefined
        building = false
        if (command !== 'build') return
        const apiKey = settings.apiKey ?? process.env.ALTTEXT_API_KEY
        if (!apiKey && !settings.dryRun) {
          setupLogger.warn(
            'no API key: missing alt text is not generated in this build. Set ALTTEXT_API_KEY or pass the apiKey option.',
          )
          return
        }
        const root = fileURLToPath(config.root)
        const outDir = fileURLToPath(config.outDir)
        site = {
          root,
          outDir,
          base: config.base,
          assetsPrefix: assetsPrefixOf(config),
          sources: new Map(),
        }
        const built = site
        run = createAltTextRun({
          ...runOptions(settings),
          apiKey,
          baseUrl: settings.baseUrl ?? process.env.ALTTEXT_API_URL,
          root,
          publicDir: fileURLToPath(config.publicDir),
          basePath: config.base.startsWith('/') ? config.base : '/',
          // The committed alt-text.json lives at the project root, wherever the build is run from.
          cacheFile:
            settings.cacheFile === false
              ? false
              : resolve(root, settings.cacheFile ?? 'alt-text.json'),
          cacheDir: resolve(root, settings.cacheDir ?? 'node_modules/.cache/alttextapi'),
          // Images on built pages are read from the build (optimised ones by their source).
          resolveImage: (src) => builtImage(built, src),
          // A fatal answer is decided once, below, not by every page throwing.
          failOnError: false,
        })
        if (settings.markdown !== false)
          updateConfig({
            markdown: {
              remarkPlugins: [
                markdownPlugin({
                  run,
                  logger: setupLogger,
                  root,
                  options: runOptions(settings),
                  // During content sync the stop is left to astro:build:start (one error).
                  failOnFatal: () => building && settings.onError !== 'warn',
                  onIncomplete: dropContentCacheAtExit(config),
                }),
              ],
            },
          })
      },
      'astro:build:start': async ({ logger: buildLogger }) => {
        logger = buildLogger
        building = true
        // Stopped during content sync (a wrong key, no credits…): the build fails here, once,
        // with the reason; nothing more is asked of the API. (`'warn'`: said in build:done.)
        if (run?.fatal) {
          if (settings.onError !== 'warn') stop(buildLogger, run)
          return
        }
        // Before Astro renders (and the remark step spends): what the Markdown will cost.
        if (run && site && !run.dryRun && settings.markdown !== false)
          await checkEstimate(
            run,
            await estimateMarkdown(run, await markdownSources(site.root)),
            'Markdown',
            buildLogger,
            settings,
          )
      },
      'astro:build:done': async ({ dir, logger: doneLogger }) => {
        const active = run
        if (!active || !site) return
        stop(doneLogger, active)
        if (settings.html !== false && !active.fatal) {
          site.sources = readSourceImages()
          site.outDir = fileURLToPath(dir)
          const pages = await findPages(site.outDir)
          // Before the pass over the pages spends: what they will cost (a dry build: below).
          if (!active.dryRun)
            await checkEstimate(
              active,
              await estimateBuiltPages(active, pages),
              'pages',
              doneLogger,
              settings,
            )
          doneLogger.info(`filling alt text in ${pages.length} built pages`)
          const results = await fillPages(pages, active, doneLogger)
          for (const result of results) reportMessages(doneLogger, site.root, result)
          stop(doneLogger, active)
        }
        if (settings.summary !== false)
          (logger ?? doneLogger).info(formatStats(active.stats, active.dryRun))
        if (active.dryRun) {
          const s = active.summary()
          const counts = { planned: s.planned, cached: active.stats.cached }
          await checkEstimate(active, counts, 'this build', logger ?? doneLogger, settings)
        }
        // Images the budget kept back fail the build, as in the Vite plugin and the CLI.
        const kept = active.dryRun
          ? undefined
          : budgetStop(active.summary().skipped, 'maxCredits / maxImages')
        if (kept) {
          if (settings.onError === 'warn') (logger ?? doneLogger).warn(kept)
          else throw new Error(`${NAME}: ${kept}`)
        }
        if (settings.failOnError && active.stats.failed > 0)
          throw new Error(
            `${NAME}: ${active.stats.failed} ${active.stats.failed === 1 ? 'image' : 'images'} could not be described (failOnError; see the warnings above, in ${relative(process.cwd(), site.root) || '.'})`,
          )
      },
    },
  }
}
