/**
 * What an image is, decided by its bytes: the format (JPEG, PNG, GIF, WebP), the pixel size read
 * from the header, and a check that the file is not cut short. Nothing here decodes pixels, so a
 * decompression bomb is refused by its declared size before anything expands it.
 */
import { type ImageMime, LIMITS, sniffImageType } from '@alttextapi/core'
import { ApiError } from '../errors.js'

/** Most pixels accepted (width × height). Larger images are refused before any model sees them. */
export const MAX_PIXELS = 50_000_000

/** A checked image, held in memory for the request only. */
export interface Image {
  bytes: Uint8Array
  mime: ImageMime
  width: number
  height: number
  /** The bytes' base64, when the request already sent it (saves encoding it again). */
  base64?: string
}

/** Why an image was refused (mapped to an HTTP answer by the caller). */
export type ImageProblem =
  | { kind: 'unsupported'; message: string }
  | { kind: 'truncated'; message: string }
  | { kind: 'too_large'; message: string }

const u16be = (b: Uint8Array, i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)
const u16le = (b: Uint8Array, i: number) => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8)
const u24le = (b: Uint8Array, i: number) =>
  (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16)
const u32be = (b: Uint8Array, i: number) =>
  (((b[i] ?? 0) << 24) >>> 0) + ((b[i + 1] ?? 0) << 16) + ((b[i + 2] ?? 0) << 8) + (b[i + 3] ?? 0)
const u32le = (b: Uint8Array, i: number) =>
  (b[i] ?? 0) + ((b[i + 1] ?? 0) << 8) + ((b[i + 2] ?? 0) << 16) + (((b[i + 3] ?? 0) << 24) >>> 0)
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n))

type Size = { width: number; height: number } | 'truncated' | undefined

function pngSize(b: Uint8Array): Size {
  if (b.length < 33 || ascii(b, 12, 4) !== 'IHDR') return 'truncated'
  // A complete PNG ends with the IEND chunk.
  if (b.length < 45 || ascii(b, b.length - 8, 4) !== 'IEND') return 'truncated'
  return { width: u32be(b, 16), height: u32be(b, 20) }
}

function gifSize(b: Uint8Array): Size {
  if (b.length < 14) return 'truncated'
  // The trailer byte 0x3B ends every complete GIF (some encoders add padding after it).
  if (!b.subarray(Math.max(13, b.length - 16)).includes(0x3b)) return 'truncated'
  return { width: u16le(b, 6), height: u16le(b, 8) }
}

function webpSize(b: Uint8Array): Size {
  if (b.length < 30) return 'truncated'
  // The RIFF header declares the file size; fewer bytes than that means a cut file.
  if (u32le(b, 4) + 8 > b.length) return 'truncated'
  const chunk = ascii(b, 12, 4)
  if (chunk === 'VP8X') return { width: 1 + u24le(b, 24), height: 1 + u24le(b, 27) }
  if (chunk === 'VP8 ') return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff }
  if (chunk === 'VP8L') {
    const bits = u32le(b, 21)
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 }
  }
  return undefined
}

function jpegSize(b: Uint8Array): Size {
  let size: Size
  let i = 2
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) {
      if (!size) return undefined
      break
    }
    const marker = b[i + 1] ?? 0
    // Fill bytes and markers without a length.
    if (marker === 0xff) {
      i++
      continue
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2
      continue
    }
    if (marker === 0xd9) break
    const length = u16be(b, i + 2)
    if (length < 2) return undefined
    const isFrame =
      marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
    if (isFrame) {
      if (i + 9 > b.length) return 'truncated'
      size = { width: u16be(b, i + 7), height: u16be(b, i + 5) }
    }
    // Start of scan: entropy-coded data follows; the size must be known by now.
    if (marker === 0xda) break
    i += 2 + length
  }
  if (!size) return 'truncated'
  // A complete JPEG ends with EOI (FF D9); allow a little padding after it.
  const tail = b.subarray(Math.max(0, b.length - 64))
  let hasEnd = false
  for (let j = 0; j + 1 < tail.length; j++)
    if (tail[j] === 0xff && tail[j + 1] === 0xd9) hasEnd = true
  return hasEnd ? size : 'truncated'
}

/** Checks bytes and returns the image, or the problem with it. */
export function inspectImage(bytes: Uint8Array): Image | ImageProblem {
  const mime = sniffImageType(bytes)
  if (!mime) {
    return {
      kind: 'unsupported',
      message:
        'The file is not a JPEG, PNG, GIF or WebP image (checked by its bytes, not its name).',
    }
  }
  if (bytes.byteLength > LIMITS.maxImageBytes) {
    return {
      kind: 'too_large',
      message: `The image is larger than ${LIMITS.maxImageBytes / 1024 / 1024} MB.`,
    }
  }
  const size =
    mime === 'image/png'
      ? pngSize(bytes)
      : mime === 'image/gif'
        ? gifSize(bytes)
        : mime === 'image/webp'
          ? webpSize(bytes)
          : jpegSize(bytes)
  const label = mime.slice(6).toUpperCase()
  if (size === 'truncated')
    return { kind: 'truncated', message: `The ${label} file is incomplete (cut short or damaged).` }
  if (!size || size.width < 1 || size.height < 1) {
    return {
      kind: 'unsupported',
      message: `The ${label} file is damaged: its size could not be read.`,
    }
  }
  if (size.width * size.height > MAX_PIXELS) {
    return {
      kind: 'too_large',
      message: `The image is ${size.width}×${size.height} pixels; the limit is ${MAX_PIXELS / 1_000_000} megapixels.`,
    }
  }
  return { bytes, mime, width: size.width, height: size.height }
}

/** True when `inspectImage` found a problem. */
export function isProblem(value: Image | ImageProblem): value is ImageProblem {
  return 'kind' in value
}

/**
 * The HTTP error for a problem with an uploaded image: 415 for non-images and damaged files,
 * 413 for too many bytes or pixels.
 */
export function uploadError(problem: ImageProblem): ApiError {
  return new ApiError(
    problem.kind === 'too_large' ? 'payload_too_large' : 'unsupported_media_type',
    problem.message,
  )
}

/** Checks uploaded bytes, throwing the fitting 413/415. */
export function requireImage(bytes: Uint8Array): Image {
  const result = inspectImage(bytes)
  if (isProblem(result)) throw uploadError(result)
  return result
}
