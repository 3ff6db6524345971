/**
 * Local reads stay inside the site: a `../`, a percent-encoded `..` or a symlink leading out of
 * the root (or the public folder) is refused, and nothing of it reaches the API.
 */
import { mkdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import rehypeParse from 'rehype-parse'
import rehypeStringify from 'rehype-stringify'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import rehypeAltText, { type Options } from '../src/index.js'
import { tempSite, tinyPng } from './helpers.js'

let api: FakeApi
let outer: Awaited<ReturnType<typeof tempSite>>
let root: string

beforeAll(async () => {
  api = await startFakeApi()
  // `secret.png` sits beside the site, outside its root: a build must never read it.
  outer = await tempSite({
    'secret.png': tinyPng(7),
    'site/pages/inner.png': tinyPng(1),
    'site/public/img/ok.png': tinyPng(2),
  })
  root = join(outer.dir, 'site')
  await symlink(join(outer.dir, 'secret.png'), join(root, 'pages', 'out.png'))
  await symlink(join(outer.dir, 'secret.png'), join(root, 'public', 'img', 'out.png'))
  await symlink(join(root, 'pages', 'inner.png'), join(root, 'pages', 'in.png'))
  await mkdir(join(root, 'pages', 'deep'), { recursive: true })
})
afterAll(async () => {
  await api.close()
  await outer.remove()
})
beforeEach(() => {
  api.reset()
})

async function fill(src: string) {
  const options: Options = {
    apiKey: api.key,
    baseUrl: api.url,
    root,
    publicDir: join(root, 'public'),
    cache: false,
  }
  const file = new VFile({
    value: `<!doctype html><html lang="en"><body><p>x <img src="${src}"></p></body></html>`,
    path: join(root, 'pages', 'deep', 'index.html'),
  })
  return await unified()
    .use(rehypeParse)
    .use(rehypeAltText, options)
    .use(rehypeStringify)
    .process(file)
}

describe('local reads stay inside the site root', () => {
  it.each([
    ['../../../secret.png'],
    ['%2e%2e/%2e%2e/%2e%2e/secret.png'],
    ['..%2f..%2f..%2fsecret.png'],
    ['../out.png'],
    ['/img/out.png'],
    ['/img/%2e%2e/%2e%2e/%2e%2e/secret.png'],
  ])('refuses %s and uploads nothing', async (src) => {
    const out = await fill(src)
    expect(String(out)).not.toContain('alt=')
    expect(out.messages[0]?.reason).toMatch(/leaves the (site|public) folder/)
    expect(api.images).toHaveLength(0)
  })

  it('follows a symlink that stays inside the root', async () => {
    const out = await fill('../in.png')
    expect(out.messages).toHaveLength(0)
    expect(String(out)).toContain('alt="Image 1"')
  })

  it('reads the public folder by root-relative path', async () => {
    const out = await fill('/img/ok.png')
    expect(String(out)).toContain('alt="Image 2"')
  })
})
