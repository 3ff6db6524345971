import {
  type AccountUpdateRequest as AccountUpdateBody,
  AccountUpdateRequest,
  User,
  type User as UserBody,
} from '@alttextapi/core'
import { Hono } from 'hono'
import { ApiError } from '../errors.js'
import { readJson } from '../lib/body.js'
import { beginPasswordAttempt, passwordAccepted, throttleTarget } from '../lib/login-throttle.js'
import { hashPassword, verifyPassword } from '../lib/password.js'
import { forgetReuseStatement } from '../lib/reuse.js'
import { describe } from '../lib/route-doc.js'
import { endOtherSessions } from '../lib/sessions.js'
import { findUserById, normaliseEmail, userJson } from '../lib/users.js'
import { requireAuth } from '../middleware/auth.js'
import type { AppEnv } from '../types.js'

/**
 * The answer when the new email belongs to another account. It cannot be vaguer than "this email
 * cannot be used" (the change either happens or not), but it does not name another account; and
 * reaching it needs a session plus the current password, which the login throttle guards.
 */
const emailUnusable = () =>
  new ApiError('invalid_request', 'This email address cannot be used for this account.')

const isEmailTaken = (err: unknown) =>
  err instanceof Error && /UNIQUE constraint failed: users\.email/i.test(err.message)

const getRootDoc = describe({
  summary: 'The account',
  description:
    'The signed-in user, with the current credit balance. An API key of scope generate answers 403 (it reads the balance from GET /v1/credits).',
  tag: 'Account',
  auth: ['session', 'key'],
  response: { status: 200, schema: User },
  errors: ['unauthorized', 'forbidden'],
})

const patchRootDoc = describe({
  summary: 'Change the account',
  description:
    'Rectification and objection: change the name, email, password, or whether image URLs and alt text are stored ' +
    '(storeHistory). Needs the current password; wrong guesses count toward the login throttle. A new password ends ' +
    'every other session of the account. An email already in use gets a 400 "cannot be used".',
  tag: 'Account',
  auth: ['session'],
  request: AccountUpdateRequest,
  response: { status: 200, schema: User },
  errors: ['unauthorized', 'forbidden', 'rate_limited', 'payload_too_large'],
})

/** `/v1/account`: read and change the account (export and erasure live in `privacy.ts`). */
export const account = new Hono<AppEnv>()
  .get('/', getRootDoc, requireAuth('session', 'key'), (c) =>
    c.json<UserBody>(userJson(c.var.user)),
  )
  .patch('/', patchRootDoc, requireAuth('session'), async (c) => {
    const body: AccountUpdateBody = await readJson(c, AccountUpdateRequest)
    const db = c.env.DB
    const config = c.var.config
    const credential = c.var.credential
    const current = await findUserById(db, c.var.user.id)
    if (!current || credential.kind !== 'session') {
      throw new ApiError('unauthorized', 'The session has ended or is not valid. Log in again.')
    }

    // The current password guards every change; wrong guesses count like failed logins.
    const attempt = throttleTarget(c, current.email)
    await beginPasswordAttempt(db, attempt)
    if (!(await verifyPassword(body.currentPassword, current.password_hash, config.bcryptRounds))) {
      throw new ApiError('forbidden', 'The current password is not correct.')
    }
    await passwordAccepted(db, attempt)

    const sets: string[] = []
    const values: unknown[] = []
    if (body.name !== undefined) {
      sets.push('name = ?')
      values.push(body.name || null)
    }
    if (body.email !== undefined && normaliseEmail(body.email) !== current.email) {
      const email = normaliseEmail(body.email)
      if (body.newPassword === undefined && body.currentPassword.trim().toLowerCase() === email) {
        throw new ApiError(
          'invalid_request',
          'Invalid request: the email must not be the password.',
        )
      }
      sets.push('email = ?')
      values.push(email)
    }
    if (body.newPassword !== undefined) {
      const email = normaliseEmail(body.email ?? current.email)
      if (body.newPassword.trim().toLowerCase() === email) {
        throw new ApiError(
          'invalid_request',
          'Invalid request: newPassword must not be the email address.',
        )
      }
      sets.push('password_hash = ?')
      values.push(await hashPassword(body.newPassword, config.bcryptRounds))
    }
    if (body.storeHistory !== undefined) {
      sets.push('store_history = ?')
      values.push(body.storeHistory ? 1 : 0)
    }

    const statements: D1PreparedStatement[] = []
    if (sets.length > 0) {
      sets.push('updated_at = ?')
      values.push(Date.now())
      statements.push(
        db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).bind(...values, current.id),
      )
    }
    // A new password ends every other session (a thief's included); this one stays.
    if (body.newPassword !== undefined)
      statements.push(endOtherSessions(db, current.id, credential.sessionId))
    // An objection also ends reuse: descriptions kept for it are deleted (lib/reuse.ts).
    if (body.storeHistory === false) statements.push(forgetReuseStatement(db, current.id))
    statements.push(
      db
        .prepare(
          'SELECT id, email, name, credits, store_history, created_at FROM users WHERE id = ?',
        )
        .bind(current.id),
    )
    const results = await db.batch(statements).catch((err: unknown) => {
      if (isEmailTaken(err)) throw emailUnusable()
      throw err
    })
    const row = results.at(-1)?.results[0] as Parameters<typeof userJson>[0] | undefined
    if (!row) throw new Error('account: user row missing after update')
    return c.json<UserBody>(userJson(row))
  })
