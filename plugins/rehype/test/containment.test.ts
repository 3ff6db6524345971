/**
 * Local reads stay inside the site: a `../`, a percent-encoded `..` or a symlink leading out of
 * the root (or the public folder) is refused, and nothing of it reaches the API.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { type FakeApi, listen, startFakeApi } from '@alttextapi/testkit'
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

async function fill(src: string, extra: Options = {}) {
  const options: Options = {
    apiKey: api.key,
    baseUrl: api.url,
    root,
    publicDir: join(root, 'public'),
    cache: false,
    ...extra,
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

describe('bad images', () => {
  it('a 0-byte or truncated image is reported and the page left as it was', async () => {
    const png = tinyPng(5)
    await writeFile(join(root, 'pages', 'empty.png'), new Uint8Array())
    await writeFile(join(root, 'pages', 'cut.png'), png.subarray(0, 40))
    for (const src of ['../empty.png', '../cut.png']) {
      const out = await fill(src)
      expect(String(out)).not.toContain('alt=')
      expect(out.messages).toHaveLength(1)
      expect(api.images).toHaveLength(0)
    }
  })

  it('SVG and AVIF are refused by name before upload, not converted', async () => {
    await writeFile(
      join(root, 'pages', 'logo.svg'),
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>',
    )
    // The start of a real AVIF file: an ISO-BMFF `ftyp` box with the `avif` brand.
    const avif = new Uint8Array(64)
    avif.set([0, 0, 0, 0x1c, ...new TextEncoder().encode('ftypavif'), 0, 0, 0, 0])
    await writeFile(join(root, 'pages', 'photo.avif'), avif)
    for (const [src, format] of [
      ['../logo.svg', 'SVG'],
      ['../photo.avif', 'AVIF'],
    ]) {
      const out = await fill(src as string)
      expect(String(out)).not.toContain('alt=')
      expect(out.messages.map((m) => m.reason)).toEqual([
        `Could not describe image (${src}): ${format} is not a format the API reads (JPEG, PNG, GIF, WebP): give this image alt text by hand, or serve a JPEG/PNG/WebP version`,
      ])
      expect(api.images).toHaveLength(0)
    }
  })
})

describe('messages', () => {
  it('carry no control characters or workflow commands from the page', async () => {
    const out = await fill('missing\u001b[31m.png\n::error file=x::pwned\u0007')
    const reason = out.messages[0]?.reason ?? ''
    expect(reason).toContain('missing.png ::error file=x::pwned')
    expect([...reason].some((c) => c < ' ' || c === '\u001b')).toBe(false)
  })

  it('show a data: URL by its type and length', async () => {
    const out = await fill(`data:image/png;base64,${'A'.repeat(3000)}`)
    expect(out.messages[0]?.reason).toContain('(data:image/png;base64,… (3000 chars))')
  })
})

describe('downloads keep to public addresses', () => {
  let images: Awaited<ReturnType<typeof listen>>
  let hits: string[] = []
  beforeAll(async () => {
    images = await listen((req, res) => {
      hits.push(req.url ?? '')
      const to = /^\/redirect\?to=(.+)$/.exec(req.url ?? '')?.[1]
      if (to) return res.writeHead(302, { location: decodeURIComponent(to) }).end()
      res.writeHead(200, { 'content-type': 'image/png' }).end(tinyPng(3))
    })
  })
  afterAll(() => images.close())
  beforeEach(() => {
    hits = []
  })
  const port = () => new URL(images.url).port

  it.each([
    ['http://127.0.0.1:PORT/3.png'],
    ['http://10.0.0.7/3.png'],
    ['http://169.254.169.254/latest/meta-data/'],
    ['http://[::1]:PORT/3.png'],
  ])('refuses %s before connecting', async (template) => {
    const out = await fill(template.replace('PORT', port()))
    expect(out.messages[0]?.reason).toMatch(/Could not download .*: refused: /)
    expect(hits).toEqual([])
    expect(api.images).toHaveLength(0)
  })

  it('refuses a redirect from an allowed host to a private address', async () => {
    const to = encodeURIComponent(`http://127.0.0.1:${port()}/3.png`)
    const out = await fill(`http://localhost:${port()}/redirect?to=${to}`, {
      allowHosts: ['localhost'],
    })
    expect(out.messages[0]?.reason).toMatch(/refused: 127\.0\.0\.1/)
    expect(hits).toHaveLength(1)
    expect(api.images).toHaveLength(0)
  })

  it('allowHosts lets a local image host through', async () => {
    const out = await fill(`${images.url}/3.png`, { allowHosts: ['127.0.0.1'] })
    expect(String(out)).toContain('alt="Image 3"')
  })

  it('names the cause of a failed download', async () => {
    // A port with nothing listening: the connection is refused.
    const closed = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number }
        server.close(() => done(port))
      })
    })
    const out = await fill(`http://127.0.0.1:${closed}/3.png`, { allowHosts: ['127.0.0.1'] })
    expect(out.messages[0]?.reason).toMatch(/: connection refused$/)
  })
})
