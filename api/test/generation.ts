/**
 * Helpers for the generation tests: a fake OpenRouter per test (through the control plane of
 * test/generation-setup.ts), requests to the real Worker with chosen settings, and accounts with
 * a chosen balance.
 */

import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { app } from '../src/app.js'
import type { Env } from '../src/env.js'
import { changeCredits } from '../src/lib/credits.js'
import { record } from './contract/recorder.js'
import { BASE, type SignedUp, signup } from './helpers.js'

/** What the fake saw of one chat-completions call. */
export interface SeenRequest {
  model: string
  prompt: string
  headers: Record<string, string>
  promptTokens: number
  images: Array<{ base64: string; length: number }>
  /** The system message alone. */
  system: string
  /** `response_format` of the call (undefined when none). */
  responseFormat?: unknown
  maxTokens?: number
}

/** A fault the fake can answer with (see testkit/src/fake-model.js). */
export type Fault =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | 'timeout'
  | 'error-body'
  | 'empty'
  | 'reset'

/** A fake OpenRouter of one test. */
export interface FakeModel {
  url: string
  failNext(count: number, fault: Fault): Promise<void>
  reply(text: string): Promise<void>
  latency(ms: number): Promise<void>
  stats(): Promise<{ calls: number; maxInFlight: number }>
  requests(): Promise<SeenRequest[]>
}

async function control(path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${env.FAKE_CONTROL_URL}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`fake control ${path}: ${res.status}`)
  return res
}

/** Starts a fake OpenRouter for this test. */
export async function fakeModel(): Promise<FakeModel> {
  const { id, url } = (await (await control('/models', {})).json()) as { id: string; url: string }
  return {
    url,
    async failNext(count, fault) {
      await control(`/models/${id}/fail`, { count, fault })
    },
    async reply(text) {
      await control(`/models/${id}/reply`, { text })
    },
    async latency(ms) {
      await control(`/models/${id}/latency`, { ms })
    },
    async stats() {
      return (await (await control(`/models/${id}/stats`, {})).json()) as {
        calls: number
        maxInFlight: number
      }
    },
    async requests() {
      return (await (await control(`/models/${id}/requests`)).json()) as SeenRequest[]
    },
  }
}

/** Settings for one request; undefined removes a setting. */
export type Vars = Partial<Record<keyof Env, string | undefined>>

/** The settings of a configured server talking to `model`, tests' defaults (short timeouts). */
export function varsFor(model: FakeModel, extra: Vars = {}): Vars {
  return {
    OPENROUTER_API_KEY: 'sk-or-test',
    OPENROUTER_BASE_URL: model.url,
    MODEL_TIMEOUT_MS: '1500',
    IMAGE_FETCH_TIMEOUT_MS: '1500',
    ...extra,
  }
}

/** Options of `call`. */
export interface CallInit {
  method?: string
  json?: unknown
  body?: BodyInit
  headers?: Record<string, string>
  key?: string
  vars?: Vars
  /** Record the exchange for the contract test (test/contract), as `api()` does. */
  record?: boolean
}

/**
 * Calls the real Worker (the same `fetch` that index.ts exports) with the test bindings plus
 * `vars`, so a test can choose settings such as ALLOW_PRIVATE_IMAGE_URLS.
 */
export async function call(path: string, init: CallInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  let body = init.body
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json')
    body = JSON.stringify(init.json)
  }
  if (init.key) headers.set('authorization', `Bearer ${init.key}`)
  const bindings = { ...env, ...init.vars } as Env
  const ctx = createExecutionContext()
  const method = init.method ?? (body === undefined ? 'GET' : 'POST')
  const res = await app.fetch(
    new Request(`${BASE}${path}`, { method, headers, body }),
    bindings,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  if (init.record) {
    // The recorder reads the method, URL and headers; the body is given as sent.
    const sent = new Request(`${BASE}${path}`, { method, headers })
    await record(sent, typeof body === 'string' ? body : null, res)
  }
  return res
}

/** An account (through the real signup) whose balance is then set to `credits` with a ledger row. */
export async function account(credits: number): Promise<SignedUp & { key: string }> {
  const signed = await signup()
  const delta = credits - signed.user.credits
  if (delta !== 0) {
    const after = await changeCredits(env.DB, {
      userId: signed.user.id,
      delta,
      reason: 'adjustment',
    })
    if (after !== credits) throw new Error('could not set the balance')
  }
  return { ...signed, key: signed.apiKey.key }
}

/** The balance in the database. */
export async function balanceOf(userId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT credits FROM users WHERE id = ?')
    .bind(userId)
    .first<{ credits: number }>()
  return row?.credits ?? -1
}

/** Base64 of bytes (for JSON bodies). */
export function b64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}
