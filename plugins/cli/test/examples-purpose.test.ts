/**
 * The example sites' linked images (issue 23): the logo that is a link's only content in the Vite
 * example, and the shop image that is a Markdown link's only content in the Eleventy example, are
 * sent with purpose link and the target; `--mark-origin` marks what the machine wrote (issue 21).
 */
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { main } from '../src/index.js'

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url))
let api: FakeApi
let dir: string
beforeAll(async () => {
  api = await startFakeApi()
})
afterAll(() => api.close())
beforeEach(async () => {
  api.reset()
  dir = await mkdtemp(join(tmpdir(), 'alttext-examples-'))
  return () => rm(dir, { recursive: true, force: true })
})

function io() {
  const err: string[] = []
  return {
    err: () => err.join(''),
    io: {
      stdout: { write: () => {} },
      stderr: { write: (t: string) => err.push(t), isTTY: false },
      env: { ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url },
      cwd: dir,
    },
  }
}

/** Every image the fake was asked for, single or in a batch: its purpose and context. */
function sent(): { purpose?: string; context?: string }[] {
  return api.requests.flatMap((r) => {
    const body = r.body as { images?: unknown[]; purpose?: string; context?: string } | undefined
    if (r.path === '/v1/alt-text/batch') return (body?.images ?? []) as { purpose?: string }[]
    return r.path === '/v1/alt-text' && body ? [body] : []
  })
}

it('vite-site: the logo linking home gets link-purpose alt text, marked data-alt-origin', async () => {
  const site = join(dir, 'site')
  await mkdir(join(site, 'about'), { recursive: true })
  await cp(join(EXAMPLES, 'vite-site', 'index.html'), join(site, 'index.html'))
  await cp(join(EXAMPLES, 'vite-site', 'about', 'index.html'), join(site, 'about', 'index.html'))
  await cp(join(EXAMPLES, 'vite-site', 'src', 'images'), join(site, 'src', 'images'), {
    recursive: true,
  })
  await cp(join(EXAMPLES, 'vite-site', 'public', 'badge.png'), join(site, 'badge.png'))
  const t = io()
  expect(await main(['fix', 'site', '--remote', 'skip', '--mark-origin', '--no-cache'], t.io)).toBe(
    0,
  )
  const linked = sent().filter((b) => b.purpose === 'link')
  // The same logo on both pages is described once, as a link to the home page.
  expect(linked).toHaveLength(1)
  expect(linked[0]?.context).toContain('The image is the only content of a link to /:')
  expect(sent().filter((b) => b.purpose !== 'link').length).toBeGreaterThan(2)
  const home = await readFile(join(site, 'index.html'), 'utf8')
  expect(home).toMatch(
    /<a href="\/"><img src="\.\/src\/images\/logo\.png" width="60" height="60" alt="Image [0-9a-f]{8}" data-alt-origin="machine"><\/a>/,
  )
  // The decorative divider (alt="") and the written alt text are untouched and unmarked.
  expect(home).toContain('<img src="./src/images/divider.png" alt="">')
  expect(home).toContain(
    '<img src="./src/images/bicycle.jpg" alt="A red city bike with a wicker basket" width="400">',
  )
})

it('eleventy-site: the Markdown shop image that is a link gets link-purpose alt text', async () => {
  await cp(join(EXAMPLES, 'eleventy-site', 'src'), join(dir, 'src'), { recursive: true })
  const t = io()
  const code = await main(['fix', '--source', 'src', '--public', 'src', '--no-cache'], t.io)
  expect(code, t.err()).toBe(0)
  const linked = sent().filter((b) => b.purpose === 'link')
  expect(linked.map((b) => b.context)).toEqual([
    expect.stringContaining('The image is the only content of a link to https://example.com/shop'),
  ])
  expect(await readFile(join(dir, 'src', 'index.md'), 'utf8')).toMatch(
    /\[!\[Image \w+\]\(\/img\/shop\.png\)\]\(https:\/\/example\.com\/shop\)/,
  )
})
