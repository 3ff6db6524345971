/**
 * Reading generation requests: JSON (`imageUrl`, or `image` as base64 or a `data:` URL) or
 * multipart/form-data (a file field `image` plus the other fields as text). Bodies are cut off
 * while streaming once they pass the limit, so an oversized upload is never held whole.
 */
import {
  AltTextRequest,
  BatchRequest,
  LIMITS,
  type Purpose,
  pickImageSource,
} from '@alttextapi/core'
import type { Context } from 'hono'
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import { decodeBase64, encodeBase64 } from './base64.js'
import { isJsonMediaType, readBytes, readJson } from './body.js'
import { fetchImage } from './fetch-image.js'
import { type Image, requireImage } from './image.js'
import { validate } from './validate.js'

/** Where the image comes from, before it is read. */
export type ImageSource =
  | { kind: 'url'; url: string }
  /** `base64`: the bytes' canonical base64 when the request sent exactly that (reused as is). */
  | { kind: 'bytes'; bytes: Uint8Array; base64?: string }

/** A validated single request. */
export interface SingleRequest {
  source: ImageSource
  language?: string
  model?: string
  context?: string
  maxLength?: number
  /** Describe anew (charged) even when a reusable description exists. */
  fresh?: boolean
  /** Reuse only a description made with the same context. */
  matchContext?: boolean
  /** What the image is for (`content` by default). */
  purpose?: Purpose
  /** Ask for a long description too (charged extra). */
  long?: boolean
}

// Room for boundaries, headers and the text fields around the image in a multipart body.
const MULTIPART_OVERHEAD = 64 * 1024

const tooLarge = () =>
  new ApiError(
    'payload_too_large',
    `The image is larger than ${LIMITS.maxImageBytes / 1024 / 1024} MB.`,
  )

/** Decodes `image` (plain base64 or a `data:` URL). The declared type is ignored: the bytes decide. */
export function decodeInlineImage(value: string): Uint8Array {
  return decodeInline(value).bytes
}

/** As `decodeInlineImage`, also returning the text when it is the bytes' canonical base64. */
function decodeInline(value: string): { bytes: Uint8Array; base64?: string } {
  let payload = value.trim()
  if (payload.startsWith('data:')) {
    const comma = payload.indexOf(',')
    if (comma < 0 || !/;base64$/i.test(payload.slice(0, comma))) {
      throw new ApiError(
        'invalid_request',
        'image as a data: URL must be base64-encoded (data:image/png;base64,…).',
      )
    }
    payload = payload.slice(comma + 1)
  }
  if (payload.length === 0) throw new ApiError('invalid_request', 'image is empty.')
  // The common case, canonical base64, is proven by a native round trip: regular expressions
  // over 100 KB run interpreted in workerd and cost milliseconds per request. (Only when its
  // length fits the limit: line breaks may make a payload longer than its data.)
  if (Math.floor((payload.length * 3) / 4) - 2 <= LIMITS.maxImageBytes) {
    const decoded = decodeBase64(payload)
    if (encodeBase64(decoded) === payload) {
      if (decoded.byteLength > LIMITS.maxImageBytes) throw tooLarge()
      return { bytes: decoded, base64: payload }
    }
  }
  // Otherwise: line breaks, URL-safe alphabet, missing padding are accepted; anything else not.
  payload = payload.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/')
  if (payload.length === 0) throw new ApiError('invalid_request', 'image is empty.')
  // Check the decoded size before decoding anything.
  if (Math.floor((payload.length * 3) / 4) - 2 > LIMITS.maxImageBytes) throw tooLarge()
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload) || payload.length % 4 === 1) {
    throw new ApiError('invalid_request', 'image is not valid base64.')
  }
  const bytes = decodeBase64(payload)
  if (bytes.byteLength > LIMITS.maxImageBytes) throw tooLarge()
  return { bytes }
}

