/**
 * What this isolate knows of an API key from its last charges — its owner, the balance and the
 * rate-limit counter after the last charge — and which of its requests are running here now.
 * Only a hint, never an authority: it decides whether the model may be asked before the charge
 * (the charge itself checks the key, the limit and the balance).
 *
 * `admit` lets a request be described first only when the balance and the limit last seen cover
 * it and every request of the key already running in this isolate; a request that is not covered
 * while described-first requests run waits for them to settle, so that it cannot spend the credit
 * they counted on. Within one isolate, then, a request described first is never refused for its
 * balance or its limit. What can still refuse it — a revocation, or a spend through another isolate
 * or route — costs at most `MAX_EARLY` model calls per isolate, after which the key is charged
 * first until its hint expires.
 */

/** Hints older than this are ignored: an idle key is charged first again. */
const TTL_MS = 60_000
/** Bounded, so that many keys cannot grow the isolate's memory. */
const MAX_ENTRIES = 1_000
/** At most this many requests of one key run described-first in one isolate at once. */
export const MAX_EARLY = 8

/** A key's owner, last known balance and counter. */
export interface KeyHint {
  userId: string
  apiKeyId: string
  /** Balance after the last charge seen (the lowest, if charges settle out of order). */
  credits: number
  /** The generation counter after that charge, and its window's start. */
  count: number
  windowStart: number
  /** When the hint was first learnt; it expires TTL_MS later and is learnt afresh. */
  at: number
}

const hints = new Map<string, KeyHint>()

/** The hint for a key, if recent. */
export function keyHint(keyHash: string, now = Date.now()): KeyHint | undefined {
  const hint = hints.get(keyHash)
  if (hint && now - hint.at > TTL_MS) {
    hints.delete(keyHash)
    return undefined
  }
  return hint
}

/**
 * Remembers a key after a successful charge, keeping the lower balance and the higher count:
 * charges settle out of order, and the hint must never be more generous than the truth.
 */
export function rememberKey(keyHash: string, learnt: KeyHint): void {
  const known = keyHint(keyHash, learnt.at)
  if (known) {
    known.credits = Math.min(known.credits, learnt.credits)
    if (known.count === Number.POSITIVE_INFINITY) return
    if (learnt.windowStart > known.windowStart) {
      known.windowStart = learnt.windowStart
      known.count = learnt.count
    } else if (learnt.windowStart === known.windowStart) {
      known.count = Math.max(known.count, learnt.count)
    }
    return
  }
  insert(keyHash, { ...learnt })
}

function insert(keyHash: string, hint: KeyHint): void {
  hints.delete(keyHash)
  if (hints.size >= MAX_ENTRIES) {
    // Maps iterate in insertion order: the first entry is the oldest.
    const oldest = hints.keys().next().value
    if (oldest !== undefined) hints.delete(oldest)
  }
  hints.set(keyHash, hint)
}

/**
 * Marks a key whose charge was refused (revoked, rate limited, out of credit): charged first until
 * the mark expires. A mark rather than a deletion, so that a slower request's older, higher
 * balance settling afterwards cannot make the key look solvent again.
 */
export function forgetKey(keyHash: string, now = Date.now()): void {
  // Only a key with a hint or other requests running can have a charge settle later; invented
  // keys leave nothing behind.
  if (!hints.has(keyHash) && (running.get(keyHash)?.all ?? 0) <= 1) return
  insert(keyHash, {
    userId: '',
    apiKeyId: '',
    credits: 0,
    count: Number.POSITIVE_INFINITY,
    windowStart: now,
    at: now,
  })
}

/** How a request runs: described first (with the hint it relied on) or charged first. */
export interface Admission {
  first: KeyHint | undefined
  /** Call once the request has settled (answered, refused or failed). */
  done: () => void
}

interface Running {
  all: number
  early: number
}

/** How often a request waiting for described-first requests to settle looks again. */
const POLL_MS = 5

const running = new Map<string, Running>()

/**
 * Decides how a request of the key runs — described first when its hint covers it and every
 * request of the key running here, at most MAX_EARLY at once; else charged first, after waiting
 * for described-first requests to settle when it might otherwise spend their credit — and counts
 * it as running until `done`.
 */
export async function admit(
  keyHash: string,
  price: number,
  limit: { perWindow: number; windowMs: number },
): Promise<Admission> {
  for (;;) {
    const now = Date.now()
    const hint = keyHint(keyHash, now)
    let state = running.get(keyHash)
    if (!state) {
      state = { all: 0, early: 0 }
      running.set(keyHash, state)
    }
    const ahead = state.all
    const covered =
      hint !== undefined &&
      (ahead + 1) * price <= hint.credits &&
      (now >= hint.windowStart + limit.windowMs || hint.count + ahead + 1 <= limit.perWindow)
    if (!covered && state.early > 0) {
      // It might take what a described-first request counted on: wait for those to settle. By
      // polling: a request cannot be woken from another request's context in Workers.
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      continue
    }
    const first = covered && state.early < MAX_EARLY ? hint : undefined
    const mine = state
    mine.all++
    if (first) mine.early++
    let settled = false
    return {
      first,
      done() {
        if (settled) return
        settled = true
        mine.all--
        if (first) mine.early--
        if (mine.all === 0 && running.get(keyHash) === mine) running.delete(keyHash)
      },
    }
  }
}
