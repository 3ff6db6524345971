export { contextString, languageOf } from './context.js'
export { type FoundImage, findImages } from './find-images.js'
export { type FillResult, fillAltText } from './html.js'
export {
  lintableImages,
  lintOption,
  lintPage,
  type PageLintFinding,
  reportLint,
  toLintImage,
} from './lint.js'
export {
  DEFAULTS,
  type ImageContext,
  type ImageFilter,
  type ProgressOptions,
  type RunOptions,
} from './options.js'
export { checkOptions, filters, RUN_ENTRY, RUN_OPTION_ENTRIES } from './options-schema.js'
export { default, processImages, processTree } from './plugin.js'
export { createRunProgress, type RunProgress } from './progress.js'
export {
  failOnStop,
  type ReportedOutcome,
  type ReportReasons,
  reportOutcomes,
} from './report.js'
export type { FileAltText, ImageResult } from './results.js'
export {
  AltTextRun,
  createAltTextRun,
  type DescribeRequest,
  type Options,
  type Outcome,
} from './run.js'
export { type HtmlProblem, type ScanResult, scanHtml } from './scan.js'
export {
  decodeDataUrl,
  ImageLoadError,
  type ImageOrigin,
  type LoadedImage,
  loadImage,
  refusedRemote,
} from './source.js'
export { parseSrcset, pickCandidate, type SrcsetCandidate } from './srcset.js'
export { altEdit, applyEdits, type Edit, escapeAttribute, type TagLocation } from './start-tag.js'
export { type AltTextStats, emptyStats, formatStats } from './stats.js'
