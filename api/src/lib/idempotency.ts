/**
 * Idempotency keys for generation: a retried request (same `Idempotency-Key`, same account,
 * within 24 h) is never charged twice. This file holds the rules (the header, the hashes, the
 * lease, what a held key means); the SQL that claims, settles, releases and reaps keys lives with
 * the charge in `credits.ts`, because a key is claimed by the same atomic batch that charges.
 *
 * A request without a key gets a random one: every request takes the same path. A later request
 * with the key reads the claim: `done` → replay (the answer kept with the claim for the key's
 * 24 h, also with history off — no model call, no charge), `pending` → "in progress" (429),
 * another request hash → 400.
 *
 * Stored: hashes (of the key, and of the canonical request with images by their SHA-256), the
 * usage id, and the answer once done — never the image.
 */
import { IDEMPOTENCY_KEY_RULE, isIdempotencyKey } from '@alttextapi/core'
import { ApiError } from '../errors.js'
import { sha256Hex } from './crypto.js'

/** The request header, and the header marking a replayed answer. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key'
export const REPLAYED_HEADER = 'Idempotent-Replayed'

/** How long a key is remembered. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000

/** A stored claim. */
export interface ClaimRow {
  request_hash: string
  status: 'pending' | 'done'
  reference: string
  redescribed: number
  /** The completed answer (JSON of `StoredAnswer` in credits.ts); null while pending. */
  answer: string | null
  created_at: number
  updated_at: number
  /** The account's balance, read with the claim. */
  credits?: number
}

/** A key of one request: whose it is, and the hashes that identify it. */
export interface IdempotencyClaim {
  userId: string
  keyHash: string
  requestHash: string
}

/**
 * Reads the `Idempotency-Key` header: `undefined` when absent, else 1–200 printable ASCII
 * characters (400 otherwise).
 */
export function readIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (!isIdempotencyKey(value)) {
    throw new ApiError('invalid_request', `Idempotency-Key must be ${IDEMPOTENCY_KEY_RULE}.`)
  }
  return value
}

/** SHA-256 (hex) of bytes. */
export async function sha256Bytes(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** SHA-256 of the canonical JSON of `parts` (an array: key order never matters). */
export function canonicalHash(parts: unknown[]): Promise<string> {
  return sha256Hex(JSON.stringify(parts))
}

/** The hash under which the key of a single request or a batch is stored. */
export const keyHashOf = (key: string) => sha256Hex(key)

/** The hash of item `index` of a batch sent with `key` (a line break cannot be in a key). */
export const itemKeyHashOf = (key: string, index: number) => sha256Hex(`${key}\n${index}`)

/**
 * How long a `pending` claim may go without a sign of life before it counts as abandoned (the
 * Worker was stopped mid-request): more than one image can take (its model calls stop after
 * 2 × MODEL_TIMEOUT_MS plus one call in progress).
 */
export function leaseMs(config: { modelTimeoutMs: number; imageFetchTimeoutMs: number }): number {
  return 3 * config.modelTimeoutMs + config.imageFetchTimeoutMs + 60_000
}

/** 400 for a key reused with another request. */
export const keyReused = () =>
  new ApiError(
    'idempotency_key_reused',
    'Idempotency-Key reused with a different request: send a new key for a new request.',
  )

/** 429 while the first request with the key is still running. */
export const inProgress = () =>
  new ApiError(
    'rate_limited',
    'A request with this Idempotency-Key is still in progress; retry in a moment to get its result (it is charged once).',
    { 'Retry-After': '1' },
  )

/** What the holder of a key means for a request that found the key taken. */
export type Earlier = 'done' | 'in_progress' | 'abandoned' | 'reused'

/**
 * Judges the claim another attempt holds: another request (400), completed (replay), running
 * (429), or silent for longer than the lease (`abandoned`: reap it, then try again).
 */
export function judgeHolder(
  holder: ClaimRow,
  requestHash: string,
  lease: number,
  now = Date.now(),
): Earlier {
  if (holder.request_hash !== requestHash) return 'reused'
  if (holder.status === 'done') return 'done'
  return holder.updated_at >= now - lease ? 'in_progress' : 'abandoned'
}

/** 400 when a completed request's answer is not known (a claim settled before answers were kept). */
export const answerNotKept = (id: string) =>
  new ApiError(
    'idempotency_key_reused',
    `This request (id ${id}) was completed and paid once, but its answer was not kept. Send a new Idempotency-Key to describe the image again.`,
  )
