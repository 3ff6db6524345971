import { describe, expect, it } from 'vitest'
import { imageFormatName, unsupportedImageReason } from '../../src/node/image-format.js'

const bytes = (...parts: Array<string | number[]>) =>
  new Uint8Array(
    parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)),
  )

describe('unsupportedImageReason', () => {
  it('lets the four formats the API reads through', () => {
    expect(unsupportedImageReason(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBeUndefined()
    expect(unsupportedImageReason(bytes('GIF89a'))).toBeUndefined()
  })

  it('names SVG, AVIF, HEIC, TIFF, BMP and empty files', () => {
    expect(
      imageFormatName(
        bytes([0xef, 0xbb, 0xbf], '<?xml version="1.0"?>\n<!-- x -->\n<svg width="1">'),
      ),
    ).toBe('SVG')
    expect(imageFormatName(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('SVG')
    expect(imageFormatName(bytes([0, 0, 0, 0x1c], 'ftypavif'))).toBe('AVIF')
    expect(imageFormatName(bytes([0, 0, 0, 0x18], 'ftypheic'))).toBe('HEIC/HEIF')
    expect(imageFormatName(bytes('II*', [0]))).toBe('TIFF')
    expect(imageFormatName(bytes('BM'))).toBe('BMP')
    expect(imageFormatName(bytes('<html><svg>'))).toBe('unknown')
    expect(unsupportedImageReason(new Uint8Array())).toBe('The image file is empty (0 bytes)')
    expect(unsupportedImageReason(bytes([0, 0, 0, 0x1c], 'ftypavif'))).toMatch(
      /^AVIF is not a format the API reads \(JPEG, PNG, GIF, WebP\)/,
    )
  })
})
