import { env } from 'cloudflare:workers'
import {
  type AccountExport,
  AccountExport as AccountExportSchema,
  type CheckoutResponse,
  type CreatedApiKey,
} from '@alttextapi/core'
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core'
import Stripe from 'stripe'
import * as v from 'valibot'
import { describe, expect, inject, it } from 'vitest'
import {
  api,
  expectError,
  expectLedgerInvariant,
  json,
  type SignedUp,
  signup,
} from '../../test/helpers.js'
import * as dbSchema from '../db/schema.js'
import { changeCredits } from '../lib/credits.js'
import { sha256Hex } from '../lib/crypto.js'

const stripeUrl = inject('fakeStripeUrl')

/**
 * Usage rows as generation writes them (one per described image), each with its ledger row, so
 * the account holds every kind of stored fact. Written straight to D1: this file tests what
 * export and erasure do with the rows, whoever wrote them.
 */
async function addUsage(account: SignedUp, keyId: string, n: number) {
  const records: Array<{ id: string; imageUrl: string; altText: string }> = []
  for (let i = 0; i < n; i++) {
    const id = `use_${crypto.randomUUID().replaceAll('-', '')}`
    const imageUrl = `https://photos.example.org/${account.user.id}/holiday-${i}.jpg`
    const altText = `${account.user.name ?? 'Someone'} (${i}) smiling on a beach at sunset`
    await env.DB.prepare(
      `INSERT INTO usage (id, user_id, api_key_id, endpoint, model, image_url, alt_text, language, credits_used, created_at)
       VALUES (?, ?, ?, '/v1/alt-text', 'google/gemini-2.5-flash-lite', ?, ?, 'en', 1, ?)`,
    )
      .bind(id, account.user.id, keyId, imageUrl, altText, Date.now() + i)
      .run()
    expect(
      await changeCredits(env.DB, {
        userId: account.user.id,
        delta: -1,
        reason: 'generation',
        reference: id,
      }),
    ).not.toBeNull()
    records.push({ id, imageUrl, altText })
  }
  return records
}

/** Buys a pack through Checkout and the signed webhook, as a real purchase happens. */
async function buy(account: SignedUp): Promise<string> {
  const res = await api('/v1/billing/checkout', {
    json: { packId: 'pack_500' },
    token: account.token,
  })
  const { sessionId } = await json<CheckoutResponse>(res)
  const payload = await (
    await fetch(`${stripeUrl}/__fake/events`, {
      method: 'POST',
      body: JSON.stringify({ type: 'checkout.session.completed', sessionId }),
    })
  ).text()
  const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: env.STRIPE_WEBHOOK_SECRET ?? '',
    cryptoProvider: Stripe.createSubtleCryptoProvider(),
  })
  const hook = await api('/v1/billing/webhook', {
    method: 'POST',
    body: payload,
    headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
  })
  expect(hook.status).toBe(200)
  return sessionId
}

async function createKey(account: SignedUp, name: string): Promise<CreatedApiKey> {
  const res = await api('/v1/keys', { json: { name }, token: account.token })
  expect(res.status).toBe(201)
  return json<CreatedApiKey>(res)
}

