/**
 * The cache interface plugins share, its key, and an in-memory implementation. The key is the
 * SHA-256 of the image's bytes together with the options that change the answer (language, model,
 * maxLength, purpose), so a rebuild with the same images costs nothing. Nearby text is not part
 * of it (DESIGN: "The key excludes nearby text"): an edited paragraph next to an image must not
 * buy the image again, and the API does not split its reuse on context either.
 */
import type { ImageKind } from './contract/description.js'

/** One cached description. */
export interface CachedAltText {
  altText: string
  language: string
  model: string
  /** ISO date-time of the generation. */
  createdAt: string
  /** The API judged the image decorative (a suggestion; never applied silently). */
  decorative?: boolean | undefined
  /** The kind of image the API saw (`photo`, `chart`…), when it said. */
  kind?: ImageKind | undefined
  /** The long description the API gave (asked with `long: true`). */
  longDescription?: string | undefined
  /** Who wrote the text (the committed `alt-text.json` records it): absent means `machine`. */
  origin?: 'machine' | 'edited' | 'human' | undefined
}

/**
 * What a cache entry is about, besides its opaque key: caches that store by image (the committed
 * `alt-text.json`) match on these fields instead of the key.
 */
export interface CacheLookup {
  /** SHA-256 (hex) of the image's bytes; undefined for an image sent by URL (no bytes here). */
  imageHash?: string | undefined
  /** BCP 47 tag asked for. */
  language: string
  /** The model asked for; undefined means the API's default. */
  model?: string | undefined
  maxLength?: number | undefined
  purpose?: string | undefined
  /** A long description was asked for (`long: true`). */
  long?: boolean | undefined
  /** SHA-256 (hex) of the nearby text, only when the run keys on it (`cacheByContext`). */
  contextHash?: string | undefined
}

/**
 * Where descriptions are kept between calls (memory) or runs (`FileCache`, `AltTextFile` and
 * `createBuildCache` in the Node entry). `lookup` is given by the describer on every call; caches
 * keyed by the opaque `key` alone may ignore it.
 */
export interface AltTextCache {
  get(key: string, lookup?: CacheLookup): Promise<CachedAltText | undefined>
  set(key: string, value: CachedAltText, lookup?: CacheLookup): Promise<void>
}

/** What the cache key is made of. */
export interface CacheKeyInput {
  bytes: Uint8Array
  /** `sha256Hex(bytes)`, when the caller has it already (saves hashing the image again). */
  imageHash?: string | undefined
  language: string
  model?: string | undefined
  maxLength?: number | undefined
  /** `content`, `link` or `auto`, when the caller says. */
  purpose?: string | undefined
  /** A long description was asked for. */
  long?: boolean | undefined
  /** SHA-256 of the nearby text: given only when a run opts in to keying on it. */
  contextHash?: string | undefined
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
 * model is part of it as given (absent means "the API's default"); nearby text is not, unless
 * `contextHash` is given.
 */
export async function cacheKey(input: CacheKeyInput): Promise<string> {
  const imageHash = input.imageHash ?? (await sha256Hex(input.bytes))
  const parts: Array<string | number | null> = [
    'v2',
    imageHash,
    input.language,
    input.model ?? null,
    input.maxLength ?? null,
    input.purpose ?? null,
  ]
  // Appended only when given, so the keys of runs that do not opt in stay as they were.
  if (input.long === true) parts.push('long')
  if (input.contextHash !== undefined) parts.push(input.contextHash)
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
