export { contextString, languageOf } from './context.js'
export { type FoundImage, findImages } from './find-images.js'
export { type FillResult, fillAltText } from './html.js'
export { DEFAULTS, type ImageContext, type ImageFilter, type RunOptions } from './options.js'
export { default, processTree } from './plugin.js'
export type { FileAltText, ImageResult } from './results.js'
export {
  AltTextRun,
  createAltTextRun,
  type DescribeRequest,
  type Options,
  type Outcome,
} from './run.js'
export {
  decodeDataUrl,
  ImageLoadError,
  type ImageOrigin,
  type LoadedImage,
  loadImage,
} from './source.js'
export { parseSrcset, pickCandidate, type SrcsetCandidate } from './srcset.js'
export { applyEdits, escapeAttribute, scanStartTag, setAttributeEdit } from './start-tag.js'
export { type AltTextStats, emptyStats, formatStats } from './stats.js'
