/** `alttext fix` and the committed alt-text.json, estimates, --max-credits, and `cache prune`. */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeApi, startFakeApi, tinyPng } from '@alttextapi/testkit'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../src/index.js'

let api: FakeApi
let dir: string

const pageOf = (text: string, images: string) =>
  `<!doctype html><html lang="en"><body><p>${text}</p>${images}</body></html>\n`

function io(cwd = dir) {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t), isTTY: false, columns: 120 },
      env: { ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url },
      cwd,
    },
  }
}

async function site(root: string) {
  await mkdir(join(root, 'site', 'img'), { recursive: true })
  for (const n of [1, 2, 3]) await writeFile(join(root, 'site', 'img', `${n}.png`), tinyPng(n))
  // The same logo on two pages: described (and charged) once.
  await writeFile(
    join(root, 'site', 'index.html'),
    pageOf('Home.', '<img src="/img/1.png"><img src="/img/2.png">'),
  )
  await writeFile(
    join(root, 'site', 'about.html'),
    pageOf('About.', '<img src="/img/1.png"><img src="/img/3.png">'),
  )
}

beforeAll(async () => {
  api = await startFakeApi({ balance: 100 })
})
afterAll(() => api.close())
beforeEach(async () => {
  api.reset()
  api.program({ balance: 100 })
  dir = await mkdtemp(join(tmpdir(), 'alttext-cli-cost-'))
  await site(dir)
})
afterEach(() => rm(dir, { recursive: true, force: true }))

describe('alt-text.json', () => {
  it('fix writes it in the cwd; a fresh clone with it and no node_modules pays nothing', async () => {
    expect(await main(['fix', 'site'], io().io)).toBe(0)
    expect(api.images).toHaveLength(3)
    const committed = await readFile(join(dir, 'alt-text.json'), 'utf8')
    expect(Object.keys(JSON.parse(committed).images)).toHaveLength(3)

    const clone = await mkdtemp(join(tmpdir(), 'alttext-cli-clone-'))
    try {
      await site(clone)
      await cp(join(dir, 'alt-text.json'), join(clone, 'alt-text.json'))
      api.reset()
      const t = io(clone)
      expect(await main(['fix', 'site'], t.io)).toBe(0)
      expect(api.stats.calls).toBe(0)
      expect(t.out.join('')).toContain('0 described, 4 cached')
      expect(await readFile(join(clone, 'site', 'about.html'), 'utf8')).toContain('alt="Image 3"')
    } finally {
      await rm(clone, { recursive: true, force: true })
    }
  })

  it('a corrupt file is named with its line before anything is spent, and left as it is', async () => {
    await writeFile(join(dir, 'alt-text.json'), '{ "version": 1, "images": {\n  oops\n}\n')
    const t = io()
    expect(await main(['fix', 'site'], t.io)).toBe(0)
    expect(t.err.join('')).toMatch(
      /alt-text\.json:2:3: not valid JSON .* this file is ignored and left as it is/,
    )
    expect(await readFile(join(dir, 'alt-text.json'), 'utf8')).toBe(
      '{ "version": 1, "images": {\n  oops\n}\n',
    )
  })
})

