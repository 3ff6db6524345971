/**
 * End to end, against the real API (the Worker in workerd via testkit) with a fake model:
 * the example site built with the Vite plugin, and the same site built plain then fixed with the
 * CLI. Every page then passes axe-core's `image-alt` rule in headless Chromium, a second build
 * makes no model call, and the markdown pipeline fills alt too. Needs `pnpm build` first (the
 * example imports the packages as published) and Debian's `chromium`.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { findHtmlFiles } from '@alttextapi/cli'
import { startApi, startFakeModel } from '@alttextapi/testkit'
import { build, createLogger } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowser } from './browser.js'
import { serveDir } from './static.js'

const example = join(import.meta.dirname, '..')
const cli = join(example, '..', '..', 'plugins', 'cli', 'dist', 'cli.js')

let model: Awaited<ReturnType<typeof startFakeModel>>
let api: Awaited<ReturnType<typeof startApi>>
let remote: Awaited<ReturnType<typeof serveDir>>
let browser: Awaited<ReturnType<typeof startBrowser>>
let tmp: string
let key: string
const remoteRequests: string[] = []
const savedEnv = { ...process.env }

/** Runs a Node script without blocking this process (the fakes answer from here). */
function node(args: string[], env: Record<string, string>) {
  return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

async function viteBuild(outDir: string, env: Record<string, string>) {
  const lines: string[] = []
  const logger = createLogger('info')
  logger.info = (msg) => void lines.push(msg)
  logger.warn = (msg) => void lines.push(`WARN ${msg}`)
  Object.assign(process.env, env)
  try {
    await build({
      root: example,
      configFile: join(example, 'vite.config.ts'),
      customLogger: logger,
      build: { outDir, emptyOutDir: true },
    })
  } finally {
    for (const name of Object.keys(env)) {
      if (savedEnv[name] === undefined) delete process.env[name]
      else process.env[name] = savedEnv[name]
    }
  }
  return lines
}

/** axe `image-alt` violations of every page of `dir`, served over HTTP. */
async function axeSite(dir: string) {
  const server = await serveDir(dir)
  try {
    const pages: Record<string, { violations: string[]; images: number }> = {}
    for (const file of await findHtmlFiles(dir)) {
      const path = relative(dir, file).split('\\').join('/')
      pages[path] = await browser.imageAlt(`${server.url}/${path}`)
    }
    return pages
  } finally {
    await server.close()
  }
}

beforeAll(async () => {
  if (!existsSync(cli) || !existsSync(join(example, '..', '..', 'plugins', 'vite', 'dist')))
    throw new Error('Build the packages first: pnpm build')
  tmp = await mkdtemp(join(tmpdir(), 'alttext-e2e-'))
  model = await startFakeModel()
  api = await startApi({
    vars: {
      OPENROUTER_API_KEY: 'test',
      OPENROUTER_BASE_URL: model.url,
      ALLOW_PRIVATE_IMAGE_URLS: 'true',
      SIGNUP_CREDITS: '1000',
    },
  })
  const signup = await fetch(`${api.url}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'site@example.com', password: 'correct horse battery' }),
  })
  expect(signup.status).toBe(201)
  key = ((await signup.json()) as { apiKey: { key: string } }).apiKey.key
  remote = await serveDir(join(example, 'test', 'fixtures'), (path) => remoteRequests.push(path))
  browser = await startBrowser()
})

afterAll(async () => {
  await browser?.close()
  await remote?.close()
  await api?.stop()
  await model?.close()
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

const env = () => ({
  ALTTEXT_API_KEY: key,
  ALTTEXT_API_URL: api.url,
  VITE_REMOTE_IMAGES: remote.url,
  ALTTEXT_CACHE_DIR: join(tmp, 'vite-cache'),
  // The build's alt-text.json goes to the temporary folder, not into the example's sources.
  ALTTEXT_CACHE_FILE: join(tmp, 'alt-text.json'),
  // The remote image is served from 127.0.0.1, which downloads refuse unless allowed.
  ALTTEXT_ALLOW_HOST: '127.0.0.1',
})

describe('the example site', () => {
  it('built plain, axe finds images without alt (the check can fail)', async () => {
    await viteBuild(join(tmp, 'plain'), { ...env(), ALTTEXT_DISABLE: '1' })
    const pages = await axeSite(join(tmp, 'plain'))
    expect(Object.keys(pages).sort()).toEqual(['about/index.html', 'gallery.html', 'index.html'])
    const violations = Object.values(pages).flatMap((p) => p.violations)
    expect(violations.length).toBe(8)
  })

  it('built with the Vite plugin: every image has alt, decorative and described ones kept', async () => {
    const calls = model.calls
    const lines = await viteBuild(join(tmp, 'dist'), env())
    // 8 images without alt; the logo on two pages is described once.
    expect(model.calls - calls).toBe(7)
    // The summary ends with the balance left.
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^\[alttextapi\] 7 described, 1 cached, 0 skipped, 0 failed, 7 credits used, \d+ left$/,
      ),
    )
    expect(remoteRequests).toContain('/lighthouse.jpg')
    const pages = await axeSite(join(tmp, 'dist'))
    for (const [page, result] of Object.entries(pages)) {
      expect(result.violations, page).toEqual([])
      expect(result.images, page).toBeGreaterThan(0)
    }
    const home = await readFile(join(tmp, 'dist', 'index.html'), 'utf8')
    // The decorative divider (inlined by Vite as a data: URL) keeps its alt="".
    expect(home).toMatch(/<img src="data:image\/png;base64,[^"]+" alt="">/)
    expect(home).toContain('alt="A red city bike with a wicker basket"')
    const gallery = await readFile(join(tmp, 'dist', 'gallery.html'), 'utf8')
    expect(gallery).toMatch(/alt="[^"]+"/)
    // The German page asked for German alt text.
    const german = model.requests.find((r) => /\bde\b|German/i.test(r.prompt))
    expect(german).toBeDefined()
  })

  it('a second build makes no model call', async () => {
    const calls = model.calls
    const lines = await viteBuild(join(tmp, 'dist2'), env())
    expect(model.calls).toBe(calls)
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^\[alttextapi\] 0 described, 8 cached, 0 skipped, 0 failed, 0 credits used\b/,
      ),
    )
    const pages = await axeSite(join(tmp, 'dist2'))
    expect(Object.values(pages).flatMap((p) => p.violations)).toEqual([])
  })

  it('the plain build fixed by the CLI passes too, changing only alt attributes', async () => {
    const dir = join(tmp, 'plain')
    const before = await readFile(join(dir, 'index.html'), 'utf8')
    const run = (...args: string[]) => node([cli, ...args], env())
    expect((await run('check', dir)).status).toBe(1)
    const calls = model.calls
    const fixed = await run(
      'fix',
      dir,
      '--cache',
      join(tmp, 'cli-cache'),
      '--cache-file',
      join(tmp, 'cli-alt-text.json'),
      '--allow-host',
      '127.0.0.1',
      '--max-credits',
      '20',
    )
    expect(fixed.status, fixed.stderr).toBe(0)
    // Every image the Vite build paid for (in batches) is reused by the API: same account, same
    // bytes, same options — described, but neither charged nor sent to the model again.
    expect(fixed.stdout).toMatch(
      /7 described, 7 reused, 1 cached, 0 skipped, 0 failed, 0 credits used/,
    )
    expect(model.calls - calls).toBe(0)
    expect((await run('check', dir)).status).toBe(0)
    const after = await readFile(join(dir, 'index.html'), 'utf8')
    expect(after.replace(/ alt="[^"]*"(?= ?\/?>)/g, (m) => (before.includes(m) ? m : ''))).toBe(
      before,
    )
    const pages = await axeSite(dir)
    expect(Object.values(pages).flatMap((p) => p.violations)).toEqual([])
  })

  it('the markdown pipeline fills alt for undescribed images', async () => {
    const out = join(tmp, 'markdown')
    const result = await node([join(example, 'markdown', 'build.mjs')], {
      ...env(),
      MARKDOWN_OUT_DIR: out,
    })
    expect(result.status, result.stderr).toBe(0)
    const html = await readFile(join(out, 'cycling-tips.html'), 'utf8')
    expect(html).toMatch(/<img src="..\/..\/src\/images\/bicycle.jpg" alt="[^"]+">/)
    expect(html).toContain('alt="The three of us on opening day"')
  })
})
