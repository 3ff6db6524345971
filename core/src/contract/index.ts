/**
 * The contract: every rule the API and its clients must agree on, in one place. The API imports
 * it, the TypeScript plugins import it through core, and the WordPress plugin reads
 * `includes/contract.json`, generated from it by `core/scripts/gen-wordpress-contract.mjs`.
 * `./alt-lint.ts` (the lint rules' patterns and limit) is contract too, but is not re-exported
 * here: only build-time tools (through `@alttextapi/core/node`) and WordPress use it, and the
 * browser entry, which re-exports this index, would carry its bytes for nothing.
 */

export {
  ERROR_CODES,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  isErrorBody,
} from '../errors.js'
export { LIMITS } from '../limits.js'
export {
  CONTEXT_LINES,
  clipText,
  formatContext,
  type PageContext,
  type PageLink,
} from './context.js'
export {
  DEFAULT_PURPOSE,
  FALLBACK_KIND,
  IMAGE_KINDS,
  type ImageKind,
  isImageKind,
  isPurpose,
  LONG_DESCRIPTION_CREDITS,
  LONG_DESCRIPTION_KINDS,
  MAX_LONG_DESCRIPTION_LENGTH,
  PURPOSES,
  type Purpose,
} from './description.js'
export { EMAIL_PATTERN, isEmailAddress } from './email.js'
export { FATAL_ERROR_CODES, type FatalErrorCode, isFatalError } from './fatal.js'
export { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE, isIdempotencyKey } from './idempotency.js'
export { IMAGE_TYPES, type ImageMime, PREPARED_IMAGE_MAX_SIDE } from './image.js'
export {
  type ImageSource,
  type ImageSourceFields,
  type ImageSourceProblem,
  type ImageSourceResult,
  pickImageSource,
} from './image-source.js'
export { BCP47_PATTERN, isLanguageTag, toLanguageTag } from './language.js'
