export {
  type AltTextRun,
  type AltTextStats,
  createAltTextRun,
  formatStats,
} from '@alttextapi/rehype'
export { applyToTree } from './apply.js'
export {
  DECORATIVE_HINT,
  type DescribeSettings,
  describeImages,
  documentLanguage,
  KEPT_BY_PERSON,
} from './describe.js'
export { escapeJsxAttribute, escapeMarkdownAlt } from './escape.js'
export { type AltState, findImages, type JsxElement, type MarkdownImage } from './find-images.js'
export { type FrontMatter, readFrontMatter } from './frontmatter.js'
export { altOf, lintMarkdown, type MarkdownLintFinding, reportMarkdownLint } from './lint.js'
export type { MarkdownImageContext, Options } from './options.js'
export { parseMarkdown } from './parse.js'
export { default, processMarkdownTree } from './plugin.js'
export type { MarkdownAltText, MarkdownImageResult } from './results.js'
export { fillMarkdownSource, type SourceFillResult, type SourceOptions } from './source.js'
