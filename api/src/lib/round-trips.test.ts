// D1 round trips per generation request, counted through a wrapper around the real local D1 (the
// Worker runs unchanged; only its binding is observed). In local workerd a round trip costs about
// as much CPU as the whole relay of an image (BENCHMARKS.md, "API overhead"), so each one here is a
// figure of the benchmark: a test fails when a change adds one. Counted after a first request with
// the key, as a client's later requests run (the key is known to the isolate, `last_used_at` is
// fresh). `batch(n)` is one round trip of n statements; the last batch of a request (the
// settlement: a batch request's items and its run's end too) runs after the answer has left
// (`waitUntil`).
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { pngFile } from '../../../testkit/src/image-files.js'
import { account, b64, balanceOf, fakeModel, type Vars, varsFor } from '../../test/generation.js'
import { BASE, expectLedgerInvariant } from '../../test/helpers.js'
import { app } from '../app.js'
import type { Env } from '../env.js'

let seed = 9100
const image = () => b64(pngFile(1, 1, seed++))

/**
 * The real D1 with every round trip logged: `batch(n)` for n statements, else the method. A batch
 * that `fails` picks is refused (as D1 refuses a batch whose statement fails) and logged `failed`.
 */
function observed(db: D1Database, fails: (statements: number) => boolean = () => false) {
  const log: string[] = []
  const watch = (statement: D1PreparedStatement): D1PreparedStatement => {
    const bind = statement.bind.bind(statement)
    statement.bind = (...values: unknown[]) => watch(bind(...values))
    for (const method of ['first', 'run', 'all', 'raw'] as const) {
      const real = (statement[method] as (...args: unknown[]) => unknown).bind(statement)
      ;(statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        log.push(method)
        return real(...args)
      }
    }
    return statement
  }
  const proxy = new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => watch(target.prepare(sql))
      if (property === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          if (fails(statements.length)) {
            log.push(`failed(${statements.length})`)
            throw new Error('D1_ERROR: refused by the test')
          }
          log.push(`batch(${statements.length})`)
          return target.batch(statements)
        }
      }
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { db: proxy, log }
}

type Init = { key: string; json: unknown; vars: Vars; idempotencyKey?: string; status?: number }

/** Sends one request to the Worker with `db` as its D1; resolves with the answer (`status`, 200). */
async function send(db: D1Database, path: string, init: Init, ctx: ExecutionContext) {
  const res = await app.fetch(
    new Request(`${BASE}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${init.key}`,
        'idempotency-key': init.idempotencyKey ?? crypto.randomUUID(),
      },
      body: JSON.stringify(init.json),
    }),
    { ...env, ...init.vars, DB: db } as Env,
    ctx,
  )
  expect(res.status, await res.clone().text()).toBe(init.status ?? 200)
  return res.json<{ id: string }>()
}

/** One request against the observed D1, through to its `waitUntil` work: its round trips. */
async function roundTrips(path: string, init: Init) {
  const { db, log } = observed(env.DB)
  const ctx = createExecutionContext()
  await send(db, path, init, ctx)
  await waitOnExecutionContext(ctx)
  return log
}

/** The usage rows of `ids`. */
async function usageOf(ids: string[]) {
  const { results } = await env.DB.prepare(
    'SELECT id FROM usage WHERE id IN (SELECT value FROM json_each(?))',
  )
    .bind(JSON.stringify(ids))
    .all<{ id: string }>()
  return results.map((row) => row.id).sort()
}

