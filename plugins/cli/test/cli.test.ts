/** The `alttext` CLI against a fake AltText API over HTTP: fix, check, dry run, exit codes, output. */
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeApi, startFakeApi, tinyPng } from '@alttextapi/testkit'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../src/index.js'

let api: FakeApi
let dir: string

const home = [
  '<!DOCTYPE html>\r\n<html lang="en"><head><title>Home</title></head><body>',
  '<img src="/img/1.png">',
  '<img src=img/2.png alt="">',
  '<IMG SRC="/img/3.png"/>',
  '</body></html>\r\n',
].join('\r\n')
const about =
  '<!doctype html><html lang="de"><body>\n  <p>Team <img src="../img/1.png" class=x></p>\n</body></html>'

function io(tty = false) {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t), isTTY: tty, columns: 120 },
      env: { ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url },
      cwd: dir,
    },
  }
}

beforeAll(async () => {
  api = await startFakeApi()
})
afterAll(() => api.close())
beforeEach(async () => {
  api.reset()
  dir = await mkdtemp(join(tmpdir(), 'alttext-cli-'))
  await mkdir(join(dir, 'site', 'img'), { recursive: true })
  await mkdir(join(dir, 'site', 'about'), { recursive: true })
  for (const n of [1, 2, 3]) await writeFile(join(dir, 'site', 'img', `${n}.png`), tinyPng(n))
  await writeFile(join(dir, 'site', 'index.html'), home)
  await writeFile(join(dir, 'site', 'about', 'index.html'), about)
})
afterEach(() => rm(dir, { recursive: true, force: true }))

describe('alttext check', () => {
  it('lists images without alt as file:line:col src and exits 1', async () => {
    const t = io()
    expect(await main(['check', 'site'], t.io)).toBe(1)
    expect(t.out.join('')).toBe(
      'site/about/index.html:2:11 ../img/1.png\nsite/index.html:3:1 /img/1.png\nsite/index.html:5:1 /img/3.png\n',
    )
    expect(t.err.join('')).toContain('3 images without alt text in 2 of 2 files')
  })
})

