/**
 * The Vite plugin: fills missing alt text in the HTML a build emits. Pages Vite builds go through
 * `transformIndexHtml` (post); HTML other plugins put in the bundle goes through `generateBundle`.
 * Only `alt` attributes are spliced in: the rest of each page stays as Vite wrote it.
 */
import { join, relative } from 'node:path'
import {
  type AltTextRun,
  createAltTextRun,
  type FillResult,
  fillAltText,
  formatStats,
} from '@alttextapi/rehype'
import { loadEnv, type Plugin, type ResolvedConfig, type Rollup } from 'vite'

type OutputBundle = Rollup.OutputBundle

import { assetBytes, assetReference, bundleFileName } from './bundle.js'
import type { AltTextViteOptions } from './options.js'

const NAME = 'alttextapi'
const normalize = (path: string) => path.split('\\').join('/')

/** Sends a file's messages to Vite's logger as `file:line:column: reason`. */
function report(
  config: ResolvedConfig,
  result: FillResult,
  getFileName?: (ref: string) => string,
): void {
  for (const message of result.file.messages) {
    // Name assets by their output path rather than Vite's placeholder.
    const reason = message.reason.replace(/__VITE_ASSET__[\w$]+?__/g, (placeholder) => {
      const ref = assetReference(placeholder)
      try {
        return ref && getFileName ? `${config.base}${getFileName(ref)}` : placeholder
      } catch {
        return placeholder
      }
    })
    const where = `${normalize(relative(config.root, result.file.path || ''))}:${message.line ?? 0}:${message.column ?? 0}`
    const line = `[${NAME}] ${where}: ${reason}`
    if (message.fatal === false) config.logger.warn(line)
    else config.logger.info(line)
  }
}

/**
 * Creates the plugin. The API key comes from `apiKey`, else `ALTTEXT_API_KEY` in the environment
 * or in Vite's `.env` files; `ALTTEXT_API_URL` likewise.
 */
export function altText(options: AltTextViteOptions = {}): Plugin {
  let config: ResolvedConfig
  let run: AltTextRun | undefined
  /** Bundle and context of the page being processed (for `resolveImage`). */
  let current:
    | { bundle: OutputBundle; html: string; getFileName?: (ref: string) => string }
    | undefined
  const done = new Set<string>()
  /** Set when there is no key: the build goes on untouched, and makes no network request. */
  let disabled = false

  const resolveImage = (src: string): Uint8Array | undefined => {
    if (!current) return undefined
    const ref = assetReference(src)
    if (ref && current.getFileName) return assetBytes(current.bundle, current.getFileName(ref))
    const fileName = bundleFileName(src, current.html, config.base)
    return fileName ? assetBytes(current.bundle, fileName) : undefined
  }

  const apiKeyOf = (): string | undefined => {
    const env = loadEnv(config.mode, config.envDir || config.root, 'ALTTEXT_')
    return options.apiKey ?? process.env.ALTTEXT_API_KEY ?? env.ALTTEXT_API_KEY
  }

  const startRun = (): AltTextRun => {
    const env = loadEnv(config.mode, config.envDir || config.root, 'ALTTEXT_')
    const { dev: _dev, summary: _summary, ...rehypeOptions } = options
    return createAltTextRun({
      ...rehypeOptions,
      apiKey: apiKeyOf(),
      baseUrl: options.baseUrl ?? process.env.ALTTEXT_API_URL ?? env.ALTTEXT_API_URL,
      publicDir: options.publicDir ?? (config.publicDir || config.root),
      basePath: options.basePath ?? (config.base.startsWith('/') ? config.base : '/'),
      cacheDir: options.cacheDir ?? join(config.root, 'node_modules', '.cache', 'alttextapi'),
      resolveImage: async (src, file) =>
        (await options.resolveImage?.(src, file)) ?? resolveImage(src),
    })
  }

  return {
    name: NAME,
    apply: options.dev ? undefined : 'build',
    enforce: 'post',
    configResolved(resolved) {
      config = resolved
      // Without a key (and no dry run) a build must still succeed, quickly and
      // offline: say so once instead of failing every image and downloading remote ones.
      disabled = !options.dryRun && !apiKeyOf()
      if (disabled)
        config.logger.warn(
          `[${NAME}] no API key: missing alt text is not generated in this build. Set ALTTEXT_API_KEY (environment or .env.local) or pass the apiKey option.`,
        )
    },
    buildStart() {
      if (disabled) return
      run = startRun()
      done.clear()
    },
    transformIndexHtml: {
      order: 'post',
      async handler(html, ctx) {
        if (disabled) return html
        run ??= startRun()
        const htmlName = normalize(relative(config.root, ctx.filename))
        const pluginContext = this as unknown as { getFileName?: (ref: string) => string }
        current = ctx.bundle
          ? {
              bundle: ctx.bundle,
              html: htmlName,
              getFileName: pluginContext.getFileName?.bind(this),
            }
          : undefined
        try {
          const result = await fillAltText(html, { run, path: ctx.filename })
          report(config, result, current?.getFileName)
          done.add(htmlName)
          return result.html
        } finally {
          current = undefined
        }
      },
    },
    async generateBundle(_output, bundle) {
      if (disabled) return
      run ??= startRun()
      for (const output of Object.values(bundle)) {
        if (output.type !== 'asset' || !/\.html?$/i.test(output.fileName)) continue
        if (done.has(output.fileName)) continue
        const html =
          typeof output.source === 'string'
            ? output.source
            : new TextDecoder().decode(output.source)
        current = { bundle, html: output.fileName }
        try {
          const result = await fillAltText(html, {
            run,
            path: join(config.build.outDir, output.fileName),
          })
          report(config, result)
          if (result.changed > 0) output.source = result.html
        } finally {
          current = undefined
        }
      }
    },
    closeBundle() {
      if (!run || options.summary === false) return
      config.logger.info(`[${NAME}] ${formatStats(run.stats, run.dryRun)}`)
    },
  }
}
