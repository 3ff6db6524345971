/**
 * Vite builds with the plugin, against a fake AltText API over HTTP: pages Vite builds (assets in
 * the bundle, public files, inlined data: URLs), HTML emitted by another plugin, the summary line,
 * byte-for-byte output apart from alt, a second build answered from the cache, an absolute
 * (CDN) base, and an app build with an SSR environment.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeApi, startFakeApi, tinyPng } from '@alttextapi/testkit'
import { build, createBuilder, createLogger, type Plugin } from 'vite'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { altText } from '../src/index.js'

let api: FakeApi
let root: string

const page = `<!doctype html>
<html lang="fr">
  <head><title>Accueil</title></head>
  <body>
    <h1>Bienvenue</h1>
    <IMG src="./img/1.png"  class=hero>
    <img src="./img/2.png" alt="">
    <img src="/public-3.png"/>
    <img src="./img/4.png" alt="Déjà décrit">
    <script type="module" src="./main.js"></script>
  </body>
</html>
`

/** Emits an extra page into the bundle, as a static-site plugin would. */
const emitter: Plugin = {
  name: 'emit-extra-page',
  generateBundle() {
    this.emitFile({
      type: 'asset',
      fileName: 'extra/page.html',
      source:
        '<!doctype html><html lang="en"><body><p><img src="../public-3.png"></p></body></html>',
    })
  },
}

/** A plugin emitting `fileName` with `body` into the bundle. */
const emitPage = (fileName: string, body: string): Plugin => ({
  name: `emit-${fileName}`,
  generateBundle() {
    this.emitFile({
      type: 'asset',
      fileName,
      source: `<!doctype html><html lang="en"><body>${body}</body></html>`,
    })
  },
})

/** The logger of a build, and the lines it got (warnings prefixed `WARN `). */
function capture() {
  const lines: string[] = []
  const logger = createLogger('info')
  logger.info = (msg) => void lines.push(msg)
  logger.warn = (msg) => void lines.push(`WARN ${msg}`)
  return { lines, logger }
}

async function runBuild(
  options: Parameters<typeof altText>[0] = {},
  vite: { base?: string; plugins?: Plugin[] } = {},
) {
  const { lines, logger } = capture()
  await build({
    root,
    base: vite.base,
    logLevel: 'info',
    customLogger: logger,
    configFile: false,
    build: { outDir: join(root, 'dist'), emptyOutDir: true, assetsInlineLimit: 0 },
    plugins: [
      emitter,
      ...(vite.plugins ?? []),
      altText({
        apiKey: api.key,
        baseUrl: api.url,
        cacheDir: join(root, 'cache'),
        ...options,
      }),
    ],
  })
  return lines
}

beforeAll(async () => {
  api = await startFakeApi()
  root = await mkdtemp(join(tmpdir(), 'alttext-vite-'))
  await mkdir(join(root, 'img'))
  await mkdir(join(root, 'public'))
  await writeFile(join(root, 'index.html'), page)
  await writeFile(join(root, 'main.js'), 'console.log(1)\n')
  for (const n of [1, 2, 4]) await writeFile(join(root, 'img', `${n}.png`), tinyPng(n))
  await writeFile(join(root, 'public', 'public-3.png'), tinyPng(3))
})
afterAll(async () => {
  await api.close()
  await rm(root, { recursive: true, force: true })
})
beforeEach(() => {
  api.reset()
})

