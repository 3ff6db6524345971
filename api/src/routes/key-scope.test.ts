import { env } from 'cloudflare:workers'
import type { AccountExport, Credits, UsagePage } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import {
  type ApiKey,
  api,
  type CreatedApiKey,
  expectError,
  json,
  type SignedUp,
  signup,
} from '../../test/helpers.js'
import { changeCredits } from '../lib/credits.js'

async function createKey(account: SignedUp, body: Record<string, unknown>): Promise<CreatedApiKey> {
  const res = await api('/v1/keys', { json: body, token: account.token })
  expect(res.status, await res.clone().text()).toBe(201)
  return json<CreatedApiKey>(res)
}

/** A usage record of `keyId` and its charge (a ledger row referencing it), as a generation leaves. */
async function described(account: SignedUp, keyId: string, at: number): Promise<string> {
  const id = `use_${crypto.randomUUID()}`
  await env.DB.prepare(
    `INSERT INTO usage (id, user_id, api_key_id, endpoint, model, image_url, alt_text, language, credits_used, created_at)
     VALUES (?, ?, ?, '/v1/alt-text', 'm', NULL, 'A cat', 'en', 1, ?)`,
  )
    .bind(id, account.user.id, keyId, at)
    .run()
  await changeCredits(env.DB, {
    userId: account.user.id,
    delta: -1,
    reason: 'generation',
    reference: id,
  })
  return id
}

describe('API key scopes and daily caps', () => {
  it('creates keys with a scope and a daily credit cap, lists and exports both', async () => {
    const account = await signup()
    const generate = await createKey(account, {
      name: 'Sanity',
      scope: 'generate',
      dailyCreditCap: 50,
    })
    expect(generate).toMatchObject({ name: 'Sanity', scope: 'generate', dailyCreditCap: 50 })
    const plain = await createKey(account, { name: 'CI' })
    expect(plain).toMatchObject({ scope: 'account', dailyCreditCap: null })
    // The key made at sign-up keeps today's rights.
    expect(account.apiKey).toMatchObject({ scope: 'account', dailyCreditCap: null })

    const list = await json<{ keys: ApiKey[] }>(await api('/v1/keys', { token: account.token }))
    expect(list.keys.map((key) => [key.name, key.scope, key.dailyCreditCap])).toEqual([
      ['CI', 'account', null],
      ['Sanity', 'generate', 50],
      ['Default key', 'account', null],
    ])
    const row = await env.DB.prepare('SELECT scope, daily_credit_cap FROM api_keys WHERE id = ?')
      .bind(generate.id)
      .first()
    expect(row).toEqual({ scope: 'generate', daily_credit_cap: 50 })
    const exported = await json<AccountExport>(
      await api('/v1/account/export', { token: account.token }),
    )
    expect(exported.apiKeys.find((key) => key.id === generate.id)).toMatchObject({
      scope: 'generate',
      dailyCreditCap: 50,
    })
  })

  it('refuses unknown scopes and caps that are not positive integers', async () => {
    const account = await signup()
    for (const body of [
      { name: 'x', scope: 'admin' },
      { name: 'x', dailyCreditCap: 0 },
      { name: 'x', dailyCreditCap: 2.5 },
      { name: 'x', dailyCreditCap: '10' },
      { name: 'x', dailyCreditCap: 1_000_001 },
    ]) {
      await expectError(
        await api('/v1/keys', { json: body, token: account.token }),
        400,
        'invalid_request',
      )
    }
  })

  it('a generate key gets 403 on every account route, and reads only its own usage', async () => {
    const account = await signup()
    const generate = await createKey(account, { name: 'plugin', scope: 'generate' })
    const token = generate.key
    for (const [method, path, body] of [
      ['GET', '/v1/account', undefined],
      ['PATCH', '/v1/account', { currentPassword: account.password, name: 'x' }],
      ['DELETE', '/v1/account', { password: account.password }],
      ['GET', '/v1/account/export', undefined],
      ['GET', '/v1/keys', undefined],
      ['POST', '/v1/keys', { name: 'more' }],
      ['POST', '/v1/billing/checkout', { packId: 'pack_500' }],
      ['POST', '/v1/auth/logout', undefined],
    ] as const) {
      const res = await api(path, { method, token, ...(body ? { json: body } : {}) })
      const error = await expectError(res, 403, 'forbidden')
      expect(error.error.message, `${method} ${path}`).toContain('generate')
    }
    // Nothing changed: the account is still there with its name.
    const me = await api('/v1/account', { token: account.token })
    expect(me.status).toBe(200)

    const now = Date.now()
    const mine = await described(account, generate.id, now - 2000)
    const other = await described(account, account.apiKey.id, now - 1000)
    const usage = await json<UsagePage>(await api('/v1/usage', { token }))
    expect(usage.records.map((record) => record.id)).toEqual([mine])
    const credits = await json<Credits>(await api('/v1/credits', { token }))
    expect(credits.balance).toBe(8)
    expect(credits.ledger.map((entry) => entry.reference)).toEqual([mine])

    // An account key (and a session) sees everything, as before scopes.
    const all = await json<UsagePage>(await api('/v1/usage', { token: account.apiKey.key }))
    expect(all.records.map((record) => record.id)).toEqual([other, mine])
    const ledger = await json<Credits>(await api('/v1/credits', { token: account.apiKey.key }))
    expect(ledger.ledger.map((entry) => entry.reason)).toEqual([
      'generation',
      'generation',
      'signup',
    ])
    expect((await api('/v1/account', { token: account.apiKey.key })).status).toBe(200)
    // Session-only routes still answer an account key 401, as before.
    await expectError(
      await api('/v1/account/export', { token: account.apiKey.key }),
      401,
      'unauthorized',
    )
  })
})
