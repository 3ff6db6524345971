/**
 * What the CLI says: --version, a missing folder named as such, plurals, text from pages stripped
 * of control characters, and pages behind symlinks (followed inside the folder, named outside).
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeApi, listen, startFakeApi, tinyPng } from '@alttextapi/testkit'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../src/index.js'

let api: FakeApi
let dir: string

function io() {
  const out: string[] = []
  const err: string[] = []
  return {
    out: () => out.join(''),
    err: () => err.join(''),
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t), isTTY: false },
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
  dir = await mkdtemp(join(tmpdir(), 'alttext-cli-msg-'))
  await mkdir(join(dir, 'site'), { recursive: true })
})
afterEach(() => rm(dir, { recursive: true, force: true }))

describe('messages', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(
      await readFile(new URL('../package.json', import.meta.url), 'utf8'),
    )
    const t = io()
    expect(await main(['--version'], t.io)).toBe(0)
    expect(t.out()).toBe(`${version}\n`)
  })

  it('a missing folder is named as such, exit 2', async () => {
    for (const command of ['check', 'fix']) {
      const t = io()
      expect(await main([command, 'nope'], t.io)).toBe(2)
      expect(t.err()).toContain(`alttext ${command}: folder not found: ${join(dir, 'nope')}`)
    }
  })

  it('counts in the singular and the plural', async () => {
    await writeFile(join(dir, 'site', 'a.html'), '<img src="x.png" alt="x">')
    const one = io()
    expect(await main(['check', 'site'], one.io)).toBe(0)
    expect(one.err()).toBe('alttext: every image has alt text (1 file)\n')
    await writeFile(join(dir, 'site', 'b.html'), '<img src="y.png">')
    const two = io()
    expect(await main(['check', 'site'], two.io)).toBe(1)
    expect(two.err()).toBe('alttext: 1 image without alt text in 1 of 2 files\n')
  })

  it('strips control characters and ANSI from page text it prints', async () => {
    await writeFile(
      join(dir, 'site', 'evil.html'),
      '<img src="/a\u001b[31m.png\n::error file=x::pwned\u0007">',
    )
    const t = io()
    await main(['check', 'site'], t.io)
    expect(t.out()).toBe('site/evil.html:1:1 /a.png ::error file=x::pwned \n')
    expect([...t.out()].filter((c) => c < ' ' && c !== '\n')).toEqual([])
  })

  it('shortens data: URLs', async () => {
    await writeFile(
      join(dir, 'site', 'd.html'),
      `<img src="data:image/png;base64,${'A'.repeat(4000)}">`,
    )
    const t = io()
    await main(['check', 'site'], t.io)
    expect(t.out()).toBe('site/d.html:1:1 data:image/png;base64,… (4000 chars)\n')
  })
})

describe('downloads', () => {
  it('refuses a private image host unless --allow-host names it, and says why', async () => {
    const images = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' }).end(tinyPng(4))
    })
    try {
      const page = join(dir, 'site', 'remote.html')
      await writeFile(page, `<img src="${images.url}/4.png">`)
      const refused = io()
      expect(await main(['fix', 'site', '--no-cache'], refused.io)).toBe(0)
      expect(refused.err()).toMatch(/remote\.html:1:1: .*refused: 127\.0\.0\.1/)
      expect(await readFile(page, 'utf8')).not.toContain('alt=')
      const allowed = io()
      expect(
        await main(['fix', 'site', '--no-cache', '--allow-host', '127.0.0.1'], allowed.io),
      ).toBe(0)
      expect(await readFile(page, 'utf8')).toContain('alt="Image 4"')
    } finally {
      await images.close()
    }
  })
})

describe('progress in a CI log', () => {
  it('prints a plain status line about every tenth of the pages, no redraw codes', async () => {
    for (let n = 0; n < 20; n++)
      await writeFile(join(dir, 'site', `p${n}.html`), '<p>no images</p>')
    const t = io()
    expect(await main(['fix', 'site', '--no-cache'], t.io)).toBe(0)
    const lines = t
      .err()
      .split('\n')
      .filter((l) => l.startsWith('alttext: '))
    expect(lines).toHaveLength(9)
    expect(lines[0]).toBe('alttext: 2/20 files · 0 described · 0 cached · 0 failed')
    expect(t.err()).not.toContain('\u001b')
  })
})

describe('symlinks', () => {
  it('follows a symlinked folder inside the root, fills its pages through the link', async () => {
    // Debian's doc layout: the pages live in a folder the site links to.
    await mkdir(join(dir, 'site', 'real', 'html'), { recursive: true })
    await writeFile(join(dir, 'site', 'real', 'html', 'page.html'), '<img src="1.png">')
    await writeFile(join(dir, 'site', 'real', 'html', '1.png'), tinyPng(1))
    await mkdir(join(dir, 'site', 'doc'))
    await symlink(join(dir, 'site', 'real', 'html'), join(dir, 'site', 'doc', 'html'))
    const check = io()
    expect(await main(['check', 'site'], check.io)).toBe(1)
    expect(check.out()).toContain('site/doc/html/page.html:1:1 1.png')
    const fix = io()
    expect(await main(['fix', 'site', '--no-cache'], fix.io)).toBe(0)
    expect(await readFile(join(dir, 'site', 'real', 'html', 'page.html'), 'utf8')).toBe(
      '<img src="1.png" alt="Image 1">',
    )
  })

  it('names a symlinked folder or page leading outside the root and skips it', async () => {
    await mkdir(join(dir, 'outside'))
    await writeFile(join(dir, 'outside', 'page.html'), '<img src="1.png">')
    await symlink(join(dir, 'outside'), join(dir, 'site', 'docs'))
    await symlink(join(dir, 'outside', 'page.html'), join(dir, 'site', 'page.html'))
    const t = io()
    expect(await main(['check', 'site'], t.io)).toBe(0)
    expect(t.err()).toContain('site/docs: skipped: symlink leads outside the folder')
    expect(t.err()).toContain('site/page.html: skipped: symlink leads outside the folder')
    const f = io()
    expect(await main(['fix', 'site', '--no-cache'], f.io)).toBe(0)
    expect(f.err()).toContain('site/docs: skipped: symlink leads outside the folder')
    expect(await readFile(join(dir, 'outside', 'page.html'), 'utf8')).toBe('<img src="1.png">')
  })
})
