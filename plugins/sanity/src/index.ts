export {
  type AltTextPluginConfig,
  type ResolvedPluginConfig,
  resolvePluginConfig,
  STUDIO_API_VERSION,
} from './config.js'
export * from './describe/index.js'
export * from './fill/index.js'
export { altTextApi } from './plugin.js'
export * from './provenance/index.js'
export {
  ACCOUNT_KEY_REFUSED,
  type KeyScope,
  keyHint,
  keyScope,
  readApiKey,
  type SaveKeyOptions,
  SECRET_TYPE,
  saveApiKey,
} from './secrets.js'
export { createAltTextTool } from './studio/AltTextTool.js'
export {
  estimateWarning,
  progressLabel,
  progressText,
  provenanceText,
  summaryText,
} from './studio/format.js'
export { createGenerateMissingAltAction } from './studio/GenerateMissingAltAction.js'
export { createImageAltInput, wantsAltButton } from './studio/ImageAltInput.js'
export { createReviewTool } from './studio/ReviewTool.js'
export { MissingKeyError, studioAltClient, studioDescriber } from './studio-client.js'
export * from './walk/index.js'
