/**
 * How the fake AltText API reads requests: bodies, images and headers, validated with core's own
 * wire schemas and limits, so a client that breaks the contract is refused here as the real API
 * would refuse it (same status and code; messages are the fake's own).
 */
import { createHash } from 'node:crypto'
import * as core from '@alttextapi/core'

/** A refusal: answered as `{"error": {"code", "message"}}` with `status` and `headers`. */
export class FakeApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {Record<string, string>} [headers]
   */
  constructor(status, code, message, headers = {}) {
    super(message)
    this.status = status
    this.code = code
    this.headers = headers
  }
}

/** @param {string} message */
export const invalid = (message) => new FakeApiError(400, 'invalid_request', message)

const tooLarge = () =>
  new FakeApiError(
    413,
    'payload_too_large',
    `The image is larger than ${core.LIMITS.maxImageBytes / 1024 / 1024} MB.`,
  )

/**
 * Validates `input` with one of core's wire schemas. Works with core's own schema kit
 * (`parse` → `{ok, value | issues}`) and with any Standard Schema (valibot, zod), so the fake keeps
 * following core whichever way core defines its schemas.
 * @param {any} schema
 * @param {unknown} input
 * @returns {any} the validated value
 */
export function validate(schema, input) {
  const standard = schema?.['~standard']
  if (standard) {
    const result = standard.validate(input)
    if (result instanceof Promise) throw new Error('fake API: async schemas are not supported')
    if (!result.issues) return result.value
    throw invalid(
      `Invalid request: ${result.issues
        .slice(0, 5)
        .map(
          (/** @type {{ message: string, path?: unknown[] }} */ issue) =>
            `${(issue.path ?? []).map((p) => (typeof p === 'object' && p ? /** @type {any} */ (p).key : p)).join('.') || 'body'} ${issue.message}`,
        )
        .join('; ')}.`,
    )
  }
  // core's own schema kit (before core moved to valibot): `parse` answers `{ok, value | issues}`.
  const parsed = schema.parse(input)
  if (parsed.ok) return parsed.value
  const issues = /** @type {Array<{ path: string, message: string }>} */ (parsed.issues)
  throw invalid(`Invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`)
}

/** The Content-Type of a request ('' when absent). @param {import('node:http').IncomingHttpHeaders} headers */
export const contentType = (headers) => String(headers['content-type'] ?? '')

/** True for `application/json` and `application/<name>+json`, parameters allowed. */
export const isJson = (/** @type {string} */ type) =>
  /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type)

/**
 * Parses a JSON body (413 past `limit` bytes, 400 when it is not JSON).
 * @param {Buffer} raw
 * @param {number} limit
 * @returns {unknown}
 */
export function parseJsonBody(raw, limit = core.LIMITS.maxJsonBodyBytes) {
  if (raw.length > limit) throw new FakeApiError(413, 'payload_too_large', 'The body is too large.')
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    throw invalid('The body is not valid JSON.')
  }
}

/**
 * The `Idempotency-Key` header, checked with core's rule (undefined when absent).
 * @param {string | string[] | undefined} value
 */
export function readIdempotencyKey(value) {
  if (value === undefined) return undefined
  const key = Array.isArray(value) ? value.join(', ') : value
  if (!core.isIdempotencyKey(key))
    throw invalid(`Idempotency-Key must be ${core.IDEMPOTENCY_KEY_RULE}.`)
  return key
}

/**
 * Decodes `image` as the real API does: plain base64 (line breaks, URL-safe alphabet and missing
 * padding accepted) or a base64 `data:` URL; the declared type is ignored.
 * @param {string} value
 */
export function decodeInlineImage(value) {
  let payload = value.trim()
  if (payload.startsWith('data:')) {
    const comma = payload.indexOf(',')
    if (comma < 0 || !/;base64$/i.test(payload.slice(0, comma)))
      throw invalid('image as a data: URL must be base64-encoded (data:image/png;base64,…).')
    payload = payload.slice(comma + 1)
  }
  payload = payload.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/')
  if (payload.length === 0) throw invalid('image is empty.')
  if (Math.floor((payload.length * 3) / 4) - 2 > core.LIMITS.maxImageBytes) throw tooLarge()
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload) || payload.length % 4 === 1)
    throw invalid('image is not valid base64.')
  return Uint8Array.from(Buffer.from(payload, 'base64'))
}

