/**
 * The remark side: Markdown and MDX pages (also content collections) get their alt text before
 * they become HTML, from `@alttextapi/remark` on the integration's run. `![](photo.jpg)` is
 * missing alt text there, not decorative as `alt=""` in the built HTML would say.
 */
import { relative } from 'node:path'
import { sanitizeForTerminal } from '@alttextapi/core/node'
import type { AltTextRun } from '@alttextapi/rehype'
import { processMarkdownTree, type Options as RemarkOptions } from '@alttextapi/remark'
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
  /** Throw the run's fatal error (fail the page, so the build fails). */
  failOnFatal: boolean
  /** Called when a file is left with images not described (failed, or stopped by a fatal). */
  onIncomplete: () => void
}

/**
 * A remark plugin for `markdown.remarkPlugins`, bound to the integration's run. It is given to
 * Astro as a bare function (no options object): Astro hashes its config for the content cache,
 * and a function hashes the same on every build.
 */
export function markdownPlugin(step: MarkdownStep) {
  const said = new WeakSet<Error>()
  return function remarkAltTextAstro() {
    return async (tree: Root, file: VFile) => {
      const result = await processMarkdownTree(tree, file, step.run, step.options)
      if (result.images.some((image) => image.status === 'failed' || image.status === 'stopped'))
        step.onIncomplete()
      for (const message of file.messages) {
        // Only this plugin's messages; the run's fatal stop is reported once, not per page.
        if (message.source !== 'alttextapi' || message.ruleId === 'fatal') continue
        const where = `${relative(step.root, file.path || '')}:${message.line ?? 0}:${message.column ?? 0}`
        const line = sanitizeForTerminal(`${where.split('\\').join('/')}: ${message.reason}`)
        if (message.fatal === false) step.logger.warn(line)
        else step.logger.info(line)
      }
      const fatal = step.run.fatal
      if (!fatal || !step.failOnFatal) return
      // Astro reports every failing page: say why once, then only that the run stopped.
      if (said.has(fatal)) throw new Error(`${NAME}: stopped (see the first error for why)`)
      said.add(fatal)
      throw new Error(`${NAME}: ${sanitizeForTerminal(fatal.message)}`)
    }
  }
}
