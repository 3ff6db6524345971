/**
 * Throttling of failed logins (and other password guesses) per email and per client IP, on the
 * fixed-window counters of `rate-limit.ts`. Counters are keyed by the email whether or not an
 * account exists, so a throttled answer says nothing about existence.
 */
import type { Context } from 'hono'
import { ApiError } from '../errors.js'
import { sha256Hex } from './crypto.js'
import { hit, peek, release, reset } from './rate-limit.js'

/** The window and limits (failures per window). */
export const LOGIN_THROTTLE = {
  windowMs: 15 * 60_000,
  perEmail: 5,
  perIp: 30,
} as const

/** The client address as Cloudflare reports it (`unknown` outside Cloudflare, e.g. in tests). */
export function clientIp(c: Context): string {
  return c.req.header('cf-connecting-ip')?.trim().slice(0, 64) || 'unknown'
}

/**
 * Counter keys hold a SHA-256 of the email or IP, never the address itself: the privacy policy
 * lists what we store, and raw addresses in a throttle table are not on it. Stale rows are
 * deleted by the daily retention job.
 */
const emailKey = async (email: string) => `login:email:${await sha256Hex(email)}`
const ipKey = async (ip: string) => `login:ip:${await sha256Hex(ip)}`

function throttled(retryAfter: number): ApiError {
  return new ApiError(
    'rate_limited',
    `Too many failed attempts. Try again in ${retryAfter} seconds.`,
    {
      'retry-after': String(retryAfter),
    },
  )
}

/** Throws 429 `rate_limited` (with Retry-After) when the email or the IP has used up its failures. */
export async function assertNotThrottled(
  db: D1Database,
  target: { email?: string; ip: string },
): Promise<void> {
  const checks = [peek(db, await ipKey(target.ip), LOGIN_THROTTLE.perIp, LOGIN_THROTTLE.windowMs)]
  if (target.email)
    checks.push(
      peek(db, await emailKey(target.email), LOGIN_THROTTLE.perEmail, LOGIN_THROTTLE.windowMs),
    )
  const results = await Promise.all(checks)
  const blocked = results.filter((result) => !result.allowed)
  if (blocked.length > 0) throw throttled(Math.max(...blocked.map((result) => result.retryAfter)))
}

/**
 * Takes one attempt from the failure budgets of the IP and the email *before* the password is
 * checked, and answers 429 when either budget is used up. Counting first is what holds
 * simultaneous guesses to the limit: each request takes its slot in one atomic upsert, so twenty
 * requests sent at once cannot all pass a check made before any of them was counted (a refused
 * attempt gives its slots back). The slot stays taken when the password is wrong, so a failure
 * needs no further write; call `passwordAccepted` when it was right.
 */
export async function beginPasswordAttempt(
  db: D1Database,
  target: { email: string; ip: string },
): Promise<void> {
  const ip = await ipKey(target.ip)
  const email = await emailKey(target.email)
  const results = await Promise.all([
    hit(db, ip, LOGIN_THROTTLE.perIp, LOGIN_THROTTLE.windowMs),
    hit(db, email, LOGIN_THROTTLE.perEmail, LOGIN_THROTTLE.windowMs),
  ])
  const blocked = results.filter((result) => !result.allowed)
  if (blocked.length > 0) {
    await Promise.all([release(db, ip), release(db, email)])
    throw throttled(Math.max(...blocked.map((result) => result.retryAfter)))
  }
}

/**
 * The password of an attempt begun with `beginPasswordAttempt` was right: the email's failures are
 * forgotten, and the IP gets its slot back (a success is not a failure). The IP's earlier
 * failures are kept: resetting them would let one valid account clear the way for guessing at
 * others from the same address.
 */
export async function passwordAccepted(
  db: D1Database,
  target: { email: string; ip: string },
): Promise<void> {
  await Promise.all([reset(db, await emailKey(target.email)), release(db, await ipKey(target.ip))])
}
