/**
 * The pipeline every build-time plugin runs for an image, in one place: hash the bytes, answer
 * from the cache, describe identical images once per run (in-flight calls are shared), prepare
 * (e.g. downscale) only on a miss, send through the batcher, store the answer.
 */
import { type Batcher, type BatcherOptions, createBatcher } from './batcher.js'
import { type AltTextCache, type CachedAltText, cacheKey } from './cache.js'
import type { AltTextClient } from './client.js'

/** Options of `createDescriber`. */
export interface DescriberOptions {
  client: AltTextClient
  /** Where answers are kept; default none (every run pays). */
  cache?: AltTextCache | undefined
  /** Batcher options, or `false` to send every image alone. Default: a batcher with defaults. */
  batch?: BatcherOptions | false | undefined
  /**
   * Turns the original bytes into the bytes to send (e.g. `prepareImage` from
   * `@alttextapi/core/node`). Runs only on a cache miss; the cache key is the original bytes.
   */
  prepare?: ((bytes: Uint8Array) => Promise<{ bytes: Uint8Array }>) | undefined
}

/** One image to describe. */
export interface DescribeInput {
  bytes: Uint8Array
  /** BCP 47 tag; default `en`. */
  language?: string | undefined
  model?: string | undefined
  context?: string | undefined
  maxLength?: number | undefined
  signal?: AbortSignal | undefined
}

/** The answer, and whether it cost anything this run. */
export interface Described extends CachedAltText {
  /** True when it came from the cache (no credits spent). */
  cached: boolean
}

/** Counters of one run, for a plugin's summary line. */
export interface DescriberStats {
  /** Images asked for. */
  images: number
  /** Answered from the cache. */
  cacheHits: number
  /** Answered by sharing a call already under way for identical bytes and options. */
  shared: number
  /** Images sent to the API. */
  generated: number
  /** Credits the API reported as spent. */
  creditsUsed: number
  /** Failed descriptions. */
  failed: number
}

/** A describer: `describe` one image at a time; calls close together are batched. */
export interface Describer {
  describe(input: DescribeInput): Promise<Described>
  readonly stats: Readonly<DescriberStats>
}

/** Creates a describer for one run (its in-flight sharing and stats last as long as it does). */
export function createDescriber(options: DescriberOptions): Describer {
  const batcher: Batcher | undefined =
    options.batch === false ? undefined : createBatcher(options.client, options.batch ?? {})
  const inFlight = new Map<string, Promise<Described>>()
  const stats: DescriberStats = {
    images: 0,
    cacheHits: 0,
    shared: 0,
    generated: 0,
    creditsUsed: 0,
    failed: 0,
  }

  const run = async (key: string, input: DescribeInput, language: string): Promise<Described> => {
    const hit = await options.cache?.get(key).catch(() => undefined)
    if (hit) {
      stats.cacheHits++
      return { ...hit, cached: true }
    }
    const bytes = options.prepare ? (await options.prepare(input.bytes)).bytes : input.bytes
    const request = {
      image: bytes,
      language,
      model: input.model,
      context: input.context,
      maxLength: input.maxLength,
      signal: input.signal,
    }
    stats.generated++
    const answer = await (batcher ? batcher.generate(request) : options.client.generate(request))
    stats.creditsUsed += answer.creditsUsed
    const value: CachedAltText = {
      altText: answer.altText,
      language: answer.language,
      model: answer.model,
      createdAt: new Date().toISOString(),
    }
    // A cache that cannot write must not lose an answer already paid for.
    await options.cache?.set(key, value).catch(() => undefined)
    return { ...value, cached: false }
  }

  return {
    stats,
    async describe(input) {
      stats.images++
      const language = input.language ?? 'en'
      const key = await cacheKey({
        bytes: input.bytes,
        language,
        model: input.model,
        context: input.context,
        maxLength: input.maxLength,
      })
      const existing = inFlight.get(key)
      if (existing) {
        stats.shared++
        return existing
      }
      const promise = run(key, input, language)
      inFlight.set(key, promise)
      try {
        return await promise
      } catch (error) {
        stats.failed++
        // A failure is not remembered: a later call for the same image tries again.
        inFlight.delete(key)
        throw error
      }
    },
  }
}
