/**
 * The image of a request by URL, fetched while the fetch is counted against the key's limit.
 *
 * A fetch is work we do for free, so it costs a unit of the key's generation limit whether it
 * succeeds or not (a failed fetch costs rate budget, never credits). Counting first and fetching
 * after put a D1 round trip before every fetch (by URL 1.08× the pre-hardening API, p50, on a
 * quiet machine; BENCHMARKS.md). So the count and the fetch start together, and the fetch is
 * abandoned when the count refuses the request (401, 429).
 *
 * That would let a key over its limit start one fetch per refused request. So the isolate keeps
 * the last count it saw of each key: a key whose next unit would pass its limit in the current
 * window, or that was refused, is counted first and fetches only when admitted. A key over its
 * limit in another isolate starts at most one abandoned fetch here before this isolate knows.
 */
import type { Context } from 'hono'
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import type { AppEnv } from '../types.js'
import { fetchImage } from './fetch-image.js'
import type { Image } from './image.js'
import { authenticateKey, type Counted, GENERATION_LIMIT } from './key-auth.js'

/** Per key hash: the end of the window in which it must be counted before it fetches. */
const countFirstUntil = new Map<string, number>()
/** Bounds the map: an isolate that served this many keys forgets them all (they fetch again). */
const MAX_KEYS = 10_000
/** How long a key refused for another reason than its limit (revoked: 401) counts first. */
const REFUSED_MS = 60_000

function remember(keyHash: string, until: number): void {
  if (countFirstUntil.size >= MAX_KEYS) countFirstUntil.clear()
  countFirstUntil.set(keyHash, until)
}

/** After an admitted count: whether the key's next unit would pass its limit in this window. */
function noteCount(keyHash: string, counted: Counted | undefined, limit: number): void {
  if (counted && counted.count + 1 > limit) {
    remember(keyHash, counted.windowStart + GENERATION_LIMIT.windowMs)
  } else {
    countFirstUntil.delete(keyHash)
  }
}

/**
 * Counts one unit against the key `keyHash` (401/429 when refused) and fetches `url` (422/415 when
 * it fails): together, or the count first for a key known to be at its limit or refused.
 */
export async function fetchCounted(
  c: Context<AppEnv>,
  keyHash: string,
  url: string,
  config: Config,
): Promise<Image> {
  const now = Date.now()
  const limit = config.rateLimitPerMinute
  const options = {
    allowPrivate: config.allowPrivateImageUrls,
    timeoutMs: config.imageFetchTimeoutMs,
  }
  if ((countFirstUntil.get(keyHash) ?? 0) > now) {
    noteCount(keyHash, await count(c, keyHash, now), limit)
    return fetchImage(url, options)
  }
  const abandon = new AbortController()
  const fetching = fetchImage(url, { ...options, signal: abandon.signal })
  // Its failure is answered below, or not at all when the count refuses the request first.
  fetching.catch(() => undefined)
  try {
    noteCount(keyHash, await count(c, keyHash, now), limit)
  } catch (refused) {
    abandon.abort(refused)
    throw refused
  }
  return fetching
}

/** Counts the unit; a refusal marks the key "count first" until its window ends. */
async function count(c: Context<AppEnv>, keyHash: string, now: number) {
  try {
    return await authenticateKey(c, keyHash, now, GENERATION_LIMIT)
  } catch (refused) {
    const retryAfter = refused instanceof ApiError ? Number(refused.headers['retry-after']) : NaN
    remember(keyHash, now + (Number.isFinite(retryAfter) ? retryAfter * 1000 : REFUSED_MS))
    throw refused
  }
}
