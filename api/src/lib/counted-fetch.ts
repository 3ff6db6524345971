/**
 * The image of a request by URL, and the unit of the key's generation limit its fetch costs.
 *
 * A fetch is work we do for free, so it costs a unit of the key's limit whether it succeeds or not
 * (a failed fetch costs rate budget, never credits). Counting in a round trip of its own before
 * every fetch made requests by URL 1.08–1.09× slower than before the hardening (p50, quiet
 * machine; BENCHMARKS.md). So a key the isolate last saw within its limit fetches first: a fetched
 * image's unit is counted by the charge batch that follows anyway (the one unit of the request),
 * a failed fetch's unit right after the failure, answering 401/429 before the fetch's own error.
 *
 * That alone would let a key over its limit make us fetch once per refused request. So the
 * isolate keeps what the last count of each key said: a key whose next unit would pass its limit
 * in the current window, or that was refused (401, 429), is counted first and fetches only when
 * admitted. A key that reached its limit in another isolate costs at most one fetch here before
 * this isolate knows.
 */
import type { Context } from 'hono'
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import type { AppEnv } from '../types.js'
import { fetchImage } from './fetch-image.js'
import type { Image } from './image.js'
import { authenticateKey, type Counted, GENERATION_LIMIT } from './key-auth.js'

/** Per key hash: until when it must be counted before it fetches. */
const countFirstUntil = new Map<string, number>()
/** Bounds the map: an isolate that served this many keys forgets them all. */
const MAX_KEYS = 10_000
/** How long a key refused for another reason than its limit (revoked: 401) counts first. */
const REFUSED_MS = 60_000

function remember(keyHash: string, until: number): void {
  if (countFirstUntil.size >= MAX_KEYS) countFirstUntil.clear()
  countFirstUntil.set(keyHash, until)
}

/**
 * Notes a count of the key's generation units (from any batch that counted them): when its next
 * unit would pass `limit` in this window, its next fetch waits for its count.
 */
export function noteKeyCount(keyHash: string, counted: Counted | undefined, limit: number): void {
  if (counted && counted.count + 1 > limit) {
    remember(keyHash, counted.windowStart + GENERATION_LIMIT.windowMs)
  } else {
    countFirstUntil.delete(keyHash)
  }
}

/** Notes a refusal of the key (401, 429): its fetches wait for its count until the refusal ends. */
function noteRefusal(keyHash: string, refused: unknown, now: number): void {
  const retryAfter =
    refused instanceof ApiError ? Number(refused.headers['retry-after']) : Number.NaN
  if (refused instanceof ApiError && (refused.status === 401 || refused.status === 429)) {
    remember(keyHash, now + (Number.isFinite(retryAfter) ? retryAfter * 1000 : REFUSED_MS))
  }
}

/** The image of `url`, and whether its unit is counted already (else the charge counts it). */
export interface FetchedForKey {
  image: Image
  counted: boolean
}

/**
 * Fetches `url` for the key `keyHash`: the key counted first (401/429 when refused) when it is
 * known to be at its limit or refused; else fetched first, and counted right away only when the
 * fetch fails (its 401/429 first, else the fetch's 422/415).
 */
export async function fetchForKey(
  c: Context<AppEnv>,
  keyHash: string,
  url: string,
  config: Config,
): Promise<FetchedForKey> {
  const now = Date.now()
  const options = {
    allowPrivate: config.allowPrivateImageUrls,
    timeoutMs: config.imageFetchTimeoutMs,
  }
  if ((countFirstUntil.get(keyHash) ?? 0) > now) {
    await countUnit(c, keyHash, now)
    return { image: await fetchImage(url, options), counted: true }
  }
  try {
    return { image: await fetchImage(url, options), counted: false }
  } catch (failure) {
    await countUnit(c, keyHash, Date.now())
    throw failure
  }
}

/** Counts one unit against the key; notes what the count said. */
async function countUnit(c: Context<AppEnv>, keyHash: string, now: number): Promise<void> {
  try {
    noteKeyCount(
      keyHash,
      await authenticateKey(c, keyHash, now, GENERATION_LIMIT),
      c.var.config.rateLimitPerMinute,
    )
  } catch (refused) {
    noteRefusal(keyHash, refused, now)
    throw refused
  }
}