describe('alttext fix', () => {
  it('adds only alt attributes, writes atomically, prints a summary; check then passes', async () => {
    const t = io()
    expect(await main(['fix', 'site', '--cache', 'cache'], t.io)).toBe(0)
    const fixed = await readFile(join(dir, 'site', 'index.html'), 'utf8')
    expect(fixed).toBe(
      home
        .replace('<img src="/img/1.png">', '<img src="/img/1.png" alt="Image 1">')
        .replace('<IMG SRC="/img/3.png"/>', '<IMG SRC="/img/3.png" alt="Image 3"/>'),
    )
    expect(await readFile(join(dir, 'site', 'about', 'index.html'), 'utf8')).toBe(
      about.replace('class=x>', 'class=x alt="Image 1 (de)">'),
    )
    expect(await readdir(join(dir, 'site'))).toEqual(['about', 'img', 'index.html'])
    expect(t.out.join('')).toBe(
      'alttext: 2 files, 2 rewritten, 3 images without alt: 3 described, 0 cached, 0 skipped, 0 failed, 3 credits used\n',
    )
    // Plain progress lines on a non-terminal.
    expect(t.err.join('')).toContain('site/index.html: 2 alt added, 0 failed\n')
    const c = io()
    expect(await main(['check', 'site'], c.io)).toBe(0)
    // A second run finds nothing to do and calls nothing.
    const again = io()
    await main(['fix', 'site', '--cache', 'cache'], again.io)
    expect(api.images).toHaveLength(3)
  })

  it('a rebuilt site is fixed from the cache without calls', async () => {
    await main(['fix', 'site', '--cache', 'cache'], io().io)
    await writeFile(join(dir, 'site', 'index.html'), home)
    await writeFile(join(dir, 'site', 'about', 'index.html'), about)
    const t = io()
    await main(['fix', 'site', '--cache', 'cache'], t.io)
    expect(api.images).toHaveLength(3)
    expect(t.out.join('')).toContain('0 described, 3 cached')
  })

  it('--dry-run writes nothing and calls nothing', async () => {
    const t = io()
    expect(await main(['fix', 'site', '--dry-run', '--no-cache'], t.io)).toBe(0)
    expect(await readFile(join(dir, 'site', 'index.html'), 'utf8')).toBe(home)
    expect(api.images).toHaveLength(0)
    expect(t.out.join('')).toContain('dry run: 3 would be described')
  })

  it('--max-images, --lang, --concurrency reach the run', async () => {
    await writeFile(join(dir, 'site', 'nolang.html'), '<p><img src="img/2.png"></p>')
    const t = io()
    await main(
      ['fix', 'site', '--no-cache', '--max-images', '1', '--lang', 'fr', '--concurrency', '1'],
      t.io,
    )
    expect(api.images).toHaveLength(1)
    expect(t.out.join('')).toMatch(/1 described, 0 cached, \d skipped/)
    await main(['fix', 'site', '--no-cache'], io().io)
    expect(await readFile(join(dir, 'site', 'nolang.html'), 'utf8')).toMatch(
      /alt="Image 2( \(fr\))?"/,
    )
  })

  it('--fail-on-error exits 1 when an image fails; without it 0', async () => {
    await writeFile(join(dir, 'site', 'broken.html'), '<img src="/img/missing.png">')
    const soft = io()
    expect(await main(['fix', 'site', '--no-cache'], soft.io)).toBe(0)
    expect(soft.err.join('')).toContain('site/broken.html:1:1: Could not describe image')
    expect(await main(['fix', 'site', '--no-cache', '--fail-on-error'], io().io)).toBe(1)
  })

  it('reads no image outside <dir>: relative sources resolve as URLs, symlinks are not followed', async () => {
    // A private image next to the site, and pages that point at it by `..` and by a symlink.
    await writeFile(join(dir, 'private.png'), tinyPng(7))
    await symlink(join(dir, 'private.png'), join(dir, 'site', 'img', 'link.png'))
    await writeFile(
      join(dir, 'site', 'about', 'hostile.html'),
      '<img src="../../private.png"><img src="../../../../../../..' +
        join(dir, 'private.png') +
        '"><img src="/img/link.png"><img src="../img/link.png">' +
        '<img src="%2e%2e/%2e%2e/private.png"><img src="..%2f..%2fprivate.png">',
    )
    // Like a browser, `..` stops at the site root: this is /img/2.png.
    await writeFile(join(dir, 'site', 'about', 'deep.html'), '<img src="../../../img/2.png">')
    const t = io()
    expect(await main(['fix', 'site', '--no-cache'], t.io)).toBe(0)
    expect(api.images.map((r) => r.seed)).not.toContain('7')
    const hostile = await readFile(join(dir, 'site', 'about', 'hostile.html'), 'utf8')
    expect(hostile).not.toContain('alt=')
    expect(await readFile(join(dir, 'site', 'about', 'deep.html'), 'utf8')).toBe(
      '<img src="../../../img/2.png" alt="Image 2">',
    )
  })

  it('leaves non-UTF-8 files alone', async () => {
    const latin1 = Buffer.from('<p>caf\xe9 <img src="img/1.png"></p>', 'latin1')
    await writeFile(join(dir, 'site', 'old.html'), latin1)
    const t = io()
    await main(['fix', 'site', '--no-cache'], t.io)
    expect(await readFile(join(dir, 'site', 'old.html'))).toEqual(latin1)
    expect(t.err.join('')).toContain('old.html: skipped: not UTF-8')
    expect(t.out.join('')).toContain('3 files, 2 rewritten, 1 skipped (not UTF-8),')
  })

  it('draws a progress bar on a terminal', async () => {
    const t = io(true)
    await main(['fix', 'site', '--no-cache'], t.io)
    const err = t.err.join('')
    expect(err).toContain('████████████████████████ 2/2 files')
    // Redrawn in place (cursor to column 1, line cleared), not printed line after line.
    expect(err).toContain('\x1b[1G')
    expect(err).not.toContain('alttext: 1/2 files')
  })

  it('usage errors exit 2', async () => {
    const noKey = io()
    noKey.io.env = {} as typeof noKey.io.env
    expect(await main(['fix', 'site'], noKey.io)).toBe(2)
    expect(noKey.err.join('')).toContain('ALTTEXT_API_KEY')
    expect(await main(['fix'], io().io)).toBe(2)
    expect(await main(['fix', 'site', '--bogus'], io().io)).toBe(2)
    expect(await main(['nope'], io().io)).toBe(2)
    // The Sanity backfill ships with the Sanity package (`alttext-sanity`), not here.
    const sanity = io()
    expect(await main(['sanity'], sanity.io)).toBe(2)
    expect(sanity.err.join('')).toContain('unknown command')
  })
})

