import {
  LoginRequest,
  LoginResponse,
  type LoginResponse as LoginResponseBody,
  SignupRequest,
  SignupResponse,
  type SignupResponse as SignupResponseBody,
} from '@alttextapi/core'
import { Hono } from 'hono'
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import { prepareApiKey } from '../lib/api-keys.js'
import { readJson } from '../lib/body.js'
import { creditStatements } from '../lib/credits.js'
import { newId } from '../lib/crypto.js'
import {
  assertNotThrottled,
  beginPasswordAttempt,
  passwordAccepted,
  signupKey,
  throttleTarget,
} from '../lib/login-throttle.js'
import { hashPassword, needsRehash, verifyPassword } from '../lib/password.js'
import { hit } from '../lib/rate-limit.js'
import { describe } from '../lib/route-doc.js'
import { deleteExpiredSessions, prepareSession } from '../lib/sessions.js'
import { findUserByEmail, normaliseEmail, type UserRecord, userJson } from '../lib/users.js'
import { requireAuth } from '../middleware/auth.js'
import type { AppEnv } from '../types.js'

/** The name of the key every new account gets. */
const FIRST_KEY_NAME = 'Default key'

/**
 * The one answer for sign-up details that cannot be used, including an email that already has an
 * account: the message never says which, so sign-up does not confirm that an account exists.
 */
const unusableSignup = () =>
  new ApiError(
    'invalid_request',
    'An account cannot be created with these details. If you already have an account, log in instead.',
  )

/** The one answer for a failed login, whether the email is unknown or the password is wrong. */
const badLogin = () => new ApiError('unauthorized', 'The email or password is not correct.')

const isEmailTaken = (err: unknown) =>
  err instanceof Error && /UNIQUE constraint failed: users\.email/i.test(err.message)

/** Starts a session for a user whose password was just verified (rehashing it if the cost changed). */
async function logIn(
  db: D1Database,
  config: Config,
  user: UserRecord,
  password: string,
): Promise<LoginResponseBody> {
  const now = Date.now()
  const session = await prepareSession(db, user.id, config.sessionTtlMs, now)
  const statements = [deleteExpiredSessions(db, user.id, now), session.statement]
  if (needsRehash(user.password_hash, config.bcryptRounds)) {
    const hash = await hashPassword(password, config.bcryptRounds)
    statements.push(
      db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').bind(hash, user.id),
    )
  }
  await db.batch(statements)
  return { user: userJson(user), token: session.token }
}

const postSignupDoc = describe({
  summary: 'Create an account',
  description:
    'Creates the account with SIGNUP_CREDITS free credits, a session token and a first API key (shown only this once). ' +
    'An email that already has an account gets the same 400 as other unusable details, so sign-up does not confirm ' +
    'that an account exists; if the password matches, the answer is a login (200, no new key). Failed attempts count ' +
    'against the login throttle.',
  tag: 'Account',
  auth: [],
  request: SignupRequest,
  response: {
    status: 201,
    schema: SignupResponse,
    description: 'The new account, a session token and the first API key.',
  },
  alsoResponds: [
    {
      status: 200,
      schema: LoginResponse,
      description: 'The email already has an account and the password is its password: a login.',
    },
  ],
  errors: ['rate_limited', 'payload_too_large'],
})

const postLoginDoc = describe({
  summary: 'Log in',
  description:
    'Returns a session token for the dashboard routes. Unknown email and wrong password get the same 401. ' +
    'After 5 failures for one email or 30 from one IP within 15 minutes the answer is 429 with Retry-After.',
  tag: 'Account',
  auth: [],
  request: LoginRequest,
  response: { status: 200, schema: LoginResponse },
  errors: ['unauthorized', 'rate_limited', 'payload_too_large'],
})

const postLogoutDoc = describe({
  summary: 'Log out',
  description: 'Ends the session: its token answers 401 from now on.',
  tag: 'Account',
  auth: ['session'],
  response: { status: 204, description: 'The session has ended.' },
  errors: ['unauthorized'],
})

