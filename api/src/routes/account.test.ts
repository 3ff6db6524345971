import { env } from 'cloudflare:workers'
import type { ApiKey, Credits } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import {
  api,
  type CreatedApiKey,
  expectError,
  expectLedgerInvariant,
  json,
  signup,
  type User,
  uniqueEmail,
  uniqueIp,
} from '../../test/helpers.js'
import { sha256Hex } from '../lib/crypto.js'

const login = async (email: string, password: string) =>
  api('/v1/auth/login', { json: { email, password }, ip: uniqueIp() })

describe('the account journey', () => {
  it('signup → login → account → keys → revoke → logout → credits, ledger whole at every step', async () => {
    const email = uniqueEmail('journey')
    const password = 'journey password 1'
    const signed = await api('/v1/auth/signup', {
      json: { email, password, name: 'Journey' },
      ip: uniqueIp(),
    })
    expect(signed.status).toBe(201)
    const { user, apiKey } = await json<{ user: User; token: string; apiKey: CreatedApiKey }>(
      signed,
    )
    expect(user.credits).toBe(10)
    expect(await expectLedgerInvariant(user.id)).toBe(10)

    const logged = await login(email, password)
    expect(logged.status).toBe(200)
    const { token } = await json<{ token: string }>(logged)
    expect(await expectLedgerInvariant(user.id)).toBe(10)

    const me = await json<User>(await api('/v1/account', { token }))
    expect(me).toEqual(user)
    expect(await json<User>(await api('/v1/account', { token: apiKey.key }))).toEqual(user)

    const created = await json<CreatedApiKey>(
      await api('/v1/keys', { json: { name: 'build server' }, token }),
    )
    const listed = await json<{ keys: ApiKey[] }>(await api('/v1/keys', { token }))
    expect(listed.keys.map((k) => k.name)).toEqual(['build server', 'Default key'])
    expect((await api('/v1/account', { token: created.key })).status).toBe(200)
    expect(await expectLedgerInvariant(user.id)).toBe(10)

    expect((await api(`/v1/keys/${created.id}`, { method: 'DELETE', token })).status).toBe(204)
    await expectError(await api('/v1/account', { token: created.key }), 401, 'unauthorized')
    await expectError(await api('/v1/credits', { token: created.key }), 401, 'unauthorized')

    const patched = await api('/v1/account', {
      method: 'PATCH',
      json: { name: 'Renamed', storeHistory: false, currentPassword: password },
      token,
    })
    expect(await json<User>(patched)).toMatchObject({ name: 'Renamed', storeHistory: false })
    expect(await expectLedgerInvariant(user.id)).toBe(10)

    expect((await api('/v1/auth/logout', { method: 'POST', token })).status).toBe(204)
    await expectError(await api('/v1/account', { token }), 401, 'unauthorized')

    const credits = await json<Credits>(await api('/v1/credits', { token: apiKey.key }))
    expect(credits.balance).toBe(10)
    expect(credits.ledger).toHaveLength(1)
    expect(credits.ledger[0]).toMatchObject({ delta: 10, reason: 'signup', balanceAfter: 10 })
    expect(await expectLedgerInvariant(user.id)).toBe(credits.balance)
  })
})

describe('GET /v1/account', () => {
  it('refuses missing, garbage and unknown credentials with 401', async () => {
    const headers = [
      undefined,
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      'Bearer nonsense',
      'Bearer atk_',
      'Bearer ats_',
      `Bearer atk_${'a'.repeat(40)}`,
      `Bearer ats_${'a'.repeat(40)}`,
      `Bearer atk_${'a'.repeat(400)}`,
      'Bearer atk_a atk_b',
      'Token atk_abc',
    ]
    for (const authorization of headers) {
      const res = await api('/v1/account', authorization ? { headers: { authorization } } : {})
      await expectError(res, 401, 'unauthorized')
    }
  })

  it('refuses an expired session', async () => {
    const account = await signup()
    await env.DB.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?')
      .bind(Date.now() - 1, await sha256Hex(account.token))
      .run()
    const body = await expectError(
      await api('/v1/account', { token: account.token }),
      401,
      'unauthorized',
    )
    expect(body.error.message).toMatch(/log in/i)
    // The API key of the same account is unaffected.
    expect((await api('/v1/account', { token: account.apiKey.key })).status).toBe(200)
  })

  it('sets expiry from SESSION_TTL_HOURS (default 30 days)', async () => {
    const account = await signup()
    const row = await env.DB.prepare(
      'SELECT created_at, expires_at FROM sessions WHERE token_hash = ?',
    )
      .bind(await sha256Hex(account.token))
      .first<{ created_at: number; expires_at: number }>()
    expect((row?.expires_at ?? 0) - (row?.created_at ?? 0)).toBe(720 * 3_600_000)
  })
})