describe('a fatal answer stops the run with one message', () => {
  /** Many pages with many images: a run that would otherwise fail image after image. */
  async function bigSite() {
    for (let page = 0; page < 6; page++)
      await writeFile(
        join(dir, 'site', `p${page}.html`),
        [1, 2, 3].map((n) => `<img src="/img/${n}.png?${page}">`).join('\n'),
      )
  }

  it('a wrong key: exit 1, one message that says what to do, few requests', async () => {
    await bigSite()
    const t = io()
    t.io.env = { ALTTEXT_API_KEY: 'atk_wrong', ALTTEXT_API_URL: api.url }
    expect(await main(['fix', 'site', '--no-cache', '--concurrency', '2'], t.io)).toBe(1)
    const err = t.err.join('')
    expect(err.match(/ALTTEXT_API_KEY/g)).toHaveLength(1)
    expect(err).toMatch(/^alttext fix: stopped: .*ALTTEXT_API_KEY/m)
    expect(err).not.toContain('Could not describe image')
    expect(api.stats.calls).toBeLessThanOrEqual(2)
    expect(await readFile(join(dir, 'site', 'index.html'), 'utf8')).toBe(home)
    expect(t.out.join('')).toMatch(/not processed \(run stopped\)|0 rewritten/)
  })

  it('no credits (402): exit 1 and one message', async () => {
    await bigSite()
    const balance = api.balance
    api.program({ balance: 0 })
    try {
      const t = io()
      expect(await main(['fix', 'site', '--no-cache'], t.io)).toBe(1)
      const err = t.err.join('')
      expect(err.match(/stopped:/g)).toHaveLength(1)
      expect(err).toMatch(/credits/i)
      expect(err).not.toContain('Could not describe image')
    } finally {
      api.program({ balance })
    }
  })

  it('an unreachable API: exit 1 and one message', async () => {
    const { freePort } = await import('@alttextapi/testkit')
    const t = io()
    t.io.env = { ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: `http://127.0.0.1:${await freePort()}` }
    expect(await main(['fix', 'site', '--no-cache'], t.io)).toBe(1)
    const err = t.err.join('')
    expect(err.match(/stopped:/g)).toHaveLength(1)
    expect(err).toMatch(/Could not reach the API/)
  }, 30_000)
})

describe('the executable', () => {
  it('runs from dist with a shebang and exit codes', () => {
    const bin = join(import.meta.dirname, '..', 'dist', 'cli.js')
    const result = spawnSync(bin, ['check', join(dir, 'site')], { encoding: 'utf8' })
    expect(result.status).toBe(1)
    expect(result.stdout).toContain('/img/3.png')
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8' })
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('fix ')
    expect(help.stdout).not.toContain('sanity')
  })
})
