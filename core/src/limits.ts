/** Limits shared by the API and its clients. */
export const LIMITS = {
  /** Largest accepted image, in bytes. */
  maxImageBytes: 10 * 1024 * 1024,
  /** Most images in one batch request. */
  maxBatchItems: 50,
  /** Default and hard ceiling of `maxLength` for alt text. */
  defaultMaxLength: 125,
  maxMaxLength: 1000,
  minMaxLength: 20,
  /** Longest `context` accepted, in characters. */
  maxContextLength: 2000,
  minPasswordLength: 10,
  maxPasswordLength: 256,
  maxEmailLength: 254,
  maxNameLength: 100,
  /** Largest JSON body the API reads (base64 of the largest image plus some room). */
  maxJsonBodyBytes: 14 * 1024 * 1024,
  maxUsagePageSize: 100,
  /** Longest BCP 47 language tag accepted (`BCP47_PATTERN` in the contract). */
  maxLanguageTagLength: 35,
  /** Longest `Idempotency-Key` header accepted. */
  maxIdempotencyKeyLength: 200,
  /** Longest `imageUrl` accepted. */
  maxImageUrlLength: 4096,
  /** Largest daily credit cap an API key may have. */
  maxDailyCreditCap: 1_000_000,
} as const
