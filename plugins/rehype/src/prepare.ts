/**
 * Turning an image's bytes into what the API accepts: JPEG/PNG/GIF/WebP go through core's
 * `prepareImage` (downscaled when large — fewer bytes, fewer model tokens); other formats sharp can
 * read (SVG, AVIF, TIFF…) are rendered to PNG first. Runs only on a cache miss.
 */
import { sniffImageType } from '@alttextapi/core'
import { prepareImage } from '@alttextapi/core/node'

type Sharp = (
  input: Uint8Array,
  options?: { density?: number },
) => {
  resize(o: { width: number; height: number; fit: 'inside'; withoutEnlargement: boolean }): {
    png(): { toBuffer(): Promise<Buffer> }
  }
  raw(): { toBuffer(): Promise<Buffer> }
}

let sharpLoad: Promise<Sharp | undefined> | undefined
function loadSharp(): Promise<Sharp | undefined> {
  const name = 'sharp'
  sharpLoad ??= import(name).then(
    (m: { default?: Sharp }) => m.default ?? (m as unknown as Sharp),
    () => undefined,
  )
  return sharpLoad
}

/** The bytes to upload. Throws when the format is neither accepted nor convertible. */
export async function toUploadable(bytes: Uint8Array, maxSide: number): Promise<Uint8Array> {
  const sharp = await loadSharp()
  if (sniffImageType(bytes)) {
    // A file cut short still has a valid header: decode it whole (when sharp is there) so a
    // broken image is reported here rather than sent and charged.
    if (sharp) {
      try {
        await sharp(bytes).raw().toBuffer()
      } catch (error) {
        throw new Error(`The image is damaged or truncated (${(error as Error).message})`)
      }
    }
    return (await prepareImage(bytes, { maxSide })).bytes
  }
  if (sharp) {
    try {
      const png = await sharp(bytes)
        .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
        .png()
        .toBuffer()
      return new Uint8Array(png.buffer, png.byteOffset, png.byteLength)
    } catch {
      // Not an image sharp reads either: fall through to the error below.
    }
  }
  throw new Error('Not an image format the API accepts (JPEG, PNG, GIF, WebP) or sharp can convert')
}