describe('D1 round trips per generation request', () => {
  it('counts them for each kind of request, after a first request with the key', async () => {
    const model = await fakeModel()
    const { key } = await account(100)
    const vars = varsFor(model, { ALLOW_PRIVATE_IMAGE_URLS: 'true' })
    const same = image()
    await roundTrips('/v1/alt-text', { key, json: { image: same }, vars })

    // A new inline image: one batch before the model (key, limit, claim, reuse, charge), the
    // settlement after the answer.
    expect(await roundTrips('/v1/alt-text', { key, json: { image: image() }, vars })).toEqual([
      'batch(7)',
      'batch(3)',
    ])

    // The same image again: reused, the same single batch before the answer.
    expect(await roundTrips('/v1/alt-text', { key, json: { image: same }, vars })).toEqual([
      'batch(7)',
      'batch(2)',
    ])

    // By URL, a key within its limit: the image is fetched first and its unit counted by the
    // charge batch, as inline (a count of its own before the fetch only for a key at its limit,
    // or after a failed fetch: counted-fetch.ts).
    const byUrl = { imageUrl: `${env.IMAGE_SERVER_URL}/jpeg` }
    expect(await roundTrips('/v1/alt-text', { key, json: byUrl, vars })).toEqual([
      'batch(7)',
      'batch(3)',
    ])
    // A failed fetch: its unit is counted right after it (401/429 would come first).
    const failing = { imageUrl: `${env.IMAGE_SERVER_URL}/status/404` }
    expect(await roundTrips('/v1/alt-text', { key, json: failing, vars, status: 422 })).toEqual([
      'batch(2)',
    ])

    // A retry with the key of a completed request: the claim does not take, so the holder (the
    // completed claim, with its answer) is read in a second round trip; nothing to settle.
    const idempotencyKey = crypto.randomUUID()
    const json = { image: image() }
    await roundTrips('/v1/alt-text', { key, json, vars, idempotencyKey })
    expect(await roundTrips('/v1/alt-text', { key, json, vars, idempotencyKey })).toEqual([
      'batch(7)',
      'batch(1)',
    ])

    // A batch of three new inline images: one batch claims the run, charges every item and reads
    // the balance (4 + the items' claims in one statement, their reuse lookups in one, their ledger
    // rows, the balance and the key's spending in one each, + the balance read); after the answer, the items' settlements and the run's end in three statements
    // (usage rows, claims done, reuse rows: each statement takes every item).
    const images = { images: [{ image: image() }, { image: image() }, { image: image() }] }
    expect(await roundTrips('/v1/alt-text/batch', { key, json: images, vars })).toEqual([
      'batch(10)',
      'batch(3)',
    ])
  })

  it("a success's settlement rides along with the isolate's next charge: one round trip per request", async () => {
    const model = await fakeModel()
    const { key, user } = await account(10)
    const vars = varsFor(model)
    const { db, log } = observed(env.DB)
    const first = createExecutionContext()
    const a = await send(db, '/v1/alt-text', { key, json: { image: image() }, vars }, first)
    // The next request comes while the first one's settlement waits: its charge carries it.
    const second = createExecutionContext()
    const b = await send(db, '/v1/alt-text', { key, json: { image: image() }, vars }, second)
    await waitOnExecutionContext(first)
    await waitOnExecutionContext(second)
    // A new key's first request looks the key up first and notes its use (`run`, in waitUntil).
    expect(log).toEqual(['first', 'batch(7)', 'run', 'batch(10)', 'batch(3)'])
    expect(await usageOf([a.id, b.id])).toEqual([a.id, b.id].sort())
    expect(await balanceOf(user.id)).toBe(8)
    await expectLedgerInvariant(user.id)
  })

  it("a batch's settlement rides along with the isolate's next charge, and a retry replays it", async () => {
    const model = await fakeModel()
    const { key, user } = await account(10)
    const vars = varsFor(model)
    await roundTrips('/v1/alt-text', { key, json: { image: image() }, vars })
    const { db, log } = observed(env.DB)
    const idempotencyKey = crypto.randomUUID()
    const json = { images: [{ image: image() }, { image: image() }] }
    const first = createExecutionContext()
    const answer = await send(db, '/v1/alt-text/batch', { key, json, vars, idempotencyKey }, first)
    // The retry's claim of the run carries the settlement (3 statements) before its own statements,
    // so it finds the run done and replays it: nothing is described or charged again.
    const second = createExecutionContext()
    const again = await send(db, '/v1/alt-text/batch', { key, json, vars, idempotencyKey }, second)
    await waitOnExecutionContext(first)
    await waitOnExecutionContext(second)
    // The run: 4 + 5 (the items' claims, reuse lookups, ledger rows, balance, spending) + the
    // balance read. The retry: the riders (3) and its own claim, the holders
    // of its two items read, and its run's end after the answer.
    expect(log).toEqual(['batch(10)', 'batch(13)', 'batch(2)', 'batch(1)'])
    expect(again).toEqual(answer)
    expect((await model.requests()).length).toBe(3)
    expect(await balanceOf(user.id)).toBe(7)
    await expectLedgerInvariant(user.id)
  })

  it('one settlement statement per kind writes each carried answer by its own account', async () => {
    const model = await fakeModel()
    const vars = varsFor(model)
    const keeps = await account(10)
    const forgets = await account(10)
    await env.DB.prepare('UPDATE users SET store_history = 0 WHERE id = ?')
      .bind(forgets.user.id)
      .run()
    const { db, log } = observed(env.DB)
    const first = createExecutionContext()
    const a = await send(
      db,
      '/v1/alt-text',
      { key: keeps.key, json: { image: image() }, vars },
      first,
    )
    // The second account's charge carries the first account's settlement (7 + 3 statements).
    const second = createExecutionContext()
    const b = await send(
      db,
      '/v1/alt-text',
      { key: forgets.key, json: { image: image() }, vars },
      second,
    )
    await waitOnExecutionContext(first)
    await waitOnExecutionContext(second)
    expect(log).toContain('batch(10)')
    const rows = async (sql: string) =>
      (
        await env.DB.prepare(sql)
          .bind(JSON.stringify([a.id, b.id]))
          .all<Record<string, unknown>>()
      ).results
    const ids = 'IN (SELECT value FROM json_each(?))'
    // History kept: the usage row holds the alt text and the description is kept for reuse;
    // history off: the usage row without it, nothing kept.
    expect(
      await rows(
        `SELECT id, user_id, alt_text IS NOT NULL AS text FROM usage WHERE id ${ids} ORDER BY id = '${b.id}'`,
      ),
    ).toEqual([
      { id: a.id, user_id: keeps.user.id, text: 1 },
      { id: b.id, user_id: forgets.user.id, text: 0 },
    ])
    expect(await rows(`SELECT user_id FROM reuse WHERE usage_id ${ids}`)).toEqual([
      { user_id: keeps.user.id },
    ])
    // Both claims done, each with its own answer (a retry replays it).
    const claims = await rows(
      `SELECT reference, status, json_extract(answer, '$.creditsUsed') AS paid FROM idempotency_keys WHERE reference ${ids} ORDER BY reference = '${b.id}'`,
    )
    expect(claims).toEqual([
      { reference: a.id, status: 'done', paid: 1 },
      { reference: b.id, status: 'done', paid: 1 },
    ])
    expect(await balanceOf(keeps.user.id)).toBe(9)
    expect(await balanceOf(forgets.user.id)).toBe(9)
    await expectLedgerInvariant(keeps.user.id)
    await expectLedgerInvariant(forgets.user.id)
  })

  it('a carried settlement that fails its batch is written on its own and the charge runs alone', async () => {
    const model = await fakeModel()
    const { key, user } = await account(10)
    const vars = varsFor(model)
    const { db, log } = observed(env.DB, (statements) => statements === 10)
    const first = createExecutionContext()
    const a = await send(db, '/v1/alt-text', { key, json: { image: image() }, vars }, first)
    const second = createExecutionContext()
    const b = await send(db, '/v1/alt-text', { key, json: { image: image() }, vars }, second)
    await waitOnExecutionContext(first)
    await waitOnExecutionContext(second)
    expect(log).toEqual([
      'first',
      'batch(7)',
      'run',
      'failed(10)',
      'batch(3)',
      'batch(7)',
      'batch(3)',
    ])
    expect(await usageOf([a.id, b.id])).toEqual([a.id, b.id].sort())
    expect(await balanceOf(user.id)).toBe(8)
    await expectLedgerInvariant(user.id)
  })

  it('a read right after an answer sees its usage row, though its settlement was still waiting', async () => {
    const model = await fakeModel()
    const { key } = await account(10)
    const { db, log } = observed(env.DB)
    const ctx = createExecutionContext()
    const a = await send(
      db,
      '/v1/alt-text',
      { key, json: { image: image() }, vars: varsFor(model) },
      ctx,
    )
    const read = await app.fetch(
      new Request(`${BASE}/v1/usage`, { headers: { authorization: `Bearer ${key}` } }),
      { ...env, DB: db } as Env,
      createExecutionContext(),
    )
    const page = await read.json<{ records: Array<{ id: string }> }>()
    expect(page.records.map((record) => record.id)).toEqual([a.id])
    await waitOnExecutionContext(ctx)
    // The settlement was written once, by the read's middleware (not again after the wait).
    expect(log.filter((entry) => entry === 'batch(3)')).toHaveLength(1)
  })
})
