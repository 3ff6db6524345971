/**
 * The cache interface plugins share, its key, and an in-memory implementation. The key is the
 * SHA-256 of the image's bytes together with everything that changes the answer (language, model,
 * context, maxLength), so a rebuild with the same images costs nothing.
 */

/** One cached description. */
export interface CachedAltText {
  altText: string
  language: string
  model: string
  /** ISO date-time of the generation. */
  createdAt: string
}

/** Where descriptions are kept between calls (memory) or runs (`FileCache` in the Node entry). */
export interface AltTextCache {
  get(key: string): Promise<CachedAltText | undefined>
  set(key: string, value: CachedAltText): Promise<void>
}

/** What the cache key is made of. */
export interface CacheKeyInput {
  bytes: Uint8Array
  /** `sha256Hex(bytes)`, when the caller has it already (saves hashing the image again). */
  imageHash?: string | undefined
  language: string
  model?: string | undefined
  context?: string | undefined
  maxLength?: number | undefined
}

const encoder = new TextEncoder()

/** SHA-256 of `bytes` as 64 lowercase hex characters (Web Crypto). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Copy into a plain ArrayBuffer: digest refuses views over SharedArrayBuffer.
  const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(bytes))
  let hex = ''
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0')
  return hex
}

/**
 * The cache key of an image and its options: a SHA-256 hex string, safe as a file name. The
 * model is part of it as given (absent means "the API's default"), and so is the context.
 */
export async function cacheKey(input: CacheKeyInput): Promise<string> {
  const imageHash = input.imageHash ?? (await sha256Hex(input.bytes))
  const parts: Array<string | number | null> = [
    'v1',
    imageHash,
    input.language,
    input.model ?? null,
    input.context ?? null,
  ]
  // Only when given, so keys without it stay what they were.
  if (input.maxLength !== undefined) parts.push(input.maxLength)
  return sha256Hex(encoder.encode(JSON.stringify(parts)))
}

/** True when `value` has the shape of a cached entry (for caches reading untrusted storage). */
export function isCachedAltText(value: unknown): value is CachedAltText {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.altText === 'string' &&
    typeof v.language === 'string' &&
    typeof v.model === 'string' &&
    typeof v.createdAt === 'string'
  )
}

/** An in-memory cache, optionally bounded (the oldest entry goes first). */
export class MemoryCache implements AltTextCache {
  readonly #entries = new Map<string, CachedAltText>()
  readonly #maxEntries: number

  /** `maxEntries`: default unbounded. */
  constructor(options: { maxEntries?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY
  }

  async get(key: string): Promise<CachedAltText | undefined> {
    return this.#entries.get(key)
  }

  async set(key: string, value: CachedAltText): Promise<void> {
    this.#entries.delete(key)
    this.#entries.set(key, value)
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value
      if (oldest === undefined) break
      this.#entries.delete(oldest)
    }
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key)
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size
  }
}
