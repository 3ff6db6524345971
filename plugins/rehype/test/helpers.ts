/**
 * Test helpers: a fake AltText API over HTTP (answers from the image bytes: a PNG made by
 * testkit's `tinyPng(n)` is described as `Image n`), and temp folders.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listen, readBody, sendJson, tinyPng } from '@alttextapi/testkit'

export interface SeenRequest {
  imageUrl?: string
  bytes?: Buffer
  language?: string
  context?: string
  maxLength?: number
  model?: string
  authorization?: string
}

/** The seed of a testkit `tinyPng`, read from its text chunk. */
export function seedOf(bytes: Buffer): string | undefined {
  return /seed-(\d+)/.exec(bytes.toString('latin1'))?.[1]
}

export async function startFakeAltTextApi(options: { latencyMs?: number; price?: number } = {}) {
  const requests: SeenRequest[] = []
  const failSeeds = new Map<string, { status: number; code: string }>()
  let active = 0
  let maxActive = 0
  let balance = 1000
  const server = await listen(async (req, res) => {
    if (req.method === 'GET' && req.url === '/v1/models') {
      return sendJson(res, 200, {
        models: [{ id: 'fake/model', name: 'Fake', credits: options.price ?? 1, default: true }],
      })
    }
    if (req.method !== 'POST' || req.url !== '/v1/alt-text') {
      return sendJson(res, 404, { error: { code: 'not_found', message: 'Not found' } })
    }
    active++
    maxActive = Math.max(maxActive, active)
    try {
      const body = JSON.parse((await readBody(req)).toString('utf8'))
      const bytes =
        typeof body.image === 'string'
          ? Buffer.from(body.image.replace(/^data:[^,]*,/, ''), 'base64')
          : undefined
      requests.push({
        imageUrl: body.imageUrl,
        bytes,
        language: body.language,
        context: body.context,
        maxLength: body.maxLength,
        model: body.model,
        authorization: req.headers.authorization,
      })
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs))
      if (req.headers.authorization !== 'Bearer atk_test')
        return sendJson(res, 401, { error: { code: 'unauthorized', message: 'Invalid API key' } })
      const seed = bytes ? seedOf(bytes) : undefined
      const fail = seed ? failSeeds.get(seed) : undefined
      if (fail) return sendJson(res, fail.status, { error: { code: fail.code, message: 'No' } })
      const name = seed ? `Image ${seed}` : body.imageUrl ? `Image at ${body.imageUrl}` : 'An image'
      const language = body.language ?? 'en'
      const price = options.price ?? 1
      balance -= price
      return sendJson(res, 200, {
        id: `gen_${requests.length}`,
        altText: language === 'en' ? name : `${name} (${language})`,
        language,
        model: 'fake/model',
        creditsUsed: price,
        creditsRemaining: balance,
      })
    } finally {
      active--
    }
  })
  return {
    url: server.url,
    requests,
    failSeeds,
    get maxActive() {
      return maxActive
    },
    close: server.close,
  }
}

export type FakeApi = Awaited<ReturnType<typeof startFakeAltTextApi>>

/** A temp folder with `red.png` … as tinyPng(1…n) and a clean-up. */
export async function tempSite(files: Record<string, Uint8Array | string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'alttext-rehype-'))
  const { mkdir } = await import('node:fs/promises')
  const { dirname } = await import('node:path')
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true })
    await writeFile(join(dir, name), content)
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

export { tinyPng }
