/**
 * The key check of the Alt text tool against the REAL API (the Worker in workerd with a fresh
 * local D1, testkit's `startApi`): a `generate`-scoped key with a daily cap, made as the dashboard
 * makes it, is stored; the account-scoped key of the sign-up is refused.
 */
import { createClient as createAltTextClient } from '@alttextapi/core'
import { startApi } from '@alttextapi/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolvePluginConfig } from '../src/config.js'
import { ACCOUNT_KEY_REFUSED, keyScope, readApiKey, saveApiKey } from '../src/secrets.js'
import { type Env, startEnv } from './helpers.js'

let env: Env
let api: Awaited<ReturnType<typeof startApi>>
let accountKey: string
let generateKey: string

beforeAll(async () => {
  env = await startEnv()
  api = await startApi()
  const signup = await fetch(`${api.url}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'studio@example.com', password: 'correct horse battery' }),
  })
  expect(signup.status).toBe(201)
  const account = (await signup.json()) as { token: string; apiKey: { key: string } }
  accountKey = account.apiKey.key
  const created = await fetch(`${api.url}/v1/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${account.token}` },
    body: JSON.stringify({ name: 'Sanity Studio', scope: 'generate', dailyCreditCap: 50 }),
  })
  expect(created.status).toBe(201)
  generateKey = ((await created.json()) as { key: string }).key
}, 180_000)

afterAll(async () => {
  await api?.stop()
  await env?.close()
})

const altClient = (apiKey: string) =>
  createAltTextClient({ apiKey, baseUrl: api.url, maxRetries: 0 })

describe('the key stored for the Studio, checked against the real API', () => {
  it('stores a generate-scoped key (which still reads its balance) and refuses the account key', async () => {
    const { secretId } = resolvePluginConfig({})
    expect(await keyScope(altClient(generateKey))).toBe('generate')
    expect(await keyScope(altClient(accountKey))).toBe('account')
    // The estimate's balance read works with the scoped key.
    expect((await altClient(generateKey).credits()).balance).toBeGreaterThanOrEqual(0)
    await expect(
      saveApiKey(env.client, secretId, accountKey, { altClient: altClient(accountKey) }),
    ).rejects.toThrow(ACCOUNT_KEY_REFUSED)
    expect(await readApiKey(env.client, secretId)).toBeUndefined()
    await saveApiKey(env.client, secretId, generateKey, { altClient: altClient(generateKey) })
    expect(await readApiKey(env.client, secretId)).toBe(generateKey)
  })
})
