/** Image inputs: format sniffing and turning bytes, Blobs and strings into the wire's base64. */

import type { ImageMime } from './contract/image.js'

/** One image: a public URL the API fetches, or the image itself. */
export type ImageInput =
  | { imageUrl: string; image?: undefined }
  | {
      /** Bytes, a Blob/File, or a string holding base64 or a `data:` URL. */
      image: Uint8Array | ArrayBuffer | Blob | string
      imageUrl?: undefined
    }

const startsWith = (bytes: Uint8Array, prefix: number[], offset = 0) =>
  bytes.length >= offset + prefix.length && prefix.every((byte, i) => bytes[offset + i] === byte)

/** The image type by its first bytes (not by a name), or undefined for anything else. */
export function sniffImageType(bytes: Uint8Array): ImageMime | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39))
    return 'image/gif'
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return 'image/webp'
  return undefined
}

/** Base64 of `bytes` with web APIs only (no Buffer), in chunks so large images do not overflow. */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  const chunk = 0x8000
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk))
  }
  return btoa(binary)
}

/** The bytes of an image given as bytes, an ArrayBuffer or a Blob. */
export async function imageBytes(image: Uint8Array | ArrayBuffer | Blob): Promise<Uint8Array> {
  if (image instanceof Uint8Array) return image
  if (image instanceof ArrayBuffer) return new Uint8Array(image)
  return new Uint8Array(await image.arrayBuffer())
}

/** Approximate decoded size of a base64 string or data: URL, for the size check before sending. */
export function base64Size(value: string): number {
  const comma = value.startsWith('data:') ? value.indexOf(',') + 1 : 0
  return Math.floor(((value.length - comma) * 3) / 4)
}
