/**
 * Turning an image's bytes into what is uploaded: JPEG/PNG/GIF/WebP go through core's
 * `prepareImage` (downscaled when large — fewer bytes, fewer model tokens). Other formats (SVG,
 * AVIF…) never get here: `processImages` refuses them by name first. Runs only on a cache miss.
 */
import { prepareImage, unsupportedImageReason } from '@alttextapi/core/node'

type Sharp = (input: Uint8Array) => { raw(): { toBuffer(): Promise<Buffer> } }

let sharpLoad: Promise<Sharp | undefined> | undefined
function loadSharp(): Promise<Sharp | undefined> {
  const name = 'sharp'
  sharpLoad ??= import(name).then(
    (m: { default?: Sharp }) => m.default ?? (m as unknown as Sharp),
    () => undefined,
  )
  return sharpLoad
}

/** The bytes to upload. Throws when the format is not one the API reads, or the file is damaged. */
export async function toUploadable(bytes: Uint8Array, maxSide: number): Promise<Uint8Array> {
  const refused = unsupportedImageReason(bytes)
  if (refused) throw new Error(refused)
  const sharp = await loadSharp()
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
