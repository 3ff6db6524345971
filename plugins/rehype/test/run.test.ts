/** Behaviour across files of a run: dedupe, cache, concurrency, budget, dry run, errors, context. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AltTextClient, MemoryCache } from '@alttextapi/core'
import { FileCache } from '@alttextapi/core/node'
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import rehypeParse from 'rehype-parse'
import rehypeStringify from 'rehype-stringify'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import rehypeAltText, { type AltTextRun, createAltTextRun, type Options } from '../src/index.js'
import { tempSite, tinyPng } from './helpers.js'

let api: FakeApi
let site: Awaited<ReturnType<typeof tempSite>>

beforeAll(async () => {
  api = await startFakeApi()
  const files: Record<string, Uint8Array> = {}
  for (let n = 1; n <= 12; n++) files[`img/${n}.png`] = tinyPng(n)
  files['img/copy-of-1.png'] = tinyPng(1)
  files['img/not-an-image.png'] = new TextEncoder().encode('hello')
  site = await tempSite(files)
})
afterAll(async () => {
  await api.close()
  await site.remove()
})
beforeEach(() => {
  api.reset()
})

const page = (body: string, head = '<title>T</title>') =>
  `<!doctype html><html lang="en"><head>${head}</head><body>${body}</body></html>`

async function process(html: string, options: Options, path = join(site.dir, 'index.html')) {
  const file = new VFile({ value: html, path })
  const out = await unified()
    .use(rehypeParse)
    .use(rehypeAltText, options)
    .use(rehypeStringify)
    .process(file)
  return out
}

const base = (): Options => ({
  apiKey: api.key,
  baseUrl: `${api.url}`,
  publicDir: site.dir,
  cache: false,
})

describe('one run', () => {
  it('describes identical images once across files and stores each occurrence', async () => {
    const cache = new MemoryCache()
    const run = createAltTextRun({ ...base(), cache })
    const a = await process(page('<p>One <img src="/img/1.png"></p>'), { run })
    const b = await process(page('<p>Two <img src="/img/copy-of-1.png"></p>'), { run })
    expect(api.images).toHaveLength(1)
    expect(String(a)).toContain('alt="Image 1"')
    expect(String(b)).toContain('alt="Image 1"')
    expect(run.stats).toMatchObject({ images: 2, described: 1, cached: 1, creditsUsed: 1 })
    // One key for both: nearby text is not part of it, so another page with the image is free.
    expect(cache.size).toBe(1)
    // Each file counts the credits its own images spent: the copy on the second page was free.
    expect(a.data.altText?.stats).toMatchObject({ described: 1, creditsUsed: 1 })
    expect(b.data.altText?.stats).toMatchObject({ cached: 1, creditsUsed: 0 })
    expect(a.data.altText?.images[0]?.creditsUsed).toBe(1)
  })

  it('a rebuild with the file cache makes no call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'alttext-cache-'))
    try {
      const html = page('<h2>Gallery</h2><img src="/img/2.png"><img src="/img/3.png">')
      const first = createAltTextRun({ ...base(), cache: new FileCache({ dir }) })
      await process(html, { run: first })
      expect(api.images).toHaveLength(2)
      const second = createAltTextRun({
        ...base(),
        cacheDir: dir,
        cacheFile: join(dir, 'alt-text.json'),
        cache: undefined,
      })
      const out = await process(html, { run: second })
      expect(api.images).toHaveLength(2)
      expect(second.stats).toMatchObject({ described: 0, cached: 2, creditsUsed: 0 })
      expect(String(out)).toContain('alt="Image 3"')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('keeps to the concurrency limit', async () => {
    const slow = await startFakeApi({ latencyMs: 60 })
    try {
      const imgs = [1, 2, 3, 4, 5, 6, 7].map((n) => `<img src="/img/${n}.png">`).join('')
      const out = await process(page(imgs), {
        ...base(),
        baseUrl: slow.url,
        concurrency: 2,
        batch: false,
      })
      expect(slow.images).toHaveLength(7)
      expect(slow.stats.maxInFlight).toBe(2)
      expect(out.data.altText?.stats.described).toBe(7)
    } finally {
      await slow.close()
    }
  })

  it('sends the images of a page in batch requests: fewer round trips', async () => {
    const imgs = [1, 2, 3, 4, 5, 6, 7].map((n) => `<img src="/img/${n}.png">`).join('')
    const out = await process(page(imgs), base())
    expect(api.images).toHaveLength(7)
    expect(api.stats.calls).toBeLessThan(7)
    expect(api.requests.some((r) => r.path === '/v1/alt-text/batch')).toBe(true)
    expect(out.data.altText?.stats.described).toBe(7)
    expect(String(out)).toContain('alt="Image 7"')
  })

  it('stops at maxImages and reports the rest with positions', async () => {
    const html = page('\n<img src="/img/1.png">\n<img src="/img/2.png">\n<img src="/img/3.png">')
    const out = await process(html, { ...base(), maxImages: 2, concurrency: 1 })
    expect(api.images).toHaveLength(2)
    expect(out.data.altText?.stats).toMatchObject({ described: 2, skipped: 1 })
    const skipped = out.messages.filter((m) => m.ruleId === 'skipped')
    expect(skipped).toHaveLength(1)
    expect(skipped[0]?.reason).toMatch(/budget of 2 images/)
    // Which image is left depends on which reads finish first (not on document order); its
    // position is its own: /img/N.png is on line N + 1.
    const n = Number(/\/img\/(\d)\.png/.exec(skipped[0]?.reason ?? '')?.[1])
    expect([1, 2, 3]).toContain(n)
    expect(skipped[0]?.line).toBe(n + 1)
    expect(skipped[0]?.column).toBe(1)
  })

  it('stops at maxCredits, counting the model price', async () => {
    const pricey = await startFakeApi({
      models: [{ id: 'pricey/model', name: 'Pricey', credits: 2, default: true }],
    })
    try {
      const imgs = [1, 2, 3, 4].map((n) => `<img src="/img/${n}.png">`).join('')
      const run = createAltTextRun({ ...base(), baseUrl: pricey.url, maxCredits: 5 })
      await process(page(imgs), { run })
      expect(pricey.images).toHaveLength(2)
      expect(run.stats).toMatchObject({ described: 2, skipped: 2, creditsUsed: 4 })
    } finally {
      await pricey.close()
    }
  })

  it('an answer without a valid creditsUsed still counts against maxCredits', async () => {
    // A proxy or a broken API version: `creditsUsed` missing, or not a number.
    for (const creditsUsed of [undefined, '2', -5]) {
      let calls = 0
      const client = {
        generate: async () => {
          calls++
          return { altText: 'An image', language: 'en', model: 'm', creditsUsed }
        },
        models: async () => ({ models: [{ id: 'm', name: 'M', credits: 2, default: true }] }),
      } as unknown as AltTextClient
      const run = createAltTextRun({
        ...base(),
        client,
        maxCredits: 5,
        concurrency: 1,
        batch: false,
      })
      // Two pages one after the other: the second one sees what the first one spent.
      await process(page('<img src="/img/1.png"><img src="/img/2.png">'), { run })
      await process(page('<img src="/img/3.png"><img src="/img/4.png">'), { run })
      expect(calls).toBe(2)
      expect(run.stats).toMatchObject({ described: 2, skipped: 2, creditsUsed: 4 })
    }
  })

  it('dry run calls nothing, changes nothing and counts distinct images', async () => {
    const html = page('<img src="/img/1.png"><img src="/img/copy-of-1.png"><img src="/img/2.png">')
    const run = createAltTextRun({ ...base(), dryRun: true })
    const out = await process(html, { run })
    expect(api.images).toHaveLength(0)
    expect(String(out)).not.toContain('alt=')
    expect(run.stats).toMatchObject({ images: 3, skipped: 3, planned: 2, described: 0 })
    expect(out.messages.filter((m) => m.ruleId === 'dry-run')).toHaveLength(3)
  })
})

describe('problems', () => {
  it('a missing file or unreadable image is reported and the image left alone', async () => {
    const html = page('<img src="/img/nope.png">\n  <img src="/img/not-an-image.png">')
    const out = await process(html, base())
    expect(String(out)).not.toContain('alt=')
    const failed = out.messages.filter((m) => m.ruleId === 'failed')
    expect(failed.map((m) => m.reason)).toEqual([
      expect.stringMatching(/not found/),
      expect.stringMatching(/Not an image format/),
    ])
    expect(failed[1]?.line).toBe(2)
    expect(failed[1]?.column).toBe(3)
    expect(failed[0]?.source).toBe('alttextapi')
    expect(out.data.altText?.stats.failed).toBe(2)
  })

  it('an API error fails that image only', async () => {
    api.fail({ image: { seed: 2 }, code: 'image_fetch_failed', times: Number.POSITIVE_INFINITY })
    const out = await process(page('<img src="/img/1.png"><img src="/img/2.png">'), base())
    expect(String(out)).toContain('alt="Image 1"')
    expect(String(out)).toMatch(/<img src="\/img\/2.png">/)
    expect(out.data.altText?.stats).toMatchObject({ described: 1, failed: 1 })
  })

  it('failOnError turns a failure into a fatal file message', async () => {
    const run = process(page('<img src="/img/nope.png">'), { ...base(), failOnError: true })
    await expect(run).rejects.toMatchObject({ fatal: true, ruleId: 'failed', line: 1 })
  })

  const twelve = () =>
    page(Array.from({ length: 12 }, (_, n) => `<img src="/img/${n + 1}.png">`).join('\n'))

  it('a wrong key stops the run after at most `concurrency` requests, with one file.fail', async () => {
    const run = createAltTextRun({
      ...base(),
      apiKey: 'atk_wrong',
      concurrency: 3,
      batch: false,
    })
    const file = new VFile({ value: twelve(), path: join(site.dir, 'index.html') })
    const processing = unified()
      .use(rehypeParse)
      .use(rehypeAltText, { run })
      .use(rehypeStringify)
      .process(file)
    await expect(processing).rejects.toMatchObject({
      fatal: true,
      ruleId: 'fatal',
      reason: expect.stringMatching(/^Stopped: .*ALTTEXT_API_KEY/),
    })
    expect(api.stats.calls).toBeGreaterThanOrEqual(1)
    expect(api.stats.calls).toBeLessThanOrEqual(3)
    // One message for the file, not one per image.
    expect(file.messages).toHaveLength(1)
    expect(run.stats).toMatchObject({ images: 12, stopped: 12, failed: 0 })
    expect(run.fatal?.code).toBe('unauthorized')
  })

  it('failOnError: false turns a fatal answer into one message per file', async () => {
    const balance = api.balance
    api.program({ balance: 0 })
    const run = createAltTextRun({ ...base(), failOnError: false })
    const a = await process(twelve(), { run })
    const calls = api.stats.calls
    const b = await process(page('<img src="/img/1.png">'), { run }, join(site.dir, 'b.html'))
    api.program({ balance })
    for (const out of [a, b]) {
      expect(out.messages.map((m) => m.ruleId)).toEqual(['fatal'])
      expect(out.messages[0]?.reason).toMatch(/credits/)
      expect(String(out)).not.toContain('alt=')
    }
    // The second file sent nothing: the run had stopped.
    expect(api.stats.calls).toBe(calls)
    expect(run.summary().fatal?.code).toBe('insufficient_credits')
  })

  it('no key at all stops the run with one clear error and no request', async () => {
    const saved = globalThis.process.env.ALTTEXT_API_KEY
    delete globalThis.process.env.ALTTEXT_API_KEY
    try {
      const run = process(page('<img src="/img/1.png"><img src="/img/2.png">'), {
        ...base(),
        apiKey: undefined,
      })
      await expect(run).rejects.toMatchObject({ reason: expect.stringMatching(/ALTTEXT_API_KEY/) })
      expect(api.stats.calls).toBe(0)
    } finally {
      if (saved !== undefined) globalThis.process.env.ALTTEXT_API_KEY = saved
    }
  })

  it('refuses root-relative paths that leave the public folder', async () => {
    const out = await process(page('<img src="/img/%2e%2e/%2e%2e/etc/passwd">'), base())
    expect(out.messages[0]?.reason).toMatch(/leaves the public folder|not found/)
    expect(api.images).toHaveLength(0)
  })
})

describe('what is sent', () => {
  it('sends page language, title, heading, caption, nearby text and link purpose', async () => {
    const html = `<!doctype html><html lang="de-CH"><head><title>Velos</title></head><body>
      <h1>Start</h1><h2>Unsere Flotte</h2>
      <figure><img src="/img/1.png"><figcaption>Das rote Velo</figcaption></figure>
      <p>Ein Text daneben <img src="/img/2.png"> und mehr.</p>
      <a href="/shop"><img src="/img/3.png"></a>
    </body></html>`
    await process(html, {
      ...base(),
      concurrency: 1,
      maxLength: 80,
      model: 'qwen/qwen2.5-vl-72b-instruct',
    })
    const bySeed = new Map(api.images.map((r) => [r.seed, r]))
    const one = bySeed.get('1')
    expect(one?.language).toBe('de-CH')
    expect(one?.maxLength).toBe(80)
    expect(one?.model).toBe('qwen/qwen2.5-vl-72b-instruct')
    expect(one?.context).toContain('Page title: Velos')
    expect(one?.context).toContain('Section heading: Unsere Flotte')
    expect(one?.context).toContain('Caption: Das rote Velo')
    expect(bySeed.get('2')?.context).toContain('Nearby text: Ein Text daneben und mehr.')
    expect(bySeed.get('2')?.context).not.toContain('link')
    expect(bySeed.get('3')?.context).toMatch(/only content of a link to \/shop/)
  })

  it('context: false sends none; a function decides', async () => {
    await process(page('<p>x <img src="/img/1.png"></p>'), { ...base(), context: false })
    expect(api.images[0]?.context).toBeUndefined()
    await process(page('<p>x <img src="/img/2.png"></p>'), {
      ...base(),
      context: (c) => `custom ${c.src}`,
    })
    expect(api.images[1]?.context).toBe('custom /img/2.png')
  })
})

describe('remote images', () => {
  let images: Awaited<ReturnType<typeof import('@alttextapi/testkit').listen>>
  let hits = 0
  beforeAll(async () => {
    const { listen } = await import('@alttextapi/testkit')
    images = await listen((req, res) => {
      hits++
      if (req.url === '/slow.png') return // never answers: the download times out
      if (req.url === '/big.png') {
        res.writeHead(200, { 'content-type': 'image/png' })
        return res.end(Buffer.alloc(5000, 1))
      }
      const seed = /\/(\d+)\.png/.exec(req.url ?? '')?.[1]
      if (!seed) return res.writeHead(404).end()
      res.writeHead(200, { 'content-type': 'image/png' })
      res.end(tinyPng(Number(seed)))
    })
  })
  afterAll(() => images.close())

  // The image host is a loopback server: allowed here, refused by default (see containment).
  const remote = (): Options => ({ ...base(), allowHosts: ['127.0.0.1'] })

  it('downloads http(s) images and describes their bytes', async () => {
    const out = await process(page(`<img src="${images.url}/11.png">`), remote())
    expect(String(out)).toContain('alt="Image 11"')
    expect(api.images[0]?.imageUrl).toBeUndefined()
  })

  it('reports download failures: status, timeout, size cap', async () => {
    const html = page(
      `<img src="${images.url}/missing.png"><img src="${images.url}/slow.png"><img src="${images.url}/big.png">`,
    )
    const out = await process(html, { ...remote(), fetchTimeoutMs: 300, maxImageBytes: 1000 })
    const reasons = out.messages.map((m) => m.reason)
    expect(reasons).toEqual([
      expect.stringMatching(/HTTP 404/),
      expect.stringMatching(/timed out/),
      expect.stringMatching(/larger than 1000 bytes/),
    ])
    expect(api.images).toHaveLength(0)
  })

  it("remoteImages: 'url' sends the URL for the API to fetch", async () => {
    hits = 0
    const url = `${images.url}/12.png`
    const out = await process(page(`<img src="${url}">`), { ...base(), remoteImages: 'url' })
    expect(hits).toBe(0)
    expect(api.images[0]?.imageUrl).toBe(url)
    expect(String(out)).toContain(`alt="Image at ${url}"`)
  })

  it('a dry run downloads nothing: remote images are counted by their URL', async () => {
    hits = 0
    const html = page(
      `<img src="${images.url}/11.png"><img src="${images.url}/11.png"><img src="${images.url}/12.png">`,
    )
    const run = createAltTextRun({ ...remote(), dryRun: true })
    const out = await process(html, { run })
    expect(hits).toBe(0)
    expect(api.images).toHaveLength(0)
    expect(String(out)).not.toContain('alt=')
    expect(run.stats).toMatchObject({ images: 3, planned: 2, described: 0 })
  })

  it('a dry run counts an image at a private address as the real run does: refused', async () => {
    const html = page(
      '<img src="/img/1.png"><img src="http://127.0.0.1:1/x.png"><img src="http://10.0.0.7/y.png">',
    )
    const failures = (out: VFile) =>
      out.messages.map((m) => m.reason).filter((r) => r.startsWith('Could not describe'))
    const real = createAltTextRun(base())
    const described = await process(html, { run: real })
    expect(real.stats).toMatchObject({ images: 3, described: 1, failed: 2 })
    const dry = createAltTextRun({ ...base(), dryRun: true })
    const out = await process(html, { run: dry })
    expect(dry.stats).toMatchObject({ images: 3, planned: 1, failed: 2 })
    expect(failures(out)).toEqual(failures(described))
    expect(failures(out)[0]).toBe(
      'Could not describe image (http://127.0.0.1:1/x.png): Could not download http://127.0.0.1:1/x.png: refused: 127.0.0.1: The image URL points at a private, local or reserved address.',
    )
    // allowHosts lets a host through as it does downloads; the API fetches public hosts only.
    const allowed = createAltTextRun({ ...remote(), dryRun: true })
    await process(html, { run: allowed })
    expect(allowed.stats).toMatchObject({ planned: 2, failed: 1 })
    const byUrl = createAltTextRun({ ...remote(), dryRun: true, remoteImages: 'url' })
    await process(html, { run: byUrl })
    expect(byUrl.stats).toMatchObject({ planned: 1, failed: 2 })
    expect(api.images).toHaveLength(1)
  })
})

describe('runs are independent', () => {
  it('each processor without a run gets its own', async () => {
    const runs: AltTextRun[] = [createAltTextRun(base()), createAltTextRun(base())]
    for (const run of runs) await process(page('<img src="/img/4.png">'), { run })
    expect(api.images).toHaveLength(2)
  })
})