function oneSource(item: { imageUrl?: string; image?: string }, where: string): ImageSource {
  const picked = pickImageSource(item)
  if (!picked.ok) throw new ApiError('invalid_request', `${where}: ${picked.message}.`)
  if ('imageUrl' in picked.source) return { kind: 'url', url: picked.source.imageUrl }
  return { kind: 'bytes', ...decodeInline(picked.source.image) }
}

/** A multipart text field as JSON would carry it: maxLength a number, the flags booleans. */
function formField(name: string, value: string): unknown {
  const text = value.trim()
  if (name === 'maxLength' && /^\d+$/.test(text)) return Number(text)
  if (
    (name === 'fresh' || name === 'matchContext' || name === 'long') &&
    /^(true|false)$/.test(text)
  ) {
    return text === 'true'
  }
  return value
}

async function readMultipart(c: Context): Promise<SingleRequest> {
  const bytes = await readBytes(c, LIMITS.maxImageBytes + MULTIPART_OVERHEAD)
  let form: FormData
  try {
    form = await new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': c.req.header('content-type') ?? '' },
    }).formData()
  } catch {
    throw new ApiError('invalid_request', 'The multipart body could not be read.')
  }
  const fields: Record<string, unknown> = {}
  let file: Uint8Array | undefined
  for (const [name, value] of form.entries()) {
    if (name === 'image' && typeof value !== 'string') {
      const blob = value as Blob
      if (blob.size > LIMITS.maxImageBytes) throw tooLarge()
      file = new Uint8Array(await blob.arrayBuffer())
    } else if (typeof value === 'string') {
      fields[name] = formField(name, value)
    } else {
      throw new ApiError(
        'invalid_request',
        `Unexpected file field "${name}": send the image in the field "image".`,
      )
    }
  }
  const { imageUrl, image, ...options } = validate(AltTextRequest, fields)
  if (file && (imageUrl !== undefined || image !== undefined)) {
    throw new ApiError(
      'invalid_request',
      'Send either a file field image, imageUrl or image, not several.',
    )
  }
  return {
    ...options,
    source: file ? { kind: 'bytes', bytes: file } : oneSource({ imageUrl, image }, 'body'),
  }
}

/** Reads and validates POST /v1/alt-text. */
export async function readSingleRequest(c: Context): Promise<SingleRequest> {
  const type = c.req.header('content-type') ?? ''
  if (/^multipart\/form-data\b/i.test(type)) return readMultipart(c)
  if (!isJsonMediaType(type)) {
    throw new ApiError(
      'unsupported_media_type',
      'Send JSON (Content-Type: application/json) or multipart/form-data with a file field "image".',
    )
  }
  const body = await readJson(c, AltTextRequest, LIMITS.maxJsonBodyBytes)
  const { imageUrl, image, ...options } = body
  return { ...options, source: oneSource({ imageUrl, image }, 'body') }
}

/** A validated batch: the shape is checked for every item before any work starts. */
export interface BatchItemRequest {
  imageUrl?: string
  image?: string
  language?: string
  context?: string
  maxLength?: number
}

/** Reads and validates POST /v1/alt-text/batch (a malformed item fails the whole request). */
export async function readBatchRequest(c: Context): Promise<BatchRequest> {
  const body = await readJson(c, BatchRequest, LIMITS.maxJsonBodyBytes)
  body.images.forEach((item, index) => {
    const picked = pickImageSource(item)
    if (!picked.ok) throw new ApiError('invalid_request', `images[${index}]: ${picked.message}.`)
  })
  return body
}

/** Turns a source into a checked image (fetching URLs safely). */
export async function loadImage(source: ImageSource, config: Config): Promise<Image> {
  if (source.kind === 'bytes') return requireImage(source.bytes)
  return fetchImage(source.url, {
    allowPrivate: config.allowPrivateImageUrls,
    timeoutMs: config.imageFetchTimeoutMs,
  })
}
