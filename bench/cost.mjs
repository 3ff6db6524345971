// Cost: bytes and model input tokens of a 12-megapixel photo before and after the client's
// preparation (core/node prepareImage). Tokens are counted as the fake model counts them: one per
// 28×28 pixel patch, as Qwen 2.5 VL does. Then never paying twice across tools: the same 20 images
// through the CLI, WordPress and Sanity of one account (cross-tool/run.mjs).
import { prepareImage } from '@alttextapi/core/node'
import sharp from 'sharp'
import { crossTool } from './cross-tool/run.mjs'
import { report } from './lib.mjs'

const tokens = (width, height) => Math.ceil(width / 28) * Math.ceil(height / 28)

/** A photo-like 4000×3000 JPEG: smooth gradients plus noise, so it compresses like a photo. */
async function photo() {
  const width = 4000
  const height = 3000
  const raw = Buffer.alloc(width * height * 3)
  let seed = 42
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed / 0x7fffffff
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      const noise = random() * 40
      raw[i] = Math.min(255, (x / width) * 200 + noise)
      raw[i + 1] = Math.min(255, (y / height) * 180 + noise)
      raw[i + 2] = Math.min(255, 120 + Math.sin(x / 90) * 60 + noise)
    }
  }
  return new Uint8Array(
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer(),
  )
}

export async function run() {
  const original = await photo()
  const meta = await sharp(original).metadata()
  const prepared = await prepareImage(original)
  const after = await sharp(prepared.bytes).metadata()
  const before = tokens(meta.width, meta.height)
  const reduced = tokens(after.width, after.height)
  report(
    'cost: 12 MP photo bytes',
    `${(original.byteLength / 1e6).toFixed(2)} MB → ${(prepared.bytes.byteLength / 1e3).toFixed(0)} KB`,
    '',
    undefined,
  )
  report(
    'cost: 12 MP photo input tokens',
    `${before} → ${reduced} (${(before / reduced).toFixed(1)}× fewer)`,
    '≥ 10× fewer',
    before / reduced >= 10,
  )
  const cross = await crossTool({ count: 20 })
  report(
    'cost: 20 images via CLI, WordPress, Sanity',
    `${cross.steps.map((s) => s.credits).join(' + ')} = ${cross.total} credits, ${cross.modelCalls} model calls`,
    '20 credits (one account)',
    cross.total === 20,
  )
  return {
    before,
    reduced,
    crossTool: cross,
    bytesBefore: original.byteLength,
    bytesAfter: prepared.bytes.byteLength,
  }
}