/** A fully used account: a name, two keys (one revoked), two sessions, usage, a purchase. */
async function richAccount() {
  // Unique markers: tests share one database, and other accounts must not match.
  const tag = crypto.randomUUID().slice(0, 8)
  const account = await signup({ name: `Marie-Claire Dubois-${tag}` })
  const second = await createKey(account, `Build server of ${tag}`)
  expect(
    (await api(`/v1/keys/${second.id}`, { method: 'DELETE', token: account.token })).status,
  ).toBe(204)
  const login = await api('/v1/auth/login', {
    json: { email: account.email, password: account.password },
  })
  expect(login.status).toBe(200)
  // An expired session the daily retention job has not deleted yet: still stored, so exported.
  await env.DB.prepare(
    `INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
  )
    .bind(
      `ses_expired_${tag}`,
      account.user.id,
      await sha256Hex(`expired session of ${tag}`),
      Date.now() - 40 * 86_400_000,
      Date.now() - 10 * 86_400_000,
    )
    .run()
  const usage = await addUsage(account, account.apiKey.id, 3)
  const sessionId = await buy(account)
  return { account, revokedKey: second, usage, sessionId, tag }
}

/** Columns that hold secrets: never exported (the first export test checks their absence). */
const SECRET_COLUMNS = new Set(['users.password_hash', 'sessions.token_hash', 'api_keys.key_hash'])

/** Tables of the schema that hold nothing about a user, and why. */
const NOT_ABOUT_A_USER: Record<string, string> = {
  stripe_events: 'Stripe event ids and types only, for idempotency',
  rate_limits: 'throttling counters keyed by hashes or ids, deleted within a day',
}

/**
 * User-related tables left out of the export on purpose, and why (like throttling counters: only
 * hashes and ids that the export holds elsewhere, gone within a day; erasure deletes them).
 */
const TRANSIENT_NOT_EXPORTED: Record<string, string> = {
  idempotency_keys:
    'Idempotency-Key claims: hashes of the key and request, the usage id, a state and the answer (the usage row holds it); kept 24 h',
  reuse:
    'Descriptions kept for reuse: a hash of the image bytes and options, and the alt text, model, language and usage id of a usage row the export holds',
}

/** Where the rows of each user-related table appear in the export. */
const EXPORT_SECTIONS: Record<string, (body: AccountExport) => Array<{ id: string }>> = {
  users: (body) => [body.account],
  sessions: (body) => body.sessions.list,
  api_keys: (body) => body.apiKeys,
  usage: (body) => body.usage,
  ledger: (body) => body.ledger,
  purchases: (body) => body.purchases,
}

/** snake_case column → camelCase wire field. */
const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

/** A stored value as the wire carries it: times as ISO 8601, flags as booleans. */
function wireValue(column: string, value: unknown): unknown {
  if (value === null) return null
  if (column.endsWith('_at')) return new Date(value as number).toISOString()
  if (column === 'store_history') return value === 1 || value === true
  return value
}

/** Every application table of the database (from sqlite_master, so a new table is included). */
async function allTables(): Promise<string[]> {
  const { results } = await env.DB.prepare(
    `SELECT name FROM sqlite_master WHERE type = 'table'
     AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'`,
  ).all<{ name: string }>()
  return results.map((row) => row.name)
}

