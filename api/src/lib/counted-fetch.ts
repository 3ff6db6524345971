/**
 * The image of a request by URL, and the unit of the key's generation limit its fetch costs.
 *
 * A fetch is work we do for free, so it costs a unit of the key's limit whether it succeeds or not
 * (a failed fetch costs rate budget, never credits). Counting in a round trip of its own before
 * every fetch made requests by URL 1.08–1.09× slower than before the hardening (p50, quiet
 * machine; BENCHMARKS.md). So a key with room left fetches first: a fetched image's unit is
 * counted by the charge batch that follows anyway (the one unit of the request), a failed fetch's
 * right after the failure, answering 401/429 before the fetch's own error. The caller runs all of
 * it under `waitUntil` (`keepAlive`), so a client that goes away cannot leave a fetch uncounted,
 * and calls `done` when the charge has counted the unit (or counts it then).
 *
 * A fetch before its count is allowed only while the isolate knows the key has room for it: at
 * most `MAX_UNCOUNTED` such fetches of a key at once, and, when the isolate saw the key's count in
 * this window, no more than that count leaves under the limit. A key whose next unit would pass
 * its limit, or that was refused (401, 429), is counted first and fetches only when admitted. So
 * a key over its limit makes us fetch nothing, except — when another isolate spent its budget —
 * up to `MAX_UNCOUNTED` fetches in this isolate before it knows (each of them still counted).
 */
import type { Context } from 'hono'
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import type { AppEnv } from '../types.js'
import type { Image } from './image.js'
import { loadImage } from './image-input.js'
import { authenticateKey, type Counted, GENERATION_LIMIT } from './key-auth.js'

/** Fetches of one key that may run before their units are counted, per isolate. */
export const MAX_UNCOUNTED = 8
/** Bounds the map: past this many keys, those with nothing to remember are dropped first. */
const MAX_KEYS = 10_000
/** How long a key refused for another reason than its limit (revoked: 401) counts first. */
const REFUSED_MS = 60_000

/** What this isolate knows of a key's generation units. */
interface KeyState {
  /** Until when the key is counted before it fetches (at its limit, or refused). */
  countFirstUntil: number
  /** The last count seen, and the start of its window. */
  count: number
  windowStart: number
  /** Fetches of the key running now whose units are not counted yet. */
  uncounted: number
}

const keys = new Map<string, KeyState>()

function stateOf(keyHash: string): KeyState {
  let state = keys.get(keyHash)
  if (!state) {
    if (keys.size >= MAX_KEYS) prune(Date.now())
    state = { countFirstUntil: 0, count: 0, windowStart: 0, uncounted: 0 }
    keys.set(keyHash, state)
  }
  return state
}

/** Drops keys with nothing running and nothing to remember now. */
function prune(now: number): void {
  for (const [hash, state] of keys) {
    if (state.uncounted === 0 && state.countFirstUntil <= now) keys.delete(hash)
  }
}

/**
 * Notes a count of the key's generation units (from any batch that counted them): when its next
 * unit would pass `limit` in this window, its next fetch waits for its count.
 */
export function noteKeyCount(keyHash: string, counted: Counted | undefined, limit: number): void {
  if (!counted) return
  const state = stateOf(keyHash)
  state.count = counted.count
  state.windowStart = counted.windowStart
  state.countFirstUntil =
    counted.count + 1 > limit ? counted.windowStart + GENERATION_LIMIT.windowMs : 0
}

/** Notes a refusal of the key (401, 429): its fetches wait for its count until the refusal ends. */
function noteRefusal(keyHash: string, refused: unknown, now: number): void {
  if (!(refused instanceof ApiError) || (refused.status !== 401 && refused.status !== 429)) return
  const retryAfter = Number(refused.headers['retry-after'])
  stateOf(keyHash).countFirstUntil =
    now + (Number.isFinite(retryAfter) ? retryAfter * 1000 : REFUSED_MS)
}

/** Whether a fetch of the key may start before its unit is counted. */
function mayFetchFirst(state: KeyState, limit: number, now: number): boolean {
  if (state.countFirstUntil > now || state.uncounted >= MAX_UNCOUNTED) return false
  const sameWindow = now < state.windowStart + GENERATION_LIMIT.windowMs
  return !sameWindow || state.count + state.uncounted + 1 <= limit
}

/** The image of `url`, and how its unit is counted. */
export interface FetchedForKey {
  image: Image
  /** true: counted already. false: the charge is to count it, then `done` is called. */
  counted: boolean
  /**
   * Ends an uncounted fetch: `countedByCharge` tells whether the charge counted its unit; when
   * not (the request failed before), it is counted now. Never throws.
   */
  done(countedByCharge: boolean): Promise<void>
}

/**
 * Fetches `url` for the key `keyHash`: fetched first when the key has room (its unit then counted
 * by the charge, or right here when the fetch fails: 401/429 first, else the fetch's 422/415);
 * else counted first (401/429 when refused), then fetched.
 */
export async function fetchForKey(
  c: Context<AppEnv>,
  keyHash: string,
  url: string,
  config: Config,
): Promise<FetchedForKey> {
  const now = Date.now()
  const source = { kind: 'url', url } as const
  const state = stateOf(keyHash)
  if (!mayFetchFirst(state, config.rateLimitPerMinute, now)) {
    await countUnit(c, keyHash, now)
    return { image: await loadImage(source, config), counted: true, done: async () => {} }
  }
  state.uncounted++
  let running = true
  /** Frees the fetch's place among the key's uncounted ones, once; true the first time. */
  const release = () => {
    if (!running) return false
    running = false
    state.uncounted--
    return true
  }
  try {
    const image = await loadImage(source, config)
    const done = async (countedByCharge: boolean) => {
      if (release() && !countedByCharge) {
        await countUnit(c, keyHash, Date.now()).catch(() => undefined)
      }
    }
    return { image, counted: false, done }
  } catch (failure) {
    release()
    await countUnit(c, keyHash, Date.now())
    throw failure
  }
}

/** Counts one unit against the key; notes what the count said. */
async function countUnit(c: Context<AppEnv>, keyHash: string, now: number): Promise<void> {
  const limit = c.var.config.rateLimitPerMinute
  try {
    noteKeyCount(keyHash, await authenticateKey(c, keyHash, now, GENERATION_LIMIT), limit)
  } catch (refused) {
    noteRefusal(keyHash, refused, now)
    throw refused
  }
}
