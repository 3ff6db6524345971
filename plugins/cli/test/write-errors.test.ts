/** `alttext fix` when a page cannot be written: reported, the other pages and the summary go on. */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeApi, startFakeApi, tinyPng } from '@alttextapi/testkit'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { main } from '../src/index.js'

// Renaming onto a page named `locked.html` fails as on a read-only or full disk.
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>()
  return {
    ...fs,
    rename: async (from: string, to: string) => {
      if (to.endsWith('locked.html'))
        throw Object.assign(new Error('EROFS: read-only'), { code: 'EROFS' })
      return fs.rename(from, to)
    },
  }
})

let api: FakeApi
let dir: string
beforeAll(async () => {
  api = await startFakeApi()
})
afterAll(() => api.close())
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alttext-cli-write-'))
  await mkdir(join(dir, 'site'), { recursive: true })
  await writeFile(join(dir, 'site', '1.png'), tinyPng(1))
  await writeFile(join(dir, 'site', '2.png'), tinyPng(2))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

function io() {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t), isTTY: false },
      env: { ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url },
      cwd: dir,
    },
  }
}

describe('alttext fix and pages it cannot write', () => {
  it('reports the page, fixes the others, prints the summary; exit 1 only with --fail-on-error', async () => {
    await writeFile(join(dir, 'site', 'a.html'), '<img src="/1.png">')
    await writeFile(join(dir, 'site', 'locked.html'), '<img src="/2.png">')
    await writeFile(join(dir, 'site', 'z.html'), '<img src="/2.png">')
    const t = io()
    expect(await main(['fix', 'site', '--no-cache'], t.io)).toBe(0)
    expect(await readFile(join(dir, 'site', 'a.html'), 'utf8')).toBe(
      '<img src="/1.png" alt="Image 1">',
    )
    expect(await readFile(join(dir, 'site', 'z.html'), 'utf8')).toBe(
      '<img src="/2.png" alt="Image 2">',
    )
    expect(await readFile(join(dir, 'site', 'locked.html'), 'utf8')).toBe('<img src="/2.png">')
    expect(t.err.join('')).toContain('site/locked.html: could not write: EROFS')
    expect(t.out.join('')).toBe(
      'alttext: 3 files, 2 rewritten, 1 not written, 3 images without alt: 2 described, 1 cached, 0 skipped, 0 failed, 2 credits used\n',
    )
    // No temporary file is left behind.
    expect(await readdir(join(dir, 'site'))).toEqual([
      '1.png',
      '2.png',
      'a.html',
      'locked.html',
      'z.html',
    ])
    expect(await main(['fix', 'site', '--no-cache', '--fail-on-error'], io().io)).toBe(1)
  })

  it('writes pages whose names are near the file system limit', async () => {
    const long = `${'a'.repeat(250)}.html`
    await writeFile(join(dir, 'site', long), '<img src="/1.png">')
    const t = io()
    expect(await main(['fix', 'site', '--no-cache'], t.io)).toBe(0)
    expect(await readFile(join(dir, 'site', long), 'utf8')).toBe('<img src="/1.png" alt="Image 1">')
  })
})
