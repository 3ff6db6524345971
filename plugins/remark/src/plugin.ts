/** `remarkAltText`: the unified attacher. */
import { type AltTextRun, createAltTextRun, lintOption } from '@alttextapi/rehype'
import type { Root } from 'mdast'
import type { Plugin } from 'unified'
import type { VFile } from 'vfile'
import { applyToTree } from './apply.js'
import { describeImages, documentLanguage } from './describe.js'
import { findImages } from './find-images.js'
import { readFrontMatter } from './frontmatter.js'
import { reportMarkdownLint } from './lint.js'
import type { Options } from './options.js'
import { checkMarkdownOptions } from './options-schema.js'
import type { MarkdownAltText } from './results.js'

/**
 * Fills missing alt text in a Markdown/MDX tree with `run`, returning what happened (also in
 * `file.data.markdownAltText`). `options` give the language, context and overwrite settings when
 * the run was made elsewhere.
 */
export async function processMarkdownTree(
  tree: Root,
  file: VFile,
  run: AltTextRun,
  options: Options = {},
): Promise<MarkdownAltText> {
  const frontMatter = readFrontMatter(tree, file)
  const images = findImages(tree, frontMatter.title)
  const language = documentLanguage(frontMatter.language, options.language ?? run.options.language)
  const lint = lintOption(options.lint ?? run.options.lint)
  // Only a language someone gave (front matter, option) is compared, never the default `en`.
  if (lint)
    reportMarkdownLint(
      images,
      file,
      lint,
      frontMatter.language ?? options.language ?? run.options.language,
    )
  const result = await describeImages(images, run, file, {
    language,
    // A run made by @alttextapi/rehype has a context function for HTML: only ours apply here.
    context: options.context,
    overwrite: (options.overwrite ?? run.options.overwrite) === true,
  })
  applyToTree(result.images)
  return result
}

/**
 * remark plugin: gives every Markdown image without alt text (`![](x.png)`), every HTML `<img>`
 * and MDX `<img />` without an `alt` attribute, a description from the AltText API. Decorative
 * images (`<img alt="">`) and images with alt text are left alone. Problems are `file.message`s
 * with their place; a fatal answer (bad key, no credits, API unreachable) is one `file.fail`.
 */
const remarkAltText: Plugin<[(Options | null | undefined)?], Root> = (options) => {
  // A wrong option fails here, when unified attaches the plugin (before any file), naming it.
  const settings = checkMarkdownOptions(options)
  // The run is made on first use: a processor that is configured but never run asks nothing.
  let run: AltTextRun | undefined = settings.run
  return async (tree, file) => {
    run ??= createAltTextRun(settings)
    await processMarkdownTree(tree, file, run, settings)
  }
}

export default remarkAltText