/**
 * Checks decoded image bytes: JPEG, PNG, GIF or WebP by their bytes (415), within the size
 * limit (413).
 * @param {Uint8Array} bytes
 */
export function requireImage(bytes) {
  if (bytes.byteLength > core.LIMITS.maxImageBytes) throw tooLarge()
  const type = core.sniffImageType(bytes)
  if (!type)
    throw new FakeApiError(
      415,
      'unsupported_media_type',
      'The image is not a JPEG, PNG, GIF or WebP image.',
    )
  return type
}

/** SHA-256 of bytes or text, hex. @param {Uint8Array | string} data */
export const sha256 = (data) => createHash('sha256').update(data).digest('hex')

/**
 * One image source of a request: exactly one of `imageUrl` or `image` (core's rule).
 * @param {{ imageUrl?: string, image?: string }} item
 * @param {string} where
 * @returns {{ imageUrl: string } | { bytes: Uint8Array }}
 */
export function oneSource(item, where) {
  const picked = core.pickImageSource(item)
  if (!picked.ok) throw invalid(`${where}: ${picked.message}.`)
  return 'imageUrl' in picked.source
    ? { imageUrl: picked.source.imageUrl }
    : { bytes: decodeInlineImage(picked.source.image) }
}

/**
 * Reads POST /v1/alt-text: JSON, or multipart/form-data with a file field `image` and the other
 * fields as text. Answers the recorded body (the file as `{file, size, type}`) and the validated
 * request.
 * @param {string} type the Content-Type
 * @param {Buffer} raw the body
 * @returns {Promise<{ body: any, request: any, source: { imageUrl: string } | { bytes: Uint8Array } }>}
 */
export async function readSingleRequest(type, raw) {
  if (/^multipart\/form-data\b/i.test(type)) {
    if (raw.length > core.LIMITS.maxImageBytes + 64 * 1024) throw tooLarge()
    /** @type {FormData} */
    let form
    try {
      form = await new Response(raw, { headers: { 'content-type': type } }).formData()
    } catch {
      throw invalid('The multipart body could not be read.')
    }
    /** @type {Record<string, unknown>} */
    const fields = {}
    /** @type {Record<string, unknown>} */
    const body = {}
    /** @type {Uint8Array | undefined} */
    let file
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') {
        fields[name] =
          name === 'maxLength' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value
        body[name] = value
      } else if (name === 'image') {
        file = new Uint8Array(await value.arrayBuffer())
        body[name] = { file: value.name, size: value.size, type: value.type }
      } else {
        throw invalid(`Unexpected file field "${name}": send the image in the field "image".`)
      }
    }
    const request = validate(core.AltTextRequest, fields)
    if (file && (request.imageUrl !== undefined || request.image !== undefined))
      throw invalid('Send either a file field image, imageUrl or image, not several.')
    if (file && file.byteLength > core.LIMITS.maxImageBytes) throw tooLarge()
    return { body, request, source: file ? { bytes: file } : oneSource(request, 'body') }
  }
  if (!isJson(type))
    throw new FakeApiError(
      415,
      'unsupported_media_type',
      'Send JSON (Content-Type: application/json) or multipart/form-data with a file field "image".',
    )
  const body = parseJsonBody(raw)
  const request = validate(core.AltTextRequest, body)
  return { body, request, source: oneSource(request, 'body') }
}

/**
 * Reads POST /v1/alt-text/batch: every item is checked before any work starts.
 * @param {string} type the Content-Type
 * @param {Buffer} raw the body
 * @returns {{ body: any, request: any }}
 */
export function readBatchRequest(type, raw) {
  if (!isJson(type))
    throw new FakeApiError(415, 'unsupported_media_type', 'Send JSON (application/json).')
  const body = parseJsonBody(raw)
  const request = validate(core.BatchRequest, body)
  request.images.forEach((/** @type {any} */ item, /** @type {number} */ index) => {
    const picked = core.pickImageSource(item)
    if (!picked.ok) throw invalid(`images[${index}]: ${picked.message}.`)
  })
  return { body, request }
}
