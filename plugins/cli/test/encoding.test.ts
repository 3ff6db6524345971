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
  const err: string[] = []
  return {
    err,
    io: {
      stdout: { write: () => true },
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

  it('writes characters the encoding lacks as character references', () => {
    const page = decodePage(Buffer.from('<meta charset=iso-8859-1><p>\xe9</p>', 'latin1'))
    if (!page.ok) throw new Error(page.reason)
    expect(page.encode(`${page.text}<img alt="日本 é">`).toString('latin1')).toBe(
      '<meta charset=iso-8859-1><p>\xe9</p><img alt="&#26085;&#26412; \xe9">',
    )
  })
})
