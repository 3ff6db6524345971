/**
 * Which images a build tool refuses before upload, and the message that says why. The API reads
 * JPEG, PNG, GIF and WebP (`sniffImageType`); anything else is refused here, per image, before a
 * byte is sent — never converted behind the author's back (an SVG's text or an AVIF's HDR would
 * be described from a rendering the page never shows). The format is named only for the message,
 * so a few signatures suffice: no detector library is needed to say "not one of the four".
 */
import { sniffImageType } from '../image.js'

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, end))

/** A name for a format the API does not read (`'SVG'`, `'AVIF'`…), or `'unknown'`. */
export function imageFormatName(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty file'
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12)
    if (brand === 'avif' || brand === 'avis') return 'AVIF'
    if (/^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(brand)) return 'HEIC/HEIF'
  }
  const head = ascii(bytes, 0, 4)
  if (head === 'II*\0' || head === 'MM\0*') return 'TIFF'
  if (head.startsWith('BM')) return 'BMP'
  if (head === '\0\0\x01\0') return 'ICO'
  if (ascii(bytes, 0, 12) === '\0\0\0\x0cJXL \r\n' || head.startsWith('\xff\x0a')) return 'JPEG XL'
  // SVG is text: look for the root element after an optional BOM, XML declaration, comments.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 1024))
  if (/^\uFEFF?\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(text))
    return 'SVG'
  return 'unknown'
}

/**
 * Why `bytes` cannot be sent to the API (`undefined` when they can): a clear sentence for the
 * per-image message, naming the format and what to do.
 */
export function unsupportedImageReason(bytes: Uint8Array): string | undefined {
  if (sniffImageType(bytes)) return undefined
  const format = imageFormatName(bytes)
  if (format === 'empty file') return 'The image file is empty (0 bytes)'
  const what = format === 'unknown' ? 'Not an image format' : `${format} is not a format`
  return `${what} the API reads (JPEG, PNG, GIF, WebP): give this image alt text by hand, or serve a JPEG/PNG/WebP version`
}
