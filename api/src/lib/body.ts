import { LIMITS } from '@alttextapi/core'
import type { Context } from 'hono'
import type * as v from 'valibot'
import { ApiError } from '../errors.js'
import { readStreamCapped } from './stream.js'
import { validate } from './validate.js'

/** The most bytes an account, key or billing route reads as its JSON body. */
export const DEFAULT_MAX_JSON_BYTES = 64 * 1024

/** Stripe events are a few KB; anything much larger is not from Stripe. */
export const MAX_WEBHOOK_BYTES = 256 * 1024

/**
 * The body limit of a path under /v1, for the early Content-Length check: the webhook's, or the
 * JSON routes' default. `undefined` for the generation routes, which check their own (larger)
 * limits by content type.
 */
export function bodyLimitFor(path: string): number | undefined {
  if (path === '/v1/alt-text' || path.startsWith('/v1/alt-text/')) return undefined
  if (path === '/v1/billing/webhook') return MAX_WEBHOOK_BYTES
  return DEFAULT_MAX_JSON_BYTES
}

const tooLargeError = (maxBytes: number) =>
  new ApiError(
    'payload_too_large',
    `The request body is larger than ${Math.floor(maxBytes / 1024)} KB.`,
  )

/** The declared Content-Length, when it is a plain number. */
function declaredLength(c: Context): number | undefined {
  const header = c.req.header('content-length')?.trim() ?? ''
  return /^\d{1,15}$/.test(header) ? Number(header) : undefined
}

/** Throws 413 when the request declares a body longer than `maxBytes` (nothing is read). */
export function refuseDeclaredOversize(c: Context, maxBytes: number): void {
  const declared = declaredLength(c)
  if (declared !== undefined && declared > maxBytes) throw tooLargeError(maxBytes)
}

/**
 * Reads the request body as bytes, refusing more than `maxBytes` without buffering the excess:
 * the Content-Length is checked first and the stream is cut as soon as it passes the limit.
 */
export async function readBytes(c: Context, maxBytes: number): Promise<Uint8Array> {
  const declared = declaredLength(c)
  const tooLarge = () => tooLargeError(maxBytes)
  if (declared !== undefined && declared > maxBytes) throw tooLarge()
  if (declared !== undefined) {
    // HTTP framing holds the body to its declared length: read it in one native call, which
    // costs a fraction of a chunk-by-chunk read at 100 KB. Checked again, in case it did not.
    const bytes = new Uint8Array(await c.req.raw.arrayBuffer())
    if (bytes.byteLength > maxBytes) throw tooLarge()
    return bytes
  }
  return readStreamCapped(c.req.raw.body, maxBytes, tooLarge)
}

/**
 * `application/json` and `application/<name>+json` (RFC 6839 structured syntax suffix), in any
 * case; the subtype name uses RFC 6838's restricted-name characters.
 */
const JSON_ESSENCE = /^application\/(?:[a-z0-9][a-z0-9!#$&^_.+-]*\+)?json$/i

/**
 * Whether a Content-Type header is a JSON media type: its essence (before any `;` parameters, such
 * as charset) must be exactly `application/json` or `application/<name>+json`. Nothing looser:
 * a cross-site form or fetch may send `text/plain` (with any parameters) without a CORS preflight,
 * so a type that merely contains `json` somewhere must not pass.
 */
export function isJsonMediaType(header: string | undefined): boolean {
  const essence = (header ?? '').split(';', 1)[0]?.trim() ?? ''
  return JSON_ESSENCE.test(essence)
}

/**
 * Reads a JSON body: a JSON media type, at most `maxBytes`, strict UTF-8, well-formed JSON. Every
 * problem is a 400 `invalid_request` (413 past the limit); the value is not checked further.
 */
export async function readJsonValue(c: Context, maxBytes: number): Promise<unknown> {
  if (!isJsonMediaType(c.req.header('content-type'))) {
    throw new ApiError(
      'invalid_request',
      'Send a JSON body with the header Content-Type: application/json.',
    )
  }
  const bytes = await readBytes(c, maxBytes)
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes))
  } catch {
    throw new ApiError('invalid_request', 'The request body is not valid JSON.')
  }
}

/** Reads a JSON body and validates it against a core wire schema (see `validate`). */
export async function readJson<S extends v.GenericSchema>(
  c: Context,
  schema: S,
  maxBytes = DEFAULT_MAX_JSON_BYTES,
): Promise<v.InferOutput<S>> {
  return validate(schema, await readJsonValue(c, maxBytes))
}

export { LIMITS }
