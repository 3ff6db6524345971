export {
  type AltTextPluginConfig,
  type ResolvedPluginConfig,
  resolvePluginConfig,
  STUDIO_API_VERSION,
} from './config.js'
export * from './describe/index.js'
export * from './fill/index.js'
export { altTextApi } from './plugin.js'
export { keyHint, readApiKey, SECRET_TYPE, saveApiKey } from './secrets.js'
export { createAltTextTool, estimateWarning, progressText } from './studio/AltTextTool.js'
export {
  createGenerateMissingAltAction,
  progressLabel,
  summaryText,
} from './studio/GenerateMissingAltAction.js'
export { createImageAltInput, wantsAltButton } from './studio/ImageAltInput.js'
export { MissingKeyError, studioAltClient, studioDescriber } from './studio-client.js'
export * from './walk/index.js'
