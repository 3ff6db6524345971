/**
 * Bad input gets a clear message and changes nothing: an unreadable page (chmod 000) and broken
 * HTML are reported with the file (and line:column) and left byte-identical; the other pages are
 * still checked and fixed.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeApi, startFakeApi, tinyPng } from '@alttextapi/testkit'
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

const BROKEN = '<p>fine</p>\n<img src="/a.png">\n<p>cut</p>\n<img src="/a.png'
// root ignores file modes: the unreadable case only means something for other users.
const asRoot = process.getuid?.() === 0

beforeAll(async () => {
  api = await startFakeApi()
})
afterAll(() => api.close())
beforeEach(async () => {
  api.reset()
  dir = await mkdtemp(join(tmpdir(), 'alttext-cli-bad-'))
  await mkdir(join(dir, 'site'), { recursive: true })
  await writeFile(join(dir, 'site', 'a.png'), tinyPng(1))
  await writeFile(join(dir, 'site', 'broken.html'), BROKEN)
})
afterEach(async () => {
  await chmod(join(dir, 'site', 'locked.html'), 0o644).catch(() => {})
  await rm(dir, { recursive: true, force: true })
})
const lock = async () => {
  await writeFile(join(dir, 'site', 'locked.html'), '<img src="/a.png">')
  await chmod(join(dir, 'site', 'locked.html'), 0o000)
}

describe('bad input', () => {
  it('check names broken HTML with file:line:column', async () => {
    const t = io()
    expect(await main(['check', 'site'], t.io)).toBe(1)
    expect(t.err()).toContain(
      'site/broken.html:4:17: broken HTML (eof-in-tag): the page ends inside a tag: that tag is not read\n',
    )
    expect(t.out()).toBe('site/broken.html:2:1 /a.png\n')
  })

  it('fix reports broken HTML and changes nothing but the complete image', async () => {
    const t = io()
    expect(await main(['fix', 'site', '--no-cache'], t.io)).toBe(0)
    expect(t.err()).toContain('site/broken.html:4:17: Broken HTML (eof-in-tag)')
    expect(await readFile(join(dir, 'site', 'broken.html'), 'utf8')).toBe(
      BROKEN.replace('<img src="/a.png">', '<img src="/a.png" alt="Image 1">'),
    )
  })

  it.skipIf(asRoot)('check names an unreadable page and goes on; exit 1', async () => {
    await lock()
    const t = io()
    expect(await main(['check', 'site'], t.io)).toBe(1)
    expect(t.err()).toContain('site/locked.html: could not read: EACCES\n')
    expect(t.err()).toContain('alttext: 1 file could not be read\n')
    expect(t.out()).toBe('site/broken.html:2:1 /a.png\n')
  })

  it.skipIf(asRoot)('fix names an unreadable page, leaves it, fixes the rest', async () => {
    await lock()
    const t = io()
    expect(await main(['fix', 'site', '--no-cache', '--fail-on-error'], t.io)).toBe(1)
    expect(t.err()).toContain('site/locked.html: could not read: ')
    await chmod(join(dir, 'site', 'locked.html'), 0o644)
    expect(await readFile(join(dir, 'site', 'locked.html'), 'utf8')).toBe('<img src="/a.png">')
  })
})

describe('bad flags', () => {
  it('a flag that is not a whole number is a usage error for fix and fix --source alike', async () => {
    for (const args of [
      ['fix', 'site', '--max-credits', 'ten'],
      ['fix', '--source', 'site', '--max-credits', 'ten'],
    ]) {
      const t = io()
      expect(await main(args, t.io)).toBe(2)
      expect(t.err()).toContain(
        'alttext fix: --max-credits must be a whole number\n\nUsage: alttext fix',
      )
      expect(api.stats.calls).toBe(0)
    }
  })

  it('no API key is one line that says what to set, for fix and fix --source alike', async () => {
    for (const args of [
      ['fix', 'site'],
      ['fix', '--source', 'site'],
    ]) {
      const t = io()
      expect(await main(args, { ...t.io, env: {} })).toBe(2)
      expect(t.err()).toBe('alttext fix: no API key: set ALTTEXT_API_KEY (or use --dry-run)\n')
    }
  })
})
