import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { prepareImage, sniffImageType } from '../../src/node/index.js'

/**
 * A photo-like image: coarse noise scaled up smoothly, so JPEG cannot compress it to nothing
 * (a 4000×3000 one is ~3.5 MB at quality 90), made quickly.
 */
async function photo(width: number, height: number, format: 'jpeg' | 'png'): Promise<Uint8Array> {
  const w = Math.ceil(width / 8)
  const h = Math.ceil(height / 8)
  const raw = Buffer.alloc(w * h * 3)
  let seed = 42
  for (let i = 0; i < raw.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    raw[i] = seed >> 23
  }
  const image = sharp(raw, { raw: { width: w, height: h, channels: 3 } }).resize(width, height, {
    fit: 'fill',
    kernel: 'cubic',
  })
  const out = format === 'jpeg' ? image.jpeg({ quality: 90 }) : image.png()
  return new Uint8Array(await out.toBuffer())
}

describe('prepareImage', () => {
  it('downscales a 4000×3000 JPEG to 1024 px on the long side, much smaller', async () => {
    const big = await photo(4000, 3000, 'jpeg')
    const prepared = await prepareImage(big)
    expect(prepared).toMatchObject({ resized: true, mime: 'image/jpeg', width: 1024, height: 768 })
    expect(sniffImageType(prepared.bytes)).toBe('image/jpeg')
    const meta = await sharp(prepared.bytes).metadata()
    expect([meta.width, meta.height]).toEqual([1024, 768])
    expect(prepared.bytes.length).toBeLessThan(big.length / 5)
  })

  it('turns a large PNG into WebP and honours maxSide', async () => {
    const big = await photo(600, 1500, 'png')
    const prepared = await prepareImage(big, { maxSide: 500 })
    expect(prepared).toMatchObject({ resized: true, mime: 'image/webp', width: 200, height: 500 })
    expect(sniffImageType(prepared.bytes)).toBe('image/webp')
    expect(prepared.bytes.length).toBeLessThan(big.length)
  })

  it('passes small images and non-images through as the same bytes', async () => {
    const small = await photo(800, 600, 'png')
    const prepared = await prepareImage(small)
    expect(prepared).toMatchObject({ resized: false, mime: 'image/png', width: 800, height: 600 })
    expect(prepared.bytes).toBe(small)
    const text = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')
    expect(await prepareImage(text)).toEqual({
      bytes: text,
      mime: 'application/octet-stream',
      resized: false,
    })
  })

  it('applies EXIF orientation: a rotated portrait photo comes out portrait', async () => {
    // Stored 2000×1000 with orientation 6 (rotate 90°): a person sees 1000×2000.
    const stored = await sharp(await photo(2000, 1000, 'jpeg'))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer()
    const prepared = await prepareImage(new Uint8Array(stored))
    expect(prepared).toMatchObject({ resized: true, width: 512, height: 1024 })
    // Re-encoded without metadata: no EXIF (location, camera) is uploaded.
    const meta = await sharp(prepared.bytes).metadata()
    expect(meta.exif).toBeUndefined()
    expect(meta.orientation).toBeUndefined()
  })

  it('without sharp installed, sends every image as it is', async () => {
    // Bundled into a temp folder outside the workspace, where `import('sharp')` finds nothing.
    const dir = await mkdtemp(join(tmpdir(), 'alttext-nosharp-'))
    try {
      await build({
        entryPoints: [fileURLToPath(new URL('../../src/node/prepare-image.ts', import.meta.url))],
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: join(dir, 'prepare.mjs'),
        logLevel: 'silent',
      })
      const big = await photo(2000, 1500, 'jpeg')
      await writeFile(join(dir, 'big.jpg'), big)
      await writeFile(
        join(dir, 'run.mjs'),
        `import { readFileSync } from 'node:fs'
import { prepareImage } from './prepare.mjs'
const bytes = new Uint8Array(readFileSync(new URL('./big.jpg', import.meta.url)))
const out = await prepareImage(bytes)
console.log(JSON.stringify({ same: out.bytes === bytes, resized: out.resized, mime: out.mime }))
`,
      )
      const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'run.mjs')], {
        cwd: dir,
      })
      expect(JSON.parse(stdout)).toEqual({ same: true, resized: false, mime: 'image/jpeg' })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