describe('GET /v1/account/export', () => {
  it('returns everything stored about the user as one downloadable JSON document', async () => {
    const { account, revokedKey, usage, sessionId } = await richAccount()
    const res = await api('/v1/account/export', { token: account.token })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="alttextapi-export-\d{4}-\d{2}-\d{2}\.json"$/,
    )
    expect(res.headers.get('cache-control')).toBe('no-store')
    const text = await res.text()
    const body = JSON.parse(text) as AccountExport

    const { updatedAt, ...accountFields } = body.account
    expect(accountFields).toEqual({ ...account.user, credits: 507 })
    expect(Date.parse(updatedAt)).toBeGreaterThanOrEqual(Date.parse(account.user.createdAt))
    expect(new Date(body.exportedAt).toISOString()).toBe(body.exportedAt)
    expect(body.apiKeys.map((k) => [k.id, k.name, k.prefix])).toEqual([
      [account.apiKey.id, account.apiKey.name, account.apiKey.prefix],
      [revokedKey.id, revokedKey.name, revokedKey.prefix],
    ])
    expect(body.apiKeys[1]).toHaveProperty('revokedAt')
    expect(body.sessions.active).toBe(2)
    // Every stored session (the expired one until retention deletes it), never its token hash.
    expect(body.sessions.list).toHaveLength(3)
    for (const session of body.sessions.list) {
      expect(Object.keys(session).sort()).toEqual(['createdAt', 'expiresAt', 'id'])
    }
    expect(body.sessions.list.filter((s) => Date.parse(s.expiresAt) > Date.now())).toHaveLength(2)
    expect(body.usage.map((r) => [r.id, r.imageUrl, r.altText, r.apiKeyId, r.creditsUsed])).toEqual(
      usage.map((r) => [r.id, r.imageUrl, r.altText, account.apiKey.id, 1]),
    )
    expect(body.ledger.map((e) => [e.reason, e.delta])).toEqual([
      ['signup', 10],
      ['generation', -1],
      ['generation', -1],
      ['generation', -1],
      ['purchase', 500],
    ])
    expect(body.ledger.reduce((sum, e) => sum + e.delta, 0)).toBe(body.account.credits)
    expect(body.purchases).toHaveLength(1)
    expect(body.purchases[0]).toMatchObject({
      stripeSessionId: sessionId,
      packId: 'pack_500',
      credits: 500,
      amount: 500,
      currency: 'usd',
      status: 'paid',
    })
    expect(body.ledger[4]?.reference).toBe(body.purchases[0]?.id)

    // Never a secret: no hashes, no full keys, no password.
    const hashes = await env.DB.prepare(
      `SELECT key_hash AS h FROM api_keys WHERE user_id = ?1
       UNION ALL SELECT token_hash FROM sessions WHERE user_id = ?1
       UNION ALL SELECT password_hash FROM users WHERE id = ?1`,
    )
      .bind(account.user.id)
      .all<{ h: string }>()
    expect(hashes.results).toHaveLength(6)
    for (const { h } of hashes.results) expect(text).not.toContain(h)
    for (const secret of [account.apiKey.key, account.token, account.password]) {
      expect(text).not.toContain(secret)
    }
    expect(text).not.toMatch(/hash/i)
  })

  it('holds every stored value of every user-related column of the schema, except secrets', async () => {
    const { account } = await richAccount()
    const body = await json<AccountExport>(
      await api('/v1/account/export', { token: account.token }),
    )
    const tables = (Object.values(dbSchema) as unknown[])
      .filter((value): value is SQLiteTable => value instanceof SQLiteTable)
      .map((table) => getTableConfig(table))
    expect(tables.map((t) => t.name).sort()).toEqual((await allTables()).sort())
    let checked = 0
    for (const table of tables) {
      const columns = table.columns.map((column) => column.name)
      const owner = table.name === 'users' ? 'id' : columns.includes('user_id') ? 'user_id' : null
      if (!owner) {
        // A new table with no link to users must be placed here on purpose.
        expect(NOT_ABOUT_A_USER, `${table.name} is not in the export`).toHaveProperty(table.name)
        continue
      }
      if (table.name in TRANSIENT_NOT_EXPORTED) continue
      const section = EXPORT_SECTIONS[table.name]
      expect(section, `${table.name} has no place in the export`).toBeDefined()
      const exported = section?.(body) ?? []
      const { results } = await env.DB.prepare(`SELECT * FROM "${table.name}" WHERE "${owner}" = ?`)
        .bind(account.user.id)
        .all<Record<string, unknown>>()
      expect(results.length, `${table.name} rows`).toBeGreaterThan(0)
      expect(exported.map((record) => record.id).sort()).toEqual(
        results.map((row) => row.id).sort(),
      )
      for (const row of results) {
        const record = exported.find((r) => r.id === row.id) as Record<string, unknown> | undefined
        for (const column of columns) {
          const where = `${table.name}.${column} of ${String(row.id)}`
          if (SECRET_COLUMNS.has(`${table.name}.${column}`)) {
            expect(JSON.stringify(body), where).not.toContain(String(row[column]))
            continue
          }
          // The owner of every row is the account the export is about.
          if (column === 'user_id') expect(row[column], where).toBe(body.account.id)
          else expect(record?.[camel(column)], where).toEqual(wireValue(column, row[column]))
          checked += 1
        }
      }
    }
    expect(checked).toBeGreaterThan(50)
  })

  it('answers exactly what the OpenAPI document promises (AccountExport)', async () => {
    const { account } = await richAccount()
    const body = await json(await api('/v1/account/export', { token: account.token }))
    const result = v.safeParse(AccountExportSchema, body)
    expect(result.success, JSON.stringify(result.issues ?? null)).toBe(true)

    // The document describes the same schema, new fields included.
    const document = await json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
      components: { schemas: Record<string, unknown> }
    }>(await api('/v1/openapi.json'))
    expect(document.paths['/v1/account/export']?.get?.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/AccountExport' } } },
    })
    const described = document.components.schemas.AccountExport
    expect(described).toMatchObject({ type: 'object', additionalProperties: false })
    expect(Object.keys((described as { properties: object }).properties)).toEqual(
      Object.keys(AccountExportSchema.entries),
    )
    // Nested schemas are named components, referenced where they appear.
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
    expect(described).toMatchObject({
      properties: {
        account: ref('ExportedAccount'),
        sessions: {
          required: ['active', 'list'],
          properties: { list: { items: ref('ExportedSession') } },
        },
        purchases: { items: ref('Purchase') },
      },
    })
    const schemas = document.components.schemas
    expect(schemas.ExportedAccount).toMatchObject({
      required: expect.arrayContaining(['updatedAt']),
    })
    expect(schemas.ExportedSession).toMatchObject({ required: ['id', 'createdAt', 'expiresAt'] })
    expect(schemas.Purchase).toMatchObject({
      required: expect.arrayContaining(['stripeSessionId']),
    })
  })

  it('is for sessions only', async () => {
    const account = await signup()
    await expectError(
      await api('/v1/account/export', { token: account.apiKey.key }),
      401,
      'unauthorized',
    )
    await expectError(await api('/v1/account/export'), 401, 'unauthorized')
  })
})

