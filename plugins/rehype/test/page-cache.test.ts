/** The page cache of `fillAltText`: a warm page is served whole, and never wrongly. */
import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAltTextRun, fillAltText, formatStats, type Options } from '../src/index.js'
import { tempSite, tinyPng } from './helpers.js'

let api: FakeApi
let site: Awaited<ReturnType<typeof tempSite>>
let cacheDir: string

const PAGE = [
  '<!doctype html><html lang="en"><head><title>Zoo</title></head><body>',
  '<h1>Animals</h1>',
  '<p>The lion sleeps.</p><img src="/img/1.png">',
  '<figure><img src="pics/2.png"><figcaption>A zebra</figcaption></figure>',
  '<img src="/img/3.png" alt="">',
  '</body></html>',
].join('\n')

beforeAll(async () => {
  api = await startFakeApi()
})
afterAll(async () => {
  await api.close()
  await site?.remove()
})
beforeEach(async () => {
  await site?.remove()
  site = await tempSite({
    'public/img/1.png': tinyPng(1),
    'public/img/3.png': tinyPng(3),
    'pages/pics/2.png': tinyPng(2),
  })
  cacheDir = join(site.dir, 'cache')
  api.reset()
})

const options = (extra: Options = {}): Options => ({
  apiKey: api.key,
  baseUrl: api.url,
  publicDir: join(site.dir, 'public'),
  root: site.dir,
  cacheDir,
  // No committed file: these tests drop the image entries to see the page cache answer alone.
  cacheFile: false,
  ...extra,
})
const pagePath = () => join(site.dir, 'pages', 'index.html')
const fill = (extra: Options = {}, html = PAGE) => {
  const run = createAltTextRun(options(extra))
  return fillAltText(html, { run, path: pagePath() }).then((out) => ({ out, run }))
}
const pageEntries = async () =>
  (await readdir(join(cacheDir, 'pages')).catch(() => [] as string[])).filter((f) =>
    f.endsWith('.json'),
  )
/** Removes the per-image entries, so only the page cache can answer without the API. */
const dropImageEntries = async () => {
  for (const name of await readdir(cacheDir))
    if (name.endsWith('.json')) await rm(join(cacheDir, name))
}

