/**
 * The committed alt-text.json in real Vite builds against testkit's fake API: a fresh clone (no
 * node_modules) with the file builds with no call; an edited paragraph costs nothing; a corrupt
 * file is reported by line and left alone; estimates, maxCredits and progress lines.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeApi, startFakeApi, tinyPng } from '@alttextapi/testkit'
import { build, createLogger } from 'vite'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { altText } from '../src/index.js'

let api: FakeApi
let base: string
let root: string

const page = (text: string, images: number[]) => `<!doctype html>
<html lang="en">
  <head><title>Trips</title></head>
  <body>
    <p>${text}</p>
    ${images.map((n) => `<img src="./img/${n}.png">`).join('\n    ')}
  </body>
</html>
`

async function project(dir: string) {
  await mkdir(join(dir, 'img'), { recursive: true })
  for (const n of [1, 2, 3]) await writeFile(join(dir, 'img', `${n}.png`), tinyPng(n))
  await writeFile(join(dir, 'index.html'), page('Our trip to the coast.', [1, 2]))
  await writeFile(join(dir, 'about.html'), page('About us.', [2, 3]))
}

async function viteBuild(
  dir: string,
  options: Parameters<typeof altText>[0] = {},
  onInfo?: (line: string) => void,
) {
  const lines: string[] = []
  const logger = createLogger('info')
  logger.info = (msg) => {
    onInfo?.(msg)
    lines.push(msg)
  }
  logger.warn = (msg) => void lines.push(`WARN ${msg}`)
  await build({
    root: dir,
    logLevel: 'info',
    customLogger: logger,
    configFile: false,
    build: {
      outDir: join(dir, 'dist'),
      emptyOutDir: true,
      assetsInlineLimit: 0,
      rollupOptions: { input: [join(dir, 'index.html'), join(dir, 'about.html')] },
    },
    plugins: [altText({ apiKey: api.key, baseUrl: api.url, ...options })],
  })
  return lines.filter((l) => l.includes('[alttextapi]'))
}

beforeAll(async () => {
  api = await startFakeApi({ balance: 1000 })
  base = await mkdtemp(join(tmpdir(), 'alttext-vite-committed-'))
})
afterAll(async () => {
  await api.close()
  await rm(base, { recursive: true, force: true })
})
beforeEach(async () => {
  api.reset()
  api.program({ latencyMs: 0, balance: 1000 })
  root = await mkdtemp(join(base, 'p-'))
  await project(root)
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('alt-text.json', () => {
  it('is written at the root, and a fresh clone with it builds with no API call', async () => {
    await viteBuild(root)
    expect(api.images).toHaveLength(3)
    const committed = await readFile(join(root, 'alt-text.json'), 'utf8')
    const images = JSON.parse(committed).images
    expect(Object.keys(images)).toHaveLength(3)
    expect(Object.keys(images)).toEqual(Object.keys(images).sort())
    expect(committed.endsWith('}\n')).toBe(true)

    // A CI runner: a new checkout with the committed file, no node_modules cache.
    const clone = join(base, 'clone')
    await project(clone)
    await cp(join(root, 'alt-text.json'), join(clone, 'alt-text.json'))
    api.reset()
    try {
      const lines = await viteBuild(clone)
      expect(api.stats.calls).toBe(0)
      expect(lines).toContain(
        '[alttextapi] 0 described, 4 cached, 0 skipped, 0 failed, 0 credits used',
      )
      expect(await readFile(join(clone, 'dist', 'about.html'), 'utf8')).toContain('alt="Image 3"')
      // Nothing new: the committed file is left byte for byte as it was.
      expect(await readFile(join(clone, 'alt-text.json'), 'utf8')).toBe(committed)
    } finally {
      await rm(clone, { recursive: true, force: true })
    }
  })

  it('an edited paragraph next to an image costs nothing', async () => {
    await viteBuild(root)
    await writeFile(join(root, 'index.html'), page('Our trip to the rocky coast, in May.', [1, 2]))
    await rm(join(root, 'node_modules'), { recursive: true, force: true })
    api.reset()
    await viteBuild(root)
    expect(api.stats.calls).toBe(0)
  })

  it('is found from the folder cache of an older build, and filled without a call', async () => {
    await viteBuild(root, { cacheFile: false })
    await expect(readFile(join(root, 'alt-text.json'))).rejects.toThrow(/ENOENT/)
    api.reset()
    await viteBuild(root)
    expect(api.stats.calls).toBe(0)
    expect(
      Object.keys(JSON.parse(await readFile(join(root, 'alt-text.json'), 'utf8')).images),
    ).toHaveLength(3)
  })

  it("keeps pages after its own writes, and fills them again after a person's edit", async () => {
    const pagesDir = join(root, 'node_modules', '.cache', 'alttextapi', 'pages')
    await viteBuild(root)
    const stored = (await readdir(pagesDir)).sort()
    expect(stored).toHaveLength(2)
    // The build that wrote alt-text.json left its pages valid: the next one stores nothing new.
    await viteBuild(root)
    expect((await readdir(pagesDir)).sort()).toEqual(stored)
    const path = join(root, 'alt-text.json')
    const text = await readFile(path, 'utf8')
    await writeFile(path, text.replace('"Image 3"', '"Our team on the pier"'))
    api.reset()
    await viteBuild(root)
    expect(api.stats.calls).toBe(0)
    expect(await readFile(join(root, 'dist', 'about.html'), 'utf8')).toContain(
      'alt="Our team on the pier"',
    )
  })

  it('a corrupt file is reported with its line, ignored and never overwritten', async () => {
    const broken = '{\n  "images": {\n    "abc": [\n<<<<<<< HEAD\n'
    await writeFile(join(root, 'alt-text.json'), broken)
    const lines = await viteBuild(root)
    expect(lines.filter((l) => l.startsWith('WARN'))).toEqual([
      expect.stringMatching(
        /^WARN \[alttextapi\] alt-text\.json:4:1: unresolved merge conflict markers — this file is ignored/,
      ),
    ])
    expect(api.images).toHaveLength(3)
    expect(await readFile(join(root, 'alt-text.json'), 'utf8')).toBe(broken)
  })
})

describe('estimates and budgets', () => {
  it('a dry run prints the images to describe, the cached and the credits against the balance', async () => {
    await viteBuild(root)
    await writeFile(join(root, 'img', '4.png'), tinyPng(4))
    await writeFile(join(root, 'about.html'), page('About us.', [2, 3, 4]))
    api.reset()
    const lines = await viteBuild(root, { dryRun: true })
    expect(lines).toContain(
      '[alttextapi] estimate: 1 image to describe (up to 1 credit), 4 cached; balance 997 credits',
    )
    expect(api.images).toHaveLength(0)
  })

  it('a dry run over maxCredits fails the build before anything is spent', async () => {
    await expect(viteBuild(root, { dryRun: true, maxCredits: 2 })).rejects.toThrow(
      /needs up to 3 credits, over maxCredits \(2\)/,
    )
    expect(api.images).toHaveLength(0)
  })

  it('a real build logs the estimate before it sends anything; a warm one logs none', async () => {
    let sentBefore = -1
    const lines = await viteBuild(root, {}, (line) => {
      if (line.includes('estimate:')) sentBefore = api.images.length
    })
    const estimate =
      '[alttextapi] estimate: 3 images to describe (up to 3 credits), 0 cached; balance 1000 credits'
    expect(lines).toContain(estimate)
    expect(lines.indexOf(estimate)).toBeLessThan(lines.findIndex((l) => /described/.test(l)))
    expect(sentBefore).toBe(0)
    expect(api.images).toHaveLength(3)
    api.reset()
    const warm = await viteBuild(root)
    expect(warm.some((l) => l.includes('estimate'))).toBe(false)
    expect(api.stats.calls).toBe(0)
  })

  it('a real build over maxCredits fails with one error before anything is sent', async () => {
    await expect(viteBuild(root, { maxCredits: 2, batch: false, concurrency: 1 })).rejects.toThrow(
      /this build needs up to 3 credits, over maxCredits \(2\): nothing was sent/,
    )
    expect(api.images).toHaveLength(0)
  })

  it('maxImages still stops within the build, with one message', async () => {
    // Pages are transformed in parallel: which images reach the API first decides which are left
    // out. Image 2 is on both pages, so the count (per image on a page) is 1 (image 3) or 2
    // (image 2, twice); seen both ways in CI.
    await expect(viteBuild(root, { maxImages: 2, batch: false, concurrency: 1 })).rejects.toThrow(
      /budget of 2 images reached: (1 image|2 images) not described/,
    )
    expect(api.images).toHaveLength(2)
  })
})

describe('progress', () => {
  it('prints plain lines in a log while a long build runs, then the summary', async () => {
    api.program({ latencyMs: 150 })
    const lines = await viteBuild(root, {
      batch: false,
      concurrency: 1,
      progress: { intervalMs: 100 },
    })
    const progress = lines.filter((l) => /^\[alttextapi\] \d+\/2 pages/.test(l))
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)).toMatch(/described, \d+ cached, 0 failed, \d+ credits?$/)
    expect(lines.at(-1)).toMatch(/^\[alttextapi\] 3 described, 1 cached/)
  })
})
