export * from '../index.js'
export { resolveConfig } from './config.js'
export { defaultCacheDir, FileCache, type FileCacheOptions } from './file-cache.js'
export { type PreparedImage, type PrepareOptions, prepareImage } from './prepare-image.js'
export {
  createPublicFetch,
  type PublicFetchOptions,
  RefusedAddressError,
} from './public-fetch.js'
export { displaySource, sanitizeForTerminal } from './terminal.js'
