/** Reads the pixel size of a PNG, GIF, JPEG or WebP from its header bytes (undefined if unknown). */

/**
 * @param {Uint8Array} b
 * @returns {{ width: number, height: number } | undefined}
 */
export function imageSize(b) {
  /** @param {number} i */
  const u16be = (i) => (b[i] << 8) | b[i + 1]
  /** @param {number} i */
  const u16le = (i) => b[i] | (b[i + 1] << 8)
  /** @param {number} i */
  const u32be = (i) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3]
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    return { width: u32be(16), height: u32be(20) }
  }
  if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) {
    return { width: u16le(6), height: u16le(8) }
  }
  if (b.length >= 30 && b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45) {
    const chunk = String.fromCharCode(b[12], b[13], b[14], b[15])
    if (chunk === 'VP8X')
      return {
        width: 1 + (b[24] | (b[25] << 8) | (b[26] << 16)),
        height: 1 + (b[27] | (b[28] << 8) | (b[29] << 16)),
      }
    if (chunk === 'VP8 ') return { width: u16le(26) & 0x3fff, height: u16le(28) & 0x3fff }
    if (chunk === 'VP8L') {
      const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 }
    }
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined
      const marker = b[i + 1]
      const length = u16be(i + 2)
      if (
        marker >= 0xc0 &&
        marker <= 0xcf &&
        marker !== 0xc4 &&
        marker !== 0xc8 &&
        marker !== 0xcc
      ) {
        return { width: u16be(i + 7), height: u16be(i + 5) }
      }
      i += 2 + length
    }
  }
  return undefined
}

/** A valid 1×1 PNG (red). */
export const PNG_1x1 = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
    'base64',
  ),
)

/**
 * A small valid PNG of the given colour, different bytes per colour (for "distinct images").
 * @param {number} seed
 */
export function tinyPng(seed) {
  const bytes = Uint8Array.from(PNG_1x1)
  // Changing a byte inside the zlib stream would break the CRC; instead append a private ancillary
  // chunk ("teXt") that decoders ignore, which makes the bytes (and the content hash) unique.
  const text = Buffer.from(`Comment\0seed-${seed}`)
  const chunk = Buffer.alloc(12 + text.length)
  chunk.writeUInt32BE(text.length, 0)
  chunk.write('tEXt', 4, 'ascii')
  text.copy(chunk, 8)
  chunk.writeUInt32BE(crc32(Buffer.concat([Buffer.from('tEXt'), text])), 8 + text.length)
  const iend = bytes.length - 12
  return Uint8Array.from(Buffer.concat([bytes.subarray(0, iend), chunk, bytes.subarray(iend)]))
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

/** @param {Uint8Array} buf */
function crc32(buf) {
  let crc = 0xffffffff
  for (const byte of buf) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

/**
 * The seed of an image made by `tinyPng(seed)` (read from its text chunk), or undefined.
 * @param {Uint8Array} bytes
 */
export function seedOf(bytes) {
  return /seed-(\d+)/.exec(Buffer.from(bytes).toString('latin1'))?.[1]
}