describe('page cache', () => {
  it('serves an unchanged page whole: same output, no API call, images counted as cached', async () => {
    const cold = await fill()
    expect(cold.out.changed).toBe(2)
    expect(cold.out.html).toContain('<img src="/img/1.png" alt="Image 1">')
    expect(cold.out.html).toContain('<img src="pics/2.png" alt="Image 2">')
    expect(cold.run.stats).toMatchObject({ images: 2, described: 2, cached: 0 })
    expect(await pageEntries()).toHaveLength(1)
    expect(api.images).toHaveLength(2)

    await dropImageEntries()
    const warm = await fill()
    expect(api.images).toHaveLength(2)
    expect(warm.out.html).toBe(cold.out.html)
    expect(warm.out.changed).toBe(2)
    expect(warm.out.file.messages).toEqual([])
    expect(warm.run.stats).toMatchObject({ images: 2, described: 0, cached: 2, failed: 0 })
    expect(warm.out.result.stats).toMatchObject({ images: 2, cached: 2 })
    expect(warm.out.file.data.altText?.images.map((i) => [i.src, i.status, i.altText])).toEqual([
      ['/img/1.png', 'cached', 'Image 1'],
      ['pics/2.png', 'cached', 'Image 2'],
    ])
    expect(formatStats(warm.run.stats)).toBe(
      '0 described, 2 cached, 0 skipped, 0 failed, 0 credits used',
    )
  })

  it('re-describes an image whose file changed behind the same URL (public and relative)', async () => {
    await fill()
    await writeFile(join(site.dir, 'public/img/1.png'), tinyPng(4))
    const after = await fill()
    expect(after.out.html).toContain('<img src="/img/1.png" alt="Image 4">')
    expect(after.out.html).toContain('<img src="pics/2.png" alt="Image 2">')
    expect(api.images).toHaveLength(3)

    await writeFile(join(site.dir, 'pages/pics/2.png'), tinyPng(5))
    const again = await fill()
    expect(again.out.html).toContain('<img src="pics/2.png" alt="Image 5">')
    expect(again.run.stats).toMatchObject({ described: 1, cached: 1 })
  })

  it('notices a same-size change with the mtime put back (the bytes are hashed again)', async () => {
    await fill()
    const file = join(site.dir, 'public/img/1.png')
    const before = await stat(file)
    const bytes = Buffer.from(await readFile(file))
    const other = Buffer.from(tinyPng(6))
    expect(other.length).toBe(bytes.length)
    await writeFile(file, other)
    await utimes(file, before.atime, before.mtime)
    await dropImageEntries()
    const after = await fill()
    expect(after.out.html).toContain('alt="Image 6"')
  })

  it('still hits when a file is only touched (same bytes)', async () => {
    const cold = await fill()
    const file = join(site.dir, 'public/img/1.png')
    await writeFile(file, await readFile(file))
    const later = new Date(Date.now() + 5000)
    await utimes(file, later, later)
    await dropImageEntries()
    const warm = await fill()
    expect(warm.out.html).toBe(cold.out.html)
    expect(api.images).toHaveLength(2)
  })

  it('misses when an option that changes the output changes', async () => {
    await fill()
    await dropImageEntries()
    const other = await fill({ maxLength: 80 })
    expect(api.images).toHaveLength(4)
    expect(other.run.stats.described).toBe(2)
    await fill({ describeDecorative: true })
    expect(api.images.some((r) => r.seed === '3')).toBe(true)
    expect(await pageEntries()).toHaveLength(3)
  })

  it('misses when the page moves (relative sources resolve against it)', async () => {
    const html = '<img src="/img/1.png">'
    const run = createAltTextRun(options())
    await fillAltText(html, { run, path: join(site.dir, 'a.html') })
    await fillAltText(html, { run, path: join(site.dir, 'b.html') })
    expect(await pageEntries()).toHaveLength(2)
  })

  it('does not store a page with a failed image', async () => {
    api.fail({
      image: { seed: 2 },
      code: 'unsupported_media_type',
      times: Number.POSITIVE_INFINITY,
    })
    const first = await fill()
    expect(first.run.stats).toMatchObject({ described: 1, failed: 1 })
    expect(await pageEntries()).toHaveLength(0)
    api.clearFailures()
    const second = await fill()
    expect(second.out.html).toContain('alt="Image 2"')
    expect(second.run.stats).toMatchObject({ described: 1, cached: 1 })
    expect(await pageEntries()).toHaveLength(1)
  })

  it('does not store a page with a missing image', async () => {
    await fill({}, `${PAGE}<img src="/img/none.png">`)
    expect(await pageEntries()).toHaveLength(0)
  })

  it('a dry run stores nothing; a hit changes nothing but counts its images as cached', async () => {
    await fill({ dryRun: true })
    expect(await pageEntries()).toHaveLength(0)
    await fill()
    expect(await pageEntries()).toHaveLength(1)
    // Only the page cache can answer: the estimate of a warm site costs what the warm run costs.
    await dropImageEntries()
    api.reset()
    const dry = await fill({ dryRun: true })
    expect(dry.out.html).toBe(PAGE)
    expect(dry.out.changed).toBe(0)
    expect(dry.run.stats).toMatchObject({ images: 2, cached: 2, planned: 0 })
    expect(dry.run.summary().planned).toBe(0)
    expect(await pageEntries()).toHaveLength(1)
    expect(api.stats.calls).toBe(0)
  })

  it('reads a corrupt entry as a miss and writes it again', async () => {
    // Without alt-text.json, whose first write would key the second run's page anew.
    const noFile: Options = { cacheFile: false }
    const cold = await fill(noFile)
    const [entry] = await pageEntries()
    const file = join(cacheDir, 'pages', entry as string)
    await writeFile(file, '{"version":')
    const again = await fill(noFile)
    expect(again.out.html).toBe(cold.out.html)
    expect(JSON.parse(await readFile(file, 'utf8')).html).toBe(cold.out.html)
    await writeFile(file, JSON.stringify({ version: 'alttextapi-rehype-page/1', html: 1 }))
    await dropImageEntries()
    await fill(noFile)
    expect(api.images).toHaveLength(4)
  })

  it('checks resolveImage bytes again on a hit', async () => {
    let seed = 7
    const resolveImage = (src: string) => (src === '/img/1.png' ? tinyPng(seed) : undefined)
    await fill({ resolveImage })
    await dropImageEntries()
    const hit = await fill({ resolveImage })
    expect(hit.out.html).toContain('alt="Image 7"')
    expect(api.images).toHaveLength(2)
    seed = 8
    const miss = await fill({ resolveImage })
    expect(miss.out.html).toContain('alt="Image 8"')
  })

  it('keeps images left out by include/exclude, and is off with a filter function', async () => {
    const cold = await fill({ exclude: /2\.png/ })
    expect(cold.run.stats).toMatchObject({ images: 2, described: 1, skipped: 1 })
    const warm = await fill({ exclude: /2\.png/ })
    expect(warm.out.html).toBe(cold.out.html)
    expect(warm.run.stats).toMatchObject({ images: 2, cached: 1, skipped: 1 })
    // (The cold run wrote alt-text.json, which keys the pages: the warm run stored its own.)
    const stored = (await pageEntries()).length
    await fill({ exclude: (src) => src.includes('2.png') })
    expect(await pageEntries()).toHaveLength(stored)
  })

  it('is off with cache: false and pageCache: false', async () => {
    await fill({ cache: false })
    await fill({ pageCache: false })
    expect(await pageEntries()).toHaveLength(0)
  })
})
