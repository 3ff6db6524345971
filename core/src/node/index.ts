export {
  ALT_TEXT_FILE_NAME,
  ALT_TEXT_FILE_VERSION,
  type AltTextFileEntry,
  AltTextFileEntrySchema,
  type AltTextFileImages,
  type AltTextFileProblem,
  approveEntry,
  editEntry,
  entryIdentity,
  matchEntry,
  needsReview,
  type ParseAltTextFileOptions,
  type ParsedAltTextFile,
  parseAltTextFile,
  serializeAltTextFile,
  textFingerprint,
} from '../alt-text-file.js'
// Build-time only (kept out of the browser entry's size budget).
export {
  budgetStop,
  type Estimate,
  estimateCost,
  formatEstimate,
  isBudgetReason,
} from '../budget.js'
export * from '../index.js'
export {
  type AltLintContext,
  type AltProblem,
  duplicateAlts,
  lintAlt,
} from './alt-lint.js'
export { AltTextFile, type AltTextFileOptions } from './alt-text-cache.js'
export { BuildCache, type BuildCacheOptions, createBuildCache } from './build-cache.js'
export { resolveConfig } from './config.js'
export { defaultCacheDir, FileCache, type FileCacheOptions } from './file-cache.js'
export { imageFormatName, unsupportedImageReason } from './image-format.js'
export {
  DEFAULT_MAX_ALT_LENGTH,
  type LintConfig,
  LintConfigError,
  type LintSettings,
  lintSettings,
} from './lint-config.js'
export {
  DEFAULT_MIN_CONFIDENCE,
  guessLanguage,
  type LanguageCheck,
  languageProblem,
} from './lint-language.js'
export { type LintFinding, type LintImage, lintImages } from './lint-page.js'
export {
  LINT_RULES,
  type LintRule,
  type LintRuleId,
  type LintSeverity,
  lintRule,
} from './lint-rules.js'
export { type PreparedImage, type PrepareOptions, prepareImage } from './prepare-image.js'
export {
  createPublicFetch,
  type PublicFetchOptions,
  RefusedAddressError,
} from './public-fetch.js'
export { displaySource, sanitizeForTerminal } from './terminal.js'
