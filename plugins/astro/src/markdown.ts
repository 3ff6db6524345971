/**
 * The remark side: Markdown and MDX pages (also content collections) get their alt text before
 * they become HTML, from `@alttextapi/remark` on the integration's run. `![](photo.jpg)` is
 * missing alt text there, not decorative as `alt=""` in the built HTML would say.
 */
import { relative } from 'node:path'
import { isBudgetReason, sanitizeForTerminal } from '@alttextapi/core/node'
import type { AltTextRun } from '@alttextapi/rehype'
import {
  type MarkdownImageResult,
  processMarkdownTree,
  type Options as RemarkOptions,
} from '@alttextapi/remark'
import type { AstroIntegrationLogger } from 'astro'
import type { Root } from 'mdast'
import type { VFile } from 'vfile'

const NAME = '@alttextapi/astro'

/** What the remark step needs from the integration. */
export interface MarkdownStep {
  run: AltTextRun
  logger: AstroIntegrationLogger
  root: string
  options: RemarkOptions
  /**
   * Whether a page that meets the run's fatal stop fails now, with the reason (so the build
   * fails). False with `onError: 'warn'`, and during content sync (before `astro:build:start`):
   * Astro logs every failing entry there and goes on, so the stop is left to
   * `astro:build:start`, which fails the build once with the reason.
   */
  failOnFatal: () => boolean
  /**
   * Called when a file is left with images not described that a later build should describe:
   * failed, stopped by a fatal, or kept back by the budget (`maxImages`, `maxCredits`).
   */
  onIncomplete: () => void
}

/** An image a later build should try again: failed, stopped, or kept back by the budget. */
function leftForLater(image: MarkdownImageResult): boolean {
  if (image.status === 'failed' || image.status === 'stopped') return true
  return image.status === 'skipped' && isBudgetReason(image.reason)
}

/**
 * A remark plugin for `markdown.remarkPlugins`, bound to the integration's run. It is given to
 * Astro as a bare function (no options object): Astro hashes its config for the content cache,
 * and a function hashes the same on every build.
 */
export function markdownPlugin(step: MarkdownStep) {
  return function remarkAltTextAstro() {
    return async (tree: Root, file: VFile) => {
      const result = await processMarkdownTree(tree, file, step.run, step.options)
      if (result.images.some(leftForLater)) step.onIncomplete()
      for (const message of file.messages) {
        // Only this plugin's messages; the run's fatal stop is reported once, not per page.
        if (message.source !== 'alttextapi' || message.ruleId === 'fatal') continue
        const where = `${relative(step.root, file.path || '')}:${message.line ?? 0}:${message.column ?? 0}`
        const line = sanitizeForTerminal(`${where.split('\\').join('/')}: ${message.reason}`)
        if (message.fatal === false) step.logger.warn(line)
        else step.logger.info(line)
      }
      const fatal = step.run.fatal
      if (!fatal || !step.failOnFatal()) return
      // Each page that fails says why: Astro may print more than one of them.
      throw new Error(`${NAME}: ${sanitizeForTerminal(fatal.message)}`)
    }
  }
}
