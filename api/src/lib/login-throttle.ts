/**
 * Throttling of failed logins (and other password guesses) per email and per client network, and
 * of sign-ups per client network, on the fixed-window counters of `rate-limit.ts`. Counters are
 * keyed by the email whether or not an account exists, so a throttled answer says nothing about
 * existence.
 */
import type { Context } from 'hono'
import { ApiError } from '../errors.js'
import type { AppEnv } from '../types.js'
import { hmacHex, randomString } from './crypto.js'
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

const HEXTET = /^[0-9a-f]{1,4}$/

/**
 * The network a client address stands for in throttling: an IPv6 address is one of the 2^64 a
 * single customer line usually gets, so its /64 prefix (`2001:db8:1:2::/64`) is the unit; an
 * IPv4 address (also written IPv4-mapped, `::ffff:192.0.2.1`) is itself. Anything else is kept.
 */
export function clientNetwork(address: string): string {
  const ip = address.trim().toLowerCase().replace(/%.*$/, '')
  if (!ip.includes(':')) return ip
  const halves = ip.split('::')
  if (halves.length > 2) return ip
  const parts = (half: string | undefined) => (half ? half.split(':') : [])
  const head = parts(halves[0])
  const tail = parts(halves[1])
  // An embedded IPv4 address at the end takes the place of two groups.
  const width = (list: string[]) => list.reduce((n, part) => n + (part.includes('.') ? 2 : 1), 0)
  const missing = 8 - width(head) - width(tail)
  if (halves.length === 1 ? missing !== 0 : missing < 1) return ip
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]
  const last = groups.at(-1) ?? ''
  const wellFormed = groups.every(
    (group, i) =>
      HEXTET.test(group) || (i === groups.length - 1 && /^\d{1,3}(\.\d{1,3}){3}$/.test(group)),
  )
  if (!wellFormed) return ip
  if (last.includes('.')) {
    const mapped =
      groups.slice(0, 5).every((group) => /^0{1,4}$/.test(group)) && groups[5] === 'ffff'
    if (mapped && groups.length === 7) return last
  }
  const prefix = groups.slice(0, 4)
  if (!prefix.every((group) => HEXTET.test(group))) return ip
  return `${prefix.map((group) => Number.parseInt(group, 16).toString(16)).join(':')}::/64`
}

/** Who a throttle counts: the client network, the email when there is one, and the HMAC secret. */
export interface ThrottleTarget {
  email: string
  /** The client network (`clientNetwork`), never stored as such. */
  network: string
  secret: string
}

let isolateSecret: string | undefined

/**
 * THROTTLE_SECRET, or, when it is not set, a random secret for this isolate's life (logged once):
 * counters still never hold a bare hash, but they are no longer shared between isolates, so set
 * it in production.
 */
export function throttleSecret(c: Context<AppEnv>): string {
  const configured = c.var.config.throttleSecret
  if (configured) return configured
  if (!isolateSecret) {
    isolateSecret = randomString(40)
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'THROTTLE_SECRET is not set: throttle counters use a secret of this isolate only',
      }),
    )
  }
  return isolateSecret
}

/** The throttle target of this request for `email`. */
export function throttleTarget(c: Context<AppEnv>, email: string): ThrottleTarget {
  return { email, network: clientNetwork(clientIp(c)), secret: throttleSecret(c) }
}

/**
 * Counter keys hold an HMAC (THROTTLE_SECRET) of the email or client network, never the value
 * itself nor a bare hash of it, which could be reversed by hashing every IPv4 address: the
 * privacy policy lists what we store, and addresses in a throttle table are not on it. Stale rows
 * are deleted by the daily retention job.
 */
const emailKey = async (t: ThrottleTarget) => `login:email:${await hmacHex(t.secret, t.email)}`
const ipKey = async (t: ThrottleTarget) => `login:ip:${await hmacHex(t.secret, t.network)}`

/** The key of the sign-up counter of a client network. */
export const signupKey = async (t: ThrottleTarget) =>
  `signup:ip:${await hmacHex(t.secret, t.network)}`

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
export async function assertNotThrottled(db: D1Database, target: ThrottleTarget): Promise<void> {
  const checks = [peek(db, await ipKey(target), LOGIN_THROTTLE.perIp, LOGIN_THROTTLE.windowMs)]
  if (target.email)
    checks.push(peek(db, await emailKey(target), LOGIN_THROTTLE.perEmail, LOGIN_THROTTLE.windowMs))
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
export async function beginPasswordAttempt(db: D1Database, target: ThrottleTarget): Promise<void> {
  const ip = await ipKey(target)
  const email = await emailKey(target)
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
export async function passwordAccepted(db: D1Database, target: ThrottleTarget): Promise<void> {
  await Promise.all([reset(db, await emailKey(target)), release(db, await ipKey(target))])
}
