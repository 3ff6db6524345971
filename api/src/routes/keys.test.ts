import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
  type ApiKey,
  api,
  type CreatedApiKey,
  expectError,
  json,
  signup,
} from '../../test/helpers.js'

describe('/v1/keys', () => {
  it('creates a key shown once, lists keys without secrets, revokes at once', async () => {
    const account = await signup()
    const created = await api('/v1/keys', { json: { name: '  CI  ' }, token: account.token })
    expect(created.status).toBe(201)
    const key = await json<CreatedApiKey>(created)
    expect(key).toMatchObject({ name: 'CI', lastUsedAt: null })
    expect(key.key).toMatch(/^atk_[A-Za-z0-9]{40}$/)
    expect(key.prefix).toBe(key.key.slice(0, 12))

    // The new key works, and its use shows up as lastUsedAt.
    expect((await api('/v1/account', { token: key.key })).status).toBe(200)
    const listRes = await api('/v1/keys', { token: account.token })
    expect(listRes.status).toBe(200)
    const text = await listRes.clone().text()
    expect(text).not.toContain(key.key)
    expect(text).not.toContain(account.apiKey.key)
    expect(text).not.toMatch(/hash|[0-9a-f]{64}/i)
    const list = await json<{ keys: ApiKey[] }>(listRes)
    expect(list.keys.map((k) => k.id)).toEqual([key.id, account.apiKey.id])
    for (const item of list.keys)
      expect(Object.keys(item).sort()).toEqual([
        'createdAt',
        'dailyCreditCap',
        'id',
        'lastUsedAt',
        'name',
        'prefix',
        'scope',
      ])
    const listed = list.keys.find((k) => k.id === key.id)
    expect(listed?.lastUsedAt).not.toBeNull()

    const revoked = await api(`/v1/keys/${key.id}`, { method: 'DELETE', token: account.token })
    expect(revoked.status).toBe(204)
    await expectError(await api('/v1/account', { token: key.key }), 401, 'unauthorized')
    const after = await json<{ keys: ApiKey[] }>(await api('/v1/keys', { token: account.token }))
    expect(after.keys.map((k) => k.id)).toEqual([account.apiKey.id])
    // Revoking again: the key is gone as far as the API is concerned.
    await expectError(
      await api(`/v1/keys/${key.id}`, { method: 'DELETE', token: account.token }),
      404,
      'not_found',
    )
    // The other key still works.
    expect((await api('/v1/account', { token: account.apiKey.key })).status).toBe(200)
  })

  it("answers 404 for someone else's key and leaves it working", async () => {
    const alice = await signup()
    const mallory = await signup()
    await expectError(
      await api(`/v1/keys/${alice.apiKey.id}`, { method: 'DELETE', token: mallory.token }),
      404,
      'not_found',
    )
    await expectError(
      await api('/v1/keys/key_doesnotexist', { method: 'DELETE', token: mallory.token }),
      404,
      'not_found',
    )
    expect((await api('/v1/account', { token: alice.apiKey.key })).status).toBe(200)
    const list = await json<{ keys: ApiKey[] }>(await api('/v1/keys', { token: mallory.token }))
    expect(list.keys.map((k) => k.id)).toEqual([mallory.apiKey.id])
  })

  it('needs a session: an API key cannot list, create or revoke keys', async () => {
    const account = await signup()
    const token = account.apiKey.key
    for (const res of [
      await api('/v1/keys', { token }),
      await api('/v1/keys', { json: { name: 'x' }, token }),
      await api(`/v1/keys/${account.apiKey.id}`, { method: 'DELETE', token }),
    ]) {
      const body = await expectError(res, 401, 'unauthorized')
      expect(body.error.message).toMatch(/session/)
    }
    await expectError(await api('/v1/keys'), 401, 'unauthorized')
  })

  it('validates the name', async () => {
    const account = await signup()
    const token = account.token
    for (const body of [
      {},
      { name: '' },
      { name: '   ' },
      { name: 7 },
      { name: 'x'.repeat(101) },
      { name: 'ok', scope: 'all' },
    ]) {
      await expectError(await api('/v1/keys', { json: body, token }), 400, 'invalid_request')
    }
  })

  it('caps active keys per account; revoking one makes room', async () => {
    const account = await signup()
    for (let i = 1; i < 20; i++) {
      const res = await api('/v1/keys', { json: { name: `key ${i}` }, token: account.token })
      expect(res.status).toBe(201)
    }
    const over = await expectError(
      await api('/v1/keys', { json: { name: 'one too many' }, token: account.token }),
      400,
      'invalid_request',
    )
    expect(over.error.message).toContain('20')
    const count = await env.DB.prepare('SELECT count(*) AS n FROM api_keys WHERE user_id = ?')
      .bind(account.user.id)
      .first<{ n: number }>()
    expect(count?.n).toBe(20)
    expect(
      (await api(`/v1/keys/${account.apiKey.id}`, { method: 'DELETE', token: account.token }))
        .status,
    ).toBe(204)
    expect(
      (await api('/v1/keys', { json: { name: 'room again' }, token: account.token })).status,
    ).toBe(201)
  })
})
