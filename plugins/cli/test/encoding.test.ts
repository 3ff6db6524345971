/** Legacy-encoded pages (ISO-8859-1 declared by <meta charset>) are filled byte-preserving. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeApi, startFakeApi, tinyPng } from '@alttextapi/testkit'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { decodePage } from '../src/encoding.js'
import { main } from '../src/index.js'

let api: FakeApi
let dir: string
const io = () => {
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

beforeAll(async () => {
  api = await startFakeApi()
})
afterAll(() => api.close())
beforeEach(async () => {
  api.reset()
  dir = await mkdtemp(join(tmpdir(), 'alttext-cli-enc-'))
  await mkdir(join(dir, 'site'))
  await writeFile(join(dir, 'site', '1.png'), tinyPng(1))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

describe('legacy encodings', () => {
  it('fills an ISO-8859-1 page in its own encoding, every other byte kept', async () => {
    const before = Buffer.from(
      '<html><head><meta charset="ISO-8859-1"><title>Caf\xe9</title></head><body><p>\xc0 la carte <img src="1.png"></p></body></html>',
      'latin1',
    )
    await writeFile(join(dir, 'site', 'menu.html'), before)
    const t = io()
    expect(await main(['fix', 'site', '--no-cache', '--fail-on-error'], t.io)).toBe(0)
    const after = await readFile(join(dir, 'site', 'menu.html'))
    expect(after).toEqual(
      Buffer.from(
        before.toString('latin1').replace('<img src="1.png">', '<img src="1.png" alt="Image 1">'),
        'latin1',
      ),
    )
    expect(api.images[0]?.context).toContain('Café')
  })

  it('a page it cannot read is skipped, named, and fails --fail-on-error', async () => {
    const bytes = Buffer.from('<p>caf\xe9 <img src="1.png"></p>', 'latin1')
    await writeFile(join(dir, 'site', 'old.html'), bytes)
    const t = io()
    expect(await main(['fix', 'site', '--no-cache', '--fail-on-error'], t.io)).toBe(1)
    expect(t.err.join('')).toContain('old.html: skipped: not UTF-8')
    expect(await readFile(join(dir, 'site', 'old.html'))).toEqual(bytes)
  })

  it('check and lint fail on a page they cannot decode, and say so; fix reports it', async () => {
    // UTF-16 with a byte order mark: not UTF-8 and no charset a byte scan can read.
    const page = Buffer.from('\uFEFF<p>Hi <img src="1.png"></p>', 'utf16le')
    await writeFile(join(dir, 'site', 'wide.html'), page)
    await writeFile(join(dir, 'site', 'ok.html'), '<img src="1.png" alt="One">')
    const check = io()
    expect(await main(['check', 'site'], check.io)).toBe(1)
    expect(check.err.join('')).toBe(
      'site/wide.html: skipped: not UTF-8\n' +
        'alttext: 1 file could not be read\n' +
        'alttext: every image read has alt text (2 files)\n',
    )
    const lint = io()
    expect(await main(['lint', 'site'], lint.io)).toBe(1)
    expect(lint.err.join('')).toBe(
      'site/wide.html: skipped: not UTF-8\n' +
        'alttext: 1 file could not be read\n' +
        'alttext: no alt text problems (2 files)\n',
    )
    // fix already named and counted it (exit 1 with --fail-on-error), and leaves it as it was.
    const fix = io()
    expect(await main(['fix', 'site', '--no-cache', '--fail-on-error'], fix.io)).toBe(1)
    expect(fix.err.join('')).toContain('site/wide.html: skipped: not UTF-8\n')
    expect(fix.out.join('')).toContain('2 files, 0 rewritten, 1 skipped (not UTF-8)')
    expect(await readFile(join(dir, 'site', 'wide.html'))).toEqual(page)
  })

  it('writes characters the encoding lacks as character references', () => {
    const page = decodePage(Buffer.from('<meta charset=iso-8859-1><p>\xe9</p>', 'latin1'))
    if (!page.ok) throw new Error(page.reason)
    expect(page.encode(`${page.text}<img alt="日本 é">`).toString('latin1')).toBe(
      '<meta charset=iso-8859-1><p>\xe9</p><img alt="&#26085;&#26412; \xe9">',
    )
  })
})
