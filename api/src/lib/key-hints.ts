/**
 * What this isolate knows of an API key from its last charges — its owner, the balance and the
 * rate-limit counter after the last charge — and which of its requests are running here now.
 * Only a hint, never an authority: it decides whether the model may be asked before the charge
 * (the charge itself checks the key, the limit and the balance).
 *
 * `admit` lets a request be described first only when the balance and the counter last seen
 * cover it and every request of the key already running in this isolate (by their prices); a
 * request that is not covered while described-first requests run waits a little for them to
 * settle, so that it cannot spend the credit they counted on. Within one isolate that serves all
 * of a key's traffic, then, a request described first is not refused for its balance or its limit.
 * What can still refuse one — a revocation, a spend through another isolate or route, a wait that
 * ran out (a model slower than its timeouts allow) — is answered as usual and marks the key,
 * which is then charged first until the mark expires; each such event costs at most `MAX_EARLY`
 * described-but-unpaid requests per isolate.
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
  /** Requests of the key running here, and the credits they may spend. */
  all: number
  reserved: number
  /** Described-first requests running here, by their start time (expired if never settled). */
  early: Map<object, number>
}

/** A waiting request looks again after 5 ms, then less often, up to every 50 ms. */
const POLL_MS = 5
const POLL_MAX_MS = 50
/**
 * A described-first slot whose request never settled (the runtime cancelled it) is dropped after
 * this long: longer than any request can run (2 × the 120 s maximum model timeout).
 */
const EARLY_MAX_AGE_MS = 5 * 60_000

const running = new Map<string, Running>()
const waiting = new Map<string, number>()

function stateOf(keyHash: string): Running {
  let state = running.get(keyHash)
  if (!state) {
    state = { all: 0, reserved: 0, early: new Map() }
    running.set(keyHash, state)
  }
  return state
}

function earlyRunning(state: Running, now: number): number {
  for (const [slot, started] of state.early) {
    if (now - started > EARLY_MAX_AGE_MS) state.early.delete(slot)
  }
  return state.early.size
}

/** Whether the hint covers one more request of `price`, on top of those running here. */
function covers(
  hint: KeyHint | undefined,
  state: Running,
  price: number,
  limit: { perWindow: number; windowMs: number },
  now: number,
): hint is KeyHint {
  if (!hint || hint.userId === '') return false
  if (state.reserved + price > hint.credits) return false
  // In a window that has started since, the counter begins again at 0.
  const counted = now < hint.windowStart + limit.windowMs ? hint.count : 0
  return counted + state.all + 1 <= limit.perWindow
}

/**
 * Decides how a request of the key runs — described first when its hint covers it and every
 * request of the key running here, at most MAX_EARLY at once and none waiting; else charged
 * first, after waiting (at most `maxWaitMs`: as long as a described-first request can take) for
 * described-first requests to settle when it might otherwise spend their credit — and counts it
 * as running until `done`.
 */
export async function admit(
  keyHash: string,
  price: number,
  limit: { perWindow: number; windowMs: number },
  maxWaitMs: number,
): Promise<Admission> {
  const started = Date.now()
  let pause = POLL_MS
  let queued = false
  try {
    for (;;) {
      const now = Date.now()
      const hint = keyHint(keyHash, now)
      const state = stateOf(keyHash)
      const covered = covers(hint, state, price, limit, now)
      const early = earlyRunning(state, now)
      if (!covered && early > 0 && now - started < maxWaitMs) {
        if (!queued) {
          queued = true
          waiting.set(keyHash, (waiting.get(keyHash) ?? 0) + 1)
        }
        // Polling: a request cannot be woken from another request's context in Workers.
        await new Promise((resolve) => setTimeout(resolve, pause))
        pause = Math.min(POLL_MAX_MS, pause * 2)
        continue
      }
      // While requests wait, newcomers do not go first (they are charged first, which is safe
      // when covered): the described-first requests drain, and no waiter starves.
      const first =
        covered && early < MAX_EARLY && (waiting.get(keyHash) ?? 0) === (queued ? 1 : 0)
          ? hint
          : undefined
      const slot = {}
      state.all++
      state.reserved += price
      if (first) state.early.set(slot, now)
      let settled = false
      return {
        first,
        done() {
          if (settled) return
          settled = true
          state.all--
          state.reserved -= price
          state.early.delete(slot)
          if (state.all === 0 && running.get(keyHash) === state) running.delete(keyHash)
        },
      }
    }
  } finally {
    if (queued) {
      const left = (waiting.get(keyHash) ?? 1) - 1
      if (left > 0) waiting.set(keyHash, left)
      else waiting.delete(keyHash)
    }
  }
}

/** Whether this isolate charged the key lately (so it was valid a moment ago). */
export function isKnownKey(keyHash: string, now = Date.now()): boolean {
  const hint = keyHint(keyHash, now)
  return hint !== undefined && hint.userId !== ''
}