describe('estimates and --max-credits', () => {
  it('--dry-run prints the images to describe, the cached and the credits against the balance', async () => {
    await main(['fix', 'site'], io().io)
    // The pages as built again (no alt), and a new image.
    await site(dir)
    await writeFile(join(dir, 'site', 'img', '4.png'), tinyPng(4))
    await writeFile(join(dir, 'site', 'new.html'), pageOf('New.', '<img src="/img/4.png">'))
    api.reset()
    const t = io()
    expect(await main(['fix', 'site', '--dry-run'], t.io)).toBe(0)
    expect(t.out.join('')).toContain(
      'alttext (dry run): estimate: 1 image to describe (up to 1 credit), 4 cached; balance 97 credits\n',
    )
    expect(api.images).toHaveLength(0)
  })

  it('check --estimate prints the same estimate, and sends nothing to be described', async () => {
    await main(['fix', 'site'], io().io)
    await site(dir)
    await writeFile(join(dir, 'site', 'img', '4.png'), tinyPng(4))
    await writeFile(join(dir, 'site', 'new.html'), pageOf('New.', '<img src="/img/4.png">'))
    api.reset()
    const t = io()
    expect(await main(['check', 'site', '--estimate'], t.io)).toBe(1)
    expect(t.err.join('')).toContain(
      'alttext: estimate: 1 image to describe (up to 1 credit), 4 cached; balance 97 credits\n',
    )
    expect(api.images).toHaveLength(0)
  })

  it('--dry-run over --max-credits exits 1 before anything is spent', async () => {
    const t = io()
    expect(await main(['fix', 'site', '--dry-run', '--max-credits', '2'], t.io)).toBe(1)
    expect(t.err.join('')).toContain('this run needs up to 3 credits, over --max-credits 2')
    expect(api.images).toHaveLength(0)
  })

  it('a real run prints the estimate before it spends anything', async () => {
    const t = io()
    let sentBeforeEstimate = -1
    t.io.stderr.write = (text: string) => {
      if (text.includes('estimate:')) sentBeforeEstimate = api.images.length
      return t.err.push(text)
    }
    expect(await main(['fix', 'site'], t.io)).toBe(0)
    expect(t.err.join('')).toContain(
      'alttext: estimate: 3 images to describe (up to 3 credits), 0 cached; balance 100 credits\n',
    )
    expect(sentBeforeEstimate).toBe(0)
    expect(api.images).toHaveLength(3)
    // Nothing left to describe: no estimate, and no request at all.
    await site(dir)
    api.reset()
    const warm = io()
    expect(await main(['fix', 'site'], warm.io)).toBe(0)
    expect(warm.err.join('')).not.toContain('estimate')
    expect(api.stats.calls).toBe(0)
  })

  it('a real run over --max-credits stops with one error before anything is sent', async () => {
    const t = io()
    expect(await main(['fix', 'site', '--max-credits', '2', '--concurrency', '1'], t.io)).toBe(1)
    expect(api.images).toHaveLength(0)
    expect(t.err.join('')).toBe(
      'alttext: estimate: 3 images to describe (up to 3 credits), 0 cached; balance 100 credits; budget 2 credits: over budget\n' +
        'alttext fix: this run needs up to 3 credits, over --max-credits 2: nothing was sent. Raise --max-credits, or describe fewer images with --max-images.\n',
    )
    const pages = await readFile(join(dir, 'site', 'index.html'), 'utf8')
    expect(pages).not.toContain('alt=')
  })

  it('--max-images with --max-credits: the budget still holds within the run', async () => {
    const t = io()
    expect(
      await main(
        ['fix', 'site', '--max-credits', '3', '--max-images', '2', '--concurrency', '1'],
        t.io,
      ),
    ).toBe(1)
    expect(api.images).toHaveLength(2)
    expect(t.err.join('').match(/budget of 2 images reached: 1 image not described/g)).toHaveLength(
      1,
    )
  })
})

describe('alttext cache prune', () => {
  it('drops entries no page uses, keeps those of pages that already have alt', async () => {
    expect(await main(['fix', 'site'], io().io)).toBe(0)
    // The about page goes: image 3 is used nowhere now; images 1 and 2 have alt on the home page.
    await rm(join(dir, 'site', 'about.html'))
    const dry = io()
    expect(await main(['cache', 'prune', 'site', '--dry-run'], dry.io)).toBe(0)
    expect(dry.out.join('')).toBe(
      'alttext cache prune: 2 images in use, 1 would be dropped (alt-text.json, 1 file)\n',
    )
    expect(
      Object.keys(JSON.parse(await readFile(join(dir, 'alt-text.json'), 'utf8')).images),
    ).toHaveLength(3)
    const t = io()
    expect(await main(['cache', 'prune', 'site'], t.io)).toBe(0)
    expect(t.out.join('')).toBe(
      'alttext cache prune: 2 images in use, 1 dropped (alt-text.json, 1 file)\n',
    )
    expect(
      Object.keys(JSON.parse(await readFile(join(dir, 'alt-text.json'), 'utf8')).images),
    ).toHaveLength(2)
    expect(api.images).toHaveLength(3)
  })

  it('prunes nothing when an image cannot be read, or the file has problems', async () => {
    expect(await main(['fix', 'site'], io().io)).toBe(0)
    await rm(join(dir, 'site', 'img', '3.png'))
    const t = io()
    expect(await main(['cache', 'prune', 'site'], t.io)).toBe(1)
    expect(t.err.join('')).toContain('nothing pruned: some pages or images could not be read')
    expect(
      Object.keys(JSON.parse(await readFile(join(dir, 'alt-text.json'), 'utf8')).images),
    ).toHaveLength(3)
    await writeFile(join(dir, 'alt-text.json'), '{')
    const bad = io()
    expect(await main(['cache', 'prune', 'site'], bad.io)).toBe(1)
    expect(bad.err.join('')).toMatch(/alt-text\.json:1:2: not valid JSON/)
  })
})