describe('vite build', () => {
  it('fills missing alt in built pages and emitted HTML, and prints one summary line', async () => {
    const lines = await runBuild()
    const html = await readFile(join(root, 'dist', 'index.html'), 'utf8')
    expect(html).toMatch(/<IMG src="\/assets\/1-[\w-]+\.png" {2}class=hero alt="Image 1 \(fr\)">/)
    expect(html).toMatch(/<img src="\/assets\/2-[\w-]+\.png" alt="">/)
    expect(html).toContain('<img src="/public-3.png" alt="Image 3 (fr)"/>')
    expect(html).toContain('alt="Déjà décrit"')
    const extra = await readFile(join(root, 'dist', 'extra', 'page.html'), 'utf8')
    expect(extra).toContain('<img src="../public-3.png" alt="Image 3">')
    // Images 1 and 3 (fr), and 3 again in English: three calls.
    expect(api.images).toHaveLength(3)
    expect(
      api.images.every((r) => r.context?.includes('Page title: Accueil') || r.language === 'en'),
    ).toBe(true)
    const summary = lines.filter((l) => l.includes('[alttextapi]'))
    expect(summary).toEqual([
      '[alttextapi] estimate: 3 images to describe (up to 3 credits), 0 cached; balance 1000 credits',
      expect.stringMatching(
        /^\[alttextapi\] 3 described, 0 cached, 0 skipped, 0 failed, 3 credits used, \d+ left$/,
      ),
    ])
  })

  it('changes nothing but the alt attributes', async () => {
    await runBuild({ dryRun: true })
    const plain = await readFile(join(root, 'dist', 'index.html'), 'utf8')
    expect(api.images).toHaveLength(0)
    await runBuild()
    const filled = await readFile(join(root, 'dist', 'index.html'), 'utf8')
    expect(filled.replace(/ alt="Image \d \(fr\)"/g, '')).toBe(plain)
  })

  it('a second build is answered from the cache', async () => {
    await runBuild()
    api.reset()
    const lines = await runBuild()
    expect(api.images).toHaveLength(0)
    expect(lines).toContain(
      '[alttextapi] 0 described, 3 cached, 0 skipped, 0 failed, 0 credits used',
    )
  })

  it('reports problems with file and position and still builds', async () => {
    api.fail({
      image: { seed: 1 },
      code: 'unsupported_media_type',
      times: Number.POSITIVE_INFINITY,
    })
    const lines = await runBuild({ cache: false, concurrency: 1 })
    const html = await readFile(join(root, 'dist', 'index.html'), 'utf8')
    expect(html).not.toContain('alt="Image 1')
    expect(html).toContain('alt="Image 3 (fr)"')
    expect(
      lines.some((l) =>
        /^WARN \[alttextapi\] dist\/index\.html:\d+:5: Could not describe image \(\/assets\/1-/.test(
          l,
        ),
      ),
    ).toBe(true)
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^\[alttextapi\] 2 described, 0 cached, 0 skipped, 1 failed, 2 credits used, \d+ left$/,
      ),
    )
  })

  it('failOnError fails the build', async () => {
    api.fail({
      image: { seed: 1 },
      code: 'unsupported_media_type',
      times: Number.POSITIVE_INFINITY,
    })
    await expect(runBuild({ cache: false, failOnError: true })).rejects.toThrow(
      /Could not describe image/,
    )
  })

  it('a fatal answer fails the build with one error', async () => {
    const build = runBuild({ apiKey: 'atk_wrong', cache: false })
    await expect(build).rejects.toThrow(/\[alttextapi\] .*ALTTEXT_API_KEY/)
    // The images of both pages went in one batch request; nothing after the refusal.
    expect(api.stats.calls).toBe(1)
  })

  it("onError: 'warn' logs a fatal answer once and builds the pages as they were", async () => {
    const lines = await runBuild({
      baseUrl: 'http://127.0.0.1:9',
      cache: false,
      onError: 'warn',
    })
    const html = await readFile(join(root, 'dist', 'index.html'), 'utf8')
    expect(html).not.toContain('alt="Image')
    const warnings = lines.filter((l) => l.startsWith('WARN [alttextapi]'))
    expect(warnings).toEqual([
      expect.stringMatching(/^WARN \[alttextapi\] stopped: Could not reach/),
    ])
    expect(lines).toContain(
      '[alttextapi] 0 described, 0 cached, 0 skipped, 0 failed, 3 stopped, 0 credits used',
    )
  }, 30_000)

  it('without an API key, builds the site untouched, says so once and calls nothing', async () => {
    const saved = process.env.ALTTEXT_API_KEY
    delete process.env.ALTTEXT_API_KEY
    try {
      const lines = await runBuild({ apiKey: undefined, cache: false })
      const html = await readFile(join(root, 'dist', 'index.html'), 'utf8')
      expect(html).not.toContain('alt="Image')
      expect(api.images).toHaveLength(0)
      expect(lines.filter((l) => l.includes('no API key'))).toHaveLength(1)
      expect(lines.some((l) => /described, .* failed/.test(l))).toBe(false)
    } finally {
      if (saved !== undefined) process.env.ALTTEXT_API_KEY = saved
    }
  })

  it('an absolute base (a CDN): images under it are read from the bundle and public folder', async () => {
    const remote = emitPage('remote.html', '<img src="https://images.example.org/photo.png">')
    const lines = await runBuild(
      { cache: false, remoteImages: 'url' },
      { base: 'https://cdn.example.com/x/', plugins: [remote] },
    )
    const html = await readFile(join(root, 'dist', 'index.html'), 'utf8')
    expect(html).toMatch(
      /<IMG src="https:\/\/cdn\.example\.com\/x\/assets\/1-[\w-]+\.png" {2}class=hero alt="Image 1 \(fr\)">/,
    )
    expect(html).toContain('<img src="https://cdn.example.com/x/public-3.png" alt="Image 3 (fr)"/>')
    // An image on another host stays remote: its URL goes to the API.
    const other = await readFile(join(root, 'dist', 'remote.html'), 'utf8')
    expect(other).toContain('alt="Image at https://images.example.org/photo.png"')
    expect(api.images.map((r) => r.imageUrl).filter(Boolean)).toEqual([
      'https://images.example.org/photo.png',
    ])
    expect(lines.filter((l) => l.startsWith('WARN'))).toEqual([])
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[alttextapi\] 4 described, 0 cached, 0 skipped, 0 failed, 4 /),
    )
  })

  it('the estimate leaves out an image at a private address, as the run does', async () => {
    const local = emitPage('local.html', '<img src="http://127.0.0.1:1/x.png">')
    const lines = await runBuild({ cache: false, maxCredits: 3 }, { plugins: [local] })
    const summary = lines.filter((l) => l.includes('[alttextapi]') && !l.includes('refused'))
    expect(summary).toEqual([
      expect.stringMatching(
        /^\[alttextapi\] estimate: 3 images to describe \(up to 3 credits\), 0 cached; balance \d+ credits; budget 3 credits$/,
      ),
      expect.stringMatching(
        /^\[alttextapi\] 3 described, 0 cached, 0 skipped, 1 failed, 3 credits used, \d+ left$/,
      ),
    ])
    expect(lines).toContainEqual(
      expect.stringMatching(/^WARN \[alttextapi\] dist\/local\.html:.*refused: 127\.0\.0\.1/),
    )
  })
})