describe('PATCH /v1/account', () => {
  it('changes name and storeHistory with the current password', async () => {
    const account = await signup({ name: 'Old' })
    const res = await api('/v1/account', {
      method: 'PATCH',
      json: { name: 'New Name', storeHistory: false, currentPassword: account.password },
      token: account.token,
    })
    expect(res.status).toBe(200)
    const user = await json<User>(res)
    expect(user).toEqual({ ...account.user, name: 'New Name', storeHistory: false })
    const cleared = await api('/v1/account', {
      method: 'PATCH',
      json: { name: null, storeHistory: true, currentPassword: account.password },
      token: account.token,
    })
    expect(await json<User>(cleared)).toEqual({ ...account.user, name: null, storeHistory: true })
  })

  it('refuses a wrong current password with 403 and throttles guesses', async () => {
    const account = await signup()
    for (let i = 0; i < 5; i++) {
      const res = await api('/v1/account', {
        method: 'PATCH',
        json: { name: 'x', currentPassword: `wrong guess ${i}` },
        token: account.token,
      })
      await expectError(res, 403, 'forbidden')
    }
    const blocked = await api('/v1/account', {
      method: 'PATCH',
      json: { name: 'x', currentPassword: account.password },
      token: account.token,
    })
    await expectError(blocked, 429, 'rate_limited')
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    const me = await json<User>(await api('/v1/account', { token: account.token }))
    expect(me.name).toBe(account.user.name)
  })

  it('changes the password: the old one stops working, other sessions end, this one stays', async () => {
    const account = await signup()
    const other = await json<{ token: string }>(await login(account.email, account.password))
    const newPassword = 'a brand new password'
    const res = await api('/v1/account', {
      method: 'PATCH',
      json: { newPassword, currentPassword: account.password },
      token: account.token,
    })
    expect(res.status).toBe(200)
    expect((await api('/v1/account', { token: account.token })).status).toBe(200)
    await expectError(await api('/v1/account', { token: other.token }), 401, 'unauthorized')
    // API keys are not sessions: they keep working.
    expect((await api('/v1/account', { token: account.apiKey.key })).status).toBe(200)
    await expectError(await login(account.email, account.password), 401, 'unauthorized')
    expect((await login(account.email, newPassword)).status).toBe(200)
  })

  it('changes the email (normalised); a taken email gets a generic 400', async () => {
    const account = await signup()
    const other = await signup()
    const fresh = uniqueEmail('moved')
    const res = await api('/v1/account', {
      method: 'PATCH',
      json: { email: ` ${fresh.toUpperCase()} `, currentPassword: account.password },
      token: account.token,
    })
    expect((await json<User>(res)).email).toBe(fresh)
    expect((await login(fresh, account.password)).status).toBe(200)
    await expectError(await login(account.email, account.password), 401, 'unauthorized')

    const taken = await api('/v1/account', {
      method: 'PATCH',
      json: { email: other.email, currentPassword: account.password },
      token: account.token,
    })
    const body = await expectError(taken, 400, 'invalid_request')
    expect(body.error.message).not.toMatch(/exist|taken|registered|another account/i)
    const me = await json<User>(await api('/v1/account', { token: account.token }))
    expect(me.email).toBe(fresh)
  })

  it('validates the body and needs a session', async () => {
    const account = await signup()
    const token = account.token
    const bad: unknown[] = [
      {},
      { name: 'x' },
      { currentPassword: account.password, email: 'nope' },
      { currentPassword: account.password, newPassword: 'short' },
      { currentPassword: account.password, storeHistory: 'false' },
      { currentPassword: account.password, credits: 1_000_000 },
      { currentPassword: account.password, name: 5 },
      { currentPassword: account.password, newPassword: account.email },
    ]
    for (const body of bad) {
      await expectError(
        await api('/v1/account', { method: 'PATCH', json: body, token }),
        400,
        'invalid_request',
      )
    }
    const withKey = await api('/v1/account', {
      method: 'PATCH',
      json: { name: 'x', currentPassword: account.password },
      token: account.apiKey.key,
    })
    const body = await expectError(withKey, 401, 'unauthorized')
    expect(body.error.message).toMatch(/session/)
    const me = await json<User>(await api('/v1/account', { token }))
    expect(me).toEqual(account.user)
    expect(await expectLedgerInvariant(account.user.id)).toBe(10)
  })
})
