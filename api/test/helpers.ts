/**
 * Shared helpers for the API tests: requests through the real Worker (`exports.default.fetch`,
 * with its real local D1) and a ready-made account.
 */

import { env, exports } from 'cloudflare:workers'
import type { ApiKey, CreatedApiKey, ErrorBody, User } from '@alttextapi/core'
import { expect } from 'vitest'
import { record } from './contract/recorder.js'

/** Base URL of requests in tests (the host is never resolved: the Worker answers directly). */
export const BASE = 'http://api.test'

/** `RequestInit` plus shortcuts: `json` (sent as JSON), `token` (Bearer), `ip` (CF-Connecting-IP). */
export interface ApiInit extends RequestInit {
  json?: unknown
  token?: string
  ip?: string
}

/**
 * Calls the Worker at `path` (e.g. `/v1/account`). Every exchange is recorded for the contract
 * test, which checks it against the OpenAPI document (test/contract).
 */
export async function api(path: string, init: ApiInit = {}): Promise<Response> {
  const { json, token, ip, headers, ...rest } = init
  const merged = new Headers(headers)
  if (json !== undefined) {
    if (!merged.has('content-type')) merged.set('content-type', 'application/json')
    rest.body = JSON.stringify(json)
    rest.method ??= 'POST'
  }
  if (token) merged.set('authorization', `Bearer ${token}`)
  if (ip) merged.set('cf-connecting-ip', ip)
  const request = new Request(`${BASE}${path}`, { ...rest, headers: merged })
  const response = await exports.default.fetch(request)
  await record(request, rest.body, response)
  return response
}

let counter = 0

/** A fresh, unique email address (tests share one database). */
export function uniqueEmail(label = 'user'): string {
  counter += 1
  return `${label}.${Date.now().toString(36)}.${counter}.${crypto.randomUUID().slice(0, 8)}@example.com`
}

/** A fresh client IP, so throttling counters of different tests never meet. */
export function uniqueIp(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3))
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`
}

/** What `signup()` returns: the answer of POST /v1/auth/signup plus the details used. */
export interface SignedUp {
  user: User
  token: string
  apiKey: CreatedApiKey
  email: string
  password: string
}

/** Creates an account through POST /v1/auth/signup and returns its session token and first key. */
export async function signup(
  overrides: { email?: string; password?: string; name?: string } = {},
): Promise<SignedUp> {
  const email = overrides.email ?? uniqueEmail()
  const password = overrides.password ?? 'correct horse battery staple'
  const json: Record<string, string> = { email, password }
  if (overrides.name !== undefined) json.name = overrides.name
  const res = await api('/v1/auth/signup', { json, ip: uniqueIp() })
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`)
  const body = (await res.json()) as { user: User; token: string; apiKey: CreatedApiKey }
  return { ...body, email, password }
}

/** Reads a JSON answer. */
export async function json<T = unknown>(res: Response): Promise<T> {
  return (await res.json()) as T
}

/** Asserts an error answer: status, code, the DESIGN.md shape, and no stack trace. */
export async function expectError(res: Response, status: number, code: string): Promise<ErrorBody> {
  const text = await res.text()
  expect(res.status, text).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = JSON.parse(text) as ErrorBody
  expect(Object.keys(body)).toEqual(['error'])
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message'])
  expect(body.error.code).toBe(code)
  expect(body.error.message.length).toBeGreaterThan(0)
  expect(text).not.toMatch(/\bat .+:\d+:\d+|Error:|D1_ERROR|SQLITE/)
  return body
}

/**
 * The ledger invariant: the deltas of a user's ledger sum to the balance, every `balanceAfter`
 * is the running sum, and the balance is never negative. Reads the database directly.
 */
export async function expectLedgerInvariant(userId: string): Promise<number> {
  const user = await env.DB.prepare('SELECT credits FROM users WHERE id = ?')
    .bind(userId)
    .first<{ credits: number }>()
  const { results } = await env.DB.prepare(
    'SELECT delta, balance_after FROM ledger WHERE user_id = ? ORDER BY created_at, rowid',
  )
    .bind(userId)
    .all<{ delta: number; balance_after: number }>()
  let running = 0
  for (const row of results) {
    running += row.delta
    expect(row.balance_after).toBe(running)
    expect(running).toBeGreaterThanOrEqual(0)
  }
  expect(user?.credits).toBe(running)
  return running
}

export type { ApiKey, CreatedApiKey, User }