describe('DELETE /v1/account', () => {
  it('needs the right password and deletes nothing otherwise', async () => {
    const account = await signup()
    await expectError(
      await api('/v1/account', {
        method: 'DELETE',
        json: { password: 'not my password' },
        token: account.token,
      }),
      403,
      'forbidden',
    )
    await expectError(
      await api('/v1/account', {
        method: 'DELETE',
        json: { password: account.password },
        token: account.apiKey.key,
      }),
      401,
      'unauthorized',
    )
    await expectError(
      await api('/v1/account', { method: 'DELETE', json: {}, token: account.token }),
      400,
      'invalid_request',
    )
    expect((await api('/v1/account', { token: account.token })).status).toBe(200)
    expect((await api('/v1/account', { token: account.apiKey.key })).status).toBe(200)
  })

  it('throttles password guesses with a stolen session', async () => {
    const account = await signup()
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      const res = await api('/v1/account', {
        method: 'DELETE',
        json: { password: `guess number ${i}` },
        token: account.token,
        ip: '10.99.0.1',
      })
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 5)).toEqual([403, 403, 403, 403, 403])
    expect(statuses.slice(5)).toEqual([429, 429])
  })

  it('erases the account: credentials die at once, no personal data is left in any table', async () => {
    const { account, revokedKey, usage, tag } = await richAccount()
    const other = await signup({ name: 'Someone Else' })
    // A failed attempt first, so a throttling counter keyed by the email exists.
    await api('/v1/account', {
      method: 'DELETE',
      json: { password: 'wrong one' },
      token: account.token,
    })
    const before = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM usage WHERE user_id = ?1) AS usage,
              (SELECT count(*) FROM ledger WHERE user_id = ?1) AS ledger,
              (SELECT count(*) FROM purchases WHERE user_id = ?1) AS purchases`,
    )
      .bind(account.user.id)
      .first<{ usage: number; ledger: number; purchases: number }>()
    const userUsageIds = usage.map((r) => r.id)

    const res = await api('/v1/account', {
      method: 'DELETE',
      json: { password: account.password },
      token: account.token,
    })
    expect(res.status).toBe(204)

    // Every credential answers 401 at once.
    await expectError(await api('/v1/account', { token: account.token }), 401, 'unauthorized')
    await expectError(await api('/v1/account', { token: account.apiKey.key }), 401, 'unauthorized')
    await expectError(await api('/v1/credits', { token: account.apiKey.key }), 401, 'unauthorized')

    // Nothing that identifies the person, in any table.
    const personal = [
      account.user.id,
      account.email,
      account.user.name ?? 'unreachable',
      tag,
      account.apiKey.id,
      account.apiKey.prefix,
      revokedKey.id,
      revokedKey.prefix,
      ...usage.flatMap((r) => [r.imageUrl, r.altText]),
      // Throttling counters are keyed by the email's hash: a pseudonym is still personal data.
      await sha256Hex(account.email),
    ]
    const tables = await allTables()
    expect(tables).toEqual(
      expect.arrayContaining([
        'users',
        'sessions',
        'api_keys',
        'usage',
        'ledger',
        'purchases',
        'stripe_events',
        'rate_limits',
      ]),
    )
    for (const table of tables) {
      const { results } = await env.DB.prepare(`SELECT * FROM "${table}"`).all()
      const dump = JSON.stringify(results)
      for (const value of personal) {
        expect(dump.includes(value), `${table} still holds ${value}`).toBe(false)
      }
    }

    // What billing law keeps is still there, detached.
    const kept = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM usage WHERE id IN (${userUsageIds.map(() => '?').join(',')})
                AND user_id IS NULL AND api_key_id IS NULL AND image_url IS NULL AND alt_text IS NULL) AS usage`,
    )
      .bind(...userUsageIds)
      .first<{ usage: number }>()
    expect(kept?.usage).toBe(before?.usage)
    expect(before).toEqual({ usage: 3, ledger: 5, purchases: 1 })
    const detachedLedger = await env.DB.prepare(
      'SELECT count(*) AS n FROM ledger WHERE user_id IS NULL AND reference IN (SELECT id FROM usage WHERE id IN (?, ?, ?))',
    )
      .bind(...userUsageIds)
      .first<{ n: number }>()
    expect(detachedLedger?.n).toBe(3)

    // Other accounts are untouched.
    expect((await api('/v1/account', { token: other.token })).status).toBe(200)
    await expectLedgerInvariant(other.user.id)

    // The email can sign up again, as a new account with fresh free credits.
    const again = await signup({ email: account.email, password: 'a brand new password' })
    expect(again.user.id).not.toBe(account.user.id)
    expect(again.user.credits).toBe(10)
    expect(again.user.name).toBeNull()
  })

  it('keeps usage rows without personal data even when they reference only the key', async () => {
    const account = await signup({ name: 'Key Only' })
    const id = `use_${crypto.randomUUID().replaceAll('-', '')}`
    await env.DB.prepare(
      `INSERT INTO usage (id, user_id, api_key_id, endpoint, model, image_url, alt_text, language, credits_used, created_at)
       VALUES (?, NULL, ?, '/v1/alt-text', 'm', 'https://x.example/keyonly.png', 'key only alt', 'en', 1, ?)`,
    )
      .bind(id, account.apiKey.id, Date.now())
      .run()
    const res = await api('/v1/account', {
      method: 'DELETE',
      json: { password: account.password },
      token: account.token,
    })
    expect(res.status).toBe(204)
    const row = await env.DB.prepare('SELECT * FROM usage WHERE id = ?').bind(id).first()
    expect(row).toMatchObject({ api_key_id: null, image_url: null, alt_text: null, user_id: null })
  })
})