describe('an app build with an SSR environment', () => {
  /** Builds the client (the pages) and an SSR entry with Vite's environments API. */
  async function buildApp(options: Parameters<typeof altText>[0] = {}) {
    await writeFile(join(root, 'entry-server.js'), 'export const render = () => "<p>hi</p>"\n')
    const { lines, logger } = capture()
    const builder = await createBuilder({
      root,
      logLevel: 'info',
      customLogger: logger,
      configFile: false,
      environments: {
        client: {
          build: { outDir: join(root, 'dist', 'client'), emptyOutDir: true, assetsInlineLimit: 0 },
        },
        ssr: {
          build: {
            outDir: join(root, 'dist', 'server'),
            emptyOutDir: true,
            rollupOptions: { input: join(root, 'entry-server.js') },
          },
        },
      },
      plugins: [altText({ apiKey: api.key, baseUrl: api.url, cache: false, ...options })],
    })
    await builder.buildApp()
    return lines.filter((l) => l.includes('[alttextapi]'))
  }

  it("prints one summary line, and names the client's pages", async () => {
    api.fail({ image: { seed: 1 }, code: 'unsupported_media_type', times: 1 })
    const lines = await buildApp()
    expect(lines).toEqual([
      expect.stringMatching(
        /^\[alttextapi\] estimate: 2 images to describe \(up to 2 credits\), 0 cached; balance \d+ credits$/,
      ),
      expect.stringMatching(
        /^WARN \[alttextapi\] dist\/client\/index\.html:\d+:5: Could not describe image \(\/assets\/1-/,
      ),
      expect.stringMatching(
        /^\[alttextapi\] 1 described, 0 cached, 0 skipped, 1 failed, 1 credit used, \d+ left$/,
      ),
    ])
  })

  it('without an API key, says so once — also when vite.config is loaded per environment', async () => {
    const saved = process.env.ALTTEXT_API_KEY
    delete process.env.ALTTEXT_API_KEY
    try {
      // Vite resolves the config anew for each environment of an app build, and so loads the
      // config file again: a plugin that is not shared would be a new instance each time.
      const plugin = join(import.meta.dirname, '..', 'src', 'index.ts')
      const configFile = join(root, 'vite.config.mjs')
      await writeFile(
        configFile,
        `import { altText } from ${JSON.stringify(plugin)}\nexport default { plugins: [altText({ cache: false })] }\n`,
      )
      await writeFile(join(root, 'entry-server.js'), 'export const render = () => "<p>hi</p>"\n')
      const { lines, logger } = capture()
      const builder = await createBuilder({
        root,
        configFile,
        logLevel: 'info',
        customLogger: logger,
        environments: {
          client: { build: { outDir: join(root, 'dist', 'client'), emptyOutDir: true } },
          ssr: {
            build: {
              outDir: join(root, 'dist', 'server'),
              emptyOutDir: true,
              rollupOptions: { input: join(root, 'entry-server.js') },
            },
          },
        },
      })
      await builder.buildApp()
      expect(lines.filter((l) => l.includes('[alttextapi]'))).toEqual([
        expect.stringMatching(/^WARN \[alttextapi\] no API key/),
      ])
    } finally {
      if (saved !== undefined) process.env.ALTTEXT_API_KEY = saved
    }
  })

  it('without an API key, says so once', async () => {
    const saved = process.env.ALTTEXT_API_KEY
    delete process.env.ALTTEXT_API_KEY
    try {
      const lines = await buildApp({ apiKey: undefined })
      expect(lines).toEqual([expect.stringMatching(/^WARN \[alttextapi\] no API key/)])
      expect(api.images).toHaveLength(0)
    } finally {
      if (saved !== undefined) process.env.ALTTEXT_API_KEY = saved
    }
  })
})
