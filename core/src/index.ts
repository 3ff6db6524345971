export {
  AltTextError,
  type AltTextErrorCode,
  type ClientErrorCode,
  codeForStatus,
  isAltTextError,
} from './alttext-error.js'
export { type Batcher, type BatcherOptions, createBatcher } from './batcher.js'
export { type Budget, type BudgetKeeper, createBudget, type Reservation } from './budget.js'
export {
  type AltTextCache,
  type CachedAltText,
  type CacheKeyInput,
  type CacheLookup,
  cacheKey,
  isCachedAltText,
  MemoryCache,
  sha256Hex,
} from './cache.js'
export {
  type AltTextClient,
  type BatchImage,
  type BatchRequestInput,
  type ClientOptions,
  createClient,
  type GenerateOptions,
  type UsageQuery,
} from './client.js'
export { CLIENT_ID, DEFAULT_BASE_URL, DEFAULTS, type ResolvedConfig, readConfig } from './config.js'
export * from './contract/index.js'
export {
  createDescriber,
  type DescribeEvent,
  type DescribeInput,
  type Describer,
  type DescriberOptions,
} from './describer.js'
export { type ImageInput, sniffImageType, toBase64 } from './image.js'
export { createLimiter, type Limiter } from './limiter.js'
export type { Outcome } from './outcome.js'
export { backoffDelay, parseRetryAfter } from './retry.js'
export { emptySummary, type FailureGroup, type RunSummary } from './summary.js'
export * from './wire.js'