/** `/v1/auth`: signup, login, logout. */
export const auth = new Hono<AppEnv>()
  .post('/signup', postSignupDoc, async (c) => {
    const body = await readJson(c, SignupRequest)
    const db = c.env.DB
    const config = c.var.config
    const email = normaliseEmail(body.email)
    const target = throttleTarget(c, email)
    await assertNotThrottled(db, target)
    if (body.password.trim().toLowerCase() === email) {
      throw new ApiError(
        'invalid_request',
        'Invalid request: password must not be the email address.',
      )
    }

    const existing = await findUserByEmail(db, email)
    if (existing) {
      // The owner signing up again with the right password just logs in; anyone else gets the
      // generic answer, and the attempt counts as a failed password guess.
      await beginPasswordAttempt(db, target)
      if (await verifyPassword(body.password, existing.password_hash, config.bcryptRounds)) {
        await passwordAccepted(db, target)
        return c.json<LoginResponseBody>(await logIn(db, config, existing, body.password), 200)
      }
      throw unusableSignup()
    }

    // New accounts come with free credits: a bounded number per network (an IPv4 address, an
    // IPv6 /64) per hour, so a script cannot farm them. Keyed by an HMAC of the network.
    const signups = await hit(db, await signupKey(target), config.signupsPerHourPerIp, 3_600_000)
    if (!signups.allowed) {
      throw new ApiError(
        'rate_limited',
        `Too many accounts were created from this network in the last hour. Try again in ${Math.ceil(signups.retryAfter / 60)} minutes, or log in to an existing account.`,
        { 'retry-after': String(signups.retryAfter) },
      )
    }

    const now = Date.now()
    const userId = newId('usr')
    const passwordHash = await hashPassword(body.password, config.bcryptRounds)
    const session = await prepareSession(db, userId, config.sessionTtlMs, now)
    const key = await prepareApiKey(db, userId, FIRST_KEY_NAME, now)
    const credit =
      config.signupCredits > 0
        ? creditStatements(db, { userId, delta: config.signupCredits, reason: 'signup', at: now })
            .statements
        : []
    // One atomic batch: the account, its free credits (through a ledger row), a session and a key.
    const results = await db
      .batch([
        db
          .prepare(
            `INSERT INTO users (id, email, name, password_hash, credits, store_history, created_at, updated_at)
             VALUES (?, ?, ?, ?, 0, 1, ?, ?)`,
          )
          .bind(userId, email, body.name || null, passwordHash, now, now),
        ...credit,
        session.statement,
        key.statement,
        db
          .prepare(
            'SELECT id, email, name, credits, store_history, created_at FROM users WHERE id = ?',
          )
          .bind(userId),
      ])
      .catch((err: unknown) => {
        // Two sign-ups for one email at once: the loser gets the same generic answer.
        if (isEmailTaken(err)) throw unusableSignup()
        throw err
      })
    const row = results.at(-1)?.results[0] as Parameters<typeof userJson>[0] | undefined
    if (!row) throw new Error('signup: user row missing after insert')
    return c.json<SignupResponseBody>(
      { user: userJson(row), token: session.token, apiKey: key.created },
      201,
    )
  })
  .post('/login', postLoginDoc, async (c) => {
    const body = await readJson(c, LoginRequest)
    const db = c.env.DB
    const config = c.var.config
    const email = normaliseEmail(body.email)
    const target = throttleTarget(c, email)
    // Counted before the password is checked (unknown emails too), so simultaneous guesses
    // cannot get past the limit; a right password gives the slot back.
    await beginPasswordAttempt(db, target)
    const user = await findUserByEmail(db, email)
    // Unknown emails are compared against a dummy hash, so both failures take the same time.
    const ok = await verifyPassword(body.password, user?.password_hash, config.bcryptRounds)
    if (!user || !ok) throw badLogin()
    await passwordAccepted(db, target)
    return c.json<LoginResponseBody>(await logIn(db, config, user, body.password), 200)
  })
  .post('/logout', postLogoutDoc, requireAuth('session'), async (c) => {
    const credential = c.var.credential
    if (credential.kind === 'session') {
      await c.env.DB.prepare('DELETE FROM sessions WHERE id = ?').bind(credential.sessionId).run()
    }
    return c.body(null, 204)
  })
