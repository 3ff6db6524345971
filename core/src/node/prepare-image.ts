/**
 * Image preparation before upload: an image whose long side exceeds `maxSide` is downscaled and
 * re-encoded with sharp, so fewer bytes travel and fewer model tokens are paid for; vision models
 * look at ~1024 px anyway. Smaller images, and every image when sharp is not installed, go as
 * they are (same bytes).
 */
import { type ImageMime, PREPARED_IMAGE_MAX_SIDE } from '../contract/image.js'
import { sniffImageType } from '../image.js'

/** Options of `prepareImage`. */
export interface PrepareOptions {
  /** Longest side allowed, in pixels. Default `PREPARED_IMAGE_MAX_SIDE` (1024). */
  maxSide?: number
  /** JPEG/WebP quality of re-encoded images (1–100). Default 80. */
  quality?: number
}

/** The image to send. */
export interface PreparedImage {
  bytes: Uint8Array
  mime: string
  width?: number
  height?: number
  /** True when the image was downscaled and re-encoded. */
  resized: boolean
}

// The few sharp calls used here, typed locally so sharp stays an optional peer dependency.
interface SharpInstance {
  rotate(): SharpInstance
  metadata(): Promise<{ width?: number; height?: number; orientation?: number }>
  resize(options: {
    width: number
    height: number
    fit: 'inside'
    withoutEnlargement: boolean
  }): SharpInstance
  jpeg(options: { quality: number; mozjpeg?: boolean }): SharpInstance
  webp(options: { quality: number }): SharpInstance
  toBuffer(options: { resolveWithObject: true }): Promise<{
    data: Uint8Array
    info: { width: number; height: number }
  }>
}
type SharpFactory = (input: Uint8Array, options?: { failOn?: string }) => SharpInstance

let sharpLoad: Promise<SharpFactory | undefined> | undefined

/** sharp, if installed; loaded once. The specifier is a variable so bundlers leave it alone. */
export function loadSharp(): Promise<SharpFactory | undefined> {
  const name = 'sharp'
  sharpLoad ??= import(name).then(
    (module: { default?: SharpFactory }) => module.default ?? (module as unknown as SharpFactory),
    () => undefined,
  )
  return sharpLoad
}

/** Downscales `bytes` to `maxSide` when larger (see the module comment). */
export async function prepareImage(
  bytes: Uint8Array,
  options: PrepareOptions = {},
): Promise<PreparedImage> {
  const maxSide = options.maxSide ?? PREPARED_IMAGE_MAX_SIDE
  const quality = options.quality ?? 80
  const mime: ImageMime | undefined = sniffImageType(bytes)
  const asIs: PreparedImage = { bytes, mime: mime ?? 'application/octet-stream', resized: false }
  if (!mime) return asIs
  const sharp = await loadSharp()
  if (!sharp) return asIs
  let meta: { width?: number; height?: number; orientation?: number }
  try {
    meta = await sharp(bytes).metadata()
  } catch {
    // Unreadable here; the API gives the real verdict.
    return asIs
  }
  const { width, height } = meta
  if (width === undefined || height === undefined) return asIs
  // EXIF orientations 5–8 swap the sides once rotated.
  const swapped = (meta.orientation ?? 1) >= 5
  const size = swapped ? { width: height, height: width } : { width, height }
  if (Math.max(width, height) <= maxSide) return { ...asIs, ...size }
  // Rotate by EXIF first (the pixels a person sees), then fit inside maxSide × maxSide. sharp
  // drops metadata (EXIF GPS included) on output. Photos stay JPEG; everything else (which may
  // have transparency) becomes WebP, which the API accepts and which is small.
  const pipeline = sharp(bytes, { failOn: 'none' })
    .rotate()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
  const encoded =
    mime === 'image/jpeg' ? pipeline.jpeg({ quality, mozjpeg: true }) : pipeline.webp({ quality })
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true })
  return {
    bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    mime: mime === 'image/jpeg' ? 'image/jpeg' : 'image/webp',
    width: info.width,
    height: info.height,
    resized: true,
  }
}
