/**
 * `alttext fix --source` and `alttext check --source` on Markdown/MDX files, against testkit's
 * fake API: only alt text changes, files changed during the run are not overwritten, binary and
 * huge files are skipped, a fatal answer stops the run with one message.
 */
import { writeFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeApi, startFakeApi, tinyPng } from '@alttextapi/testkit'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../src/index.js'

let api: FakeApi
let dir: string

const post = [
  '---',
  'title: Cats',
  'lang: de',
  '---',
  '',
  '# Our cat',
  '',
  'Look: ![](../img/1.png) and ![Written](../img/2.png)',
  '',
  '```md',
  '![](../img/1.png)',
  '```',
  '',
  '<img src="/img/3.png" alt="">',
  '',
  '![](/img/3.png "Root-relative, from --public")',
  '',
].join('\r\n')
const page = 'import X from "./x.js"\n\n<img src="../img/2.png" />\n\n![](nowhere.png)\n'

function io() {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t), isTTY: false, columns: 120 },
      env: { ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url } as Record<
        string,
        string | undefined
      >,
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
  // reset() keeps what was programmed: the test that edits a file mid-run sets a hook.
  api.program({ onImage: undefined, latencyMs: 0 })
  dir = await mkdtemp(join(tmpdir(), 'alttext-source-'))
  await mkdir(join(dir, 'content', 'posts'), { recursive: true })
  await mkdir(join(dir, 'content', 'img'), { recursive: true })
  await mkdir(join(dir, 'static', 'img'), { recursive: true })
  for (const n of [1, 2]) await writeFile(join(dir, 'content', 'img', `${n}.png`), tinyPng(n))
  await writeFile(join(dir, 'static', 'img', '3.png'), tinyPng(3))
  await writeFile(join(dir, 'content', 'posts', 'cats.md'), `\uFEFF${post}`)
  await writeFile(join(dir, 'content', 'posts', 'page.mdx'), page)
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const source = ['--source', 'content', '--public', 'static', '--cache', 'cache']

describe('alttext check --source', () => {
  it('lists images without alt as file:line:col src and exits 1; decorative and code are not listed', async () => {
    const t = io()
    expect(await main(['check', '--source', 'content'], t.io)).toBe(1)
    expect(t.out.join('')).toBe(
      [
        'content/posts/cats.md:8:7 ../img/1.png',
        'content/posts/cats.md:16:1 /img/3.png',
        'content/posts/page.mdx:3:1 ../img/2.png',
        'content/posts/page.mdx:5:1 nowhere.png',
        '',
      ].join('\n'),
    )
    expect(t.err.join('')).toContain('4 images without alt text in 2 of 2 files')
  })

  it('check and lint fail on a file they skip, and say how many', async () => {
    await writeFile(
      join(dir, 'content', 'latin1.md'),
      Buffer.from('caf\xe9 ![](b.png)\n', 'latin1'),
    )
    await writeFile(join(dir, 'content', 'binary.md'), Buffer.from([0x89, 0x50, 0, 1, 2]))
    const check = io()
    expect(await main(['check', '--source', 'content'], check.io)).toBe(1)
    const err = check.err.join('')
    expect(err).toContain('content/binary.md: skipped: binary file (NUL bytes)\n')
    expect(err).toContain('content/latin1.md: skipped: not UTF-8 text\n')
    expect(err).toContain('alttext: 2 files could not be read\n')
    // Only the skipped files: no image is listed, and still the run fails.
    await rm(join(dir, 'content', 'posts'), { recursive: true })
    const skippedOnly = io()
    expect(await main(['check', '--source', 'content'], skippedOnly.io)).toBe(1)
    expect(skippedOnly.out).toEqual([])
    expect(skippedOnly.err.join('')).toMatch(
      /alttext: 2 files could not be read\nalttext: every image read has alt text \(2 files\)\n$/,
    )
    const lint = io()
    expect(await main(['lint', '--source', 'content'], lint.io)).toBe(1)
    expect(lint.err.join('')).toBe(
      'content/binary.md: skipped: binary file (NUL bytes)\n' +
        'content/latin1.md: skipped: not UTF-8 text\n' +
        'alttext: 2 files could not be read\n' +
        'alttext: no alt text problems (2 files)\n',
    )
  })
})

describe('alttext fix --source', () => {
  it('writes only alt text into the sources (BOM, CRLF kept); check then lists only the unresolvable', async () => {
    const t = io()
    expect(await main(['fix', ...source], t.io)).toBe(0)
    expect(await readFile(join(dir, 'content', 'posts', 'cats.md'), 'utf8')).toBe(
      `\uFEFF${post
        .replace('Look: ![]', 'Look: ![Image 1 (de)]')
        .replace('![](/img/3.png', '![Image 3 (de)](/img/3.png')}`,
    )
    expect(await readFile(join(dir, 'content', 'posts', 'page.mdx'), 'utf8')).toBe(
      page.replace('<img src', '<img alt="Image 2" src'),
    )
    expect(t.err.join('')).toContain(
      'content/posts/page.mdx:5:1: Could not describe image (nowhere.png): Image file not found',
    )
    expect(t.out.join('')).toBe(
      'alttext: 2 files, 2 rewritten, 4 images without alt: 3 described, 0 cached, 0 skipped, 1 failed, 3 credits used\n',
    )
    const c = io()
    expect(await main(['check', '--source', 'content'], c.io)).toBe(1)
    expect(c.out.join('')).toBe('content/posts/page.mdx:5:1 nowhere.png\n')
  })

  it('a second run with the cache calls nothing and changes nothing', async () => {
    // The committed cache goes where --cache-file names it, and answers the next run.
    expect(await main(['fix', ...source, '--cache-file', 'alt.json'], io().io)).toBe(0)
    expect(JSON.parse(await readFile(join(dir, 'alt.json'), 'utf8'))).toBeTruthy()
    await writeFile(join(dir, 'content', 'posts', 'page.mdx'), page)
    api.reset()
    expect(await main(['fix', ...source.slice(0, -2), '--cache-file', 'alt.json'], io().io)).toBe(0)
    expect(api.stats.calls).toBe(0)
    await writeFile(join(dir, 'content', 'posts', 'page.mdx'), page)
    expect(await main(['fix', ...source], io().io)).toBe(0)
    const after = await readFile(join(dir, 'content', 'posts', 'cats.md'), 'utf8')
    api.reset()
    const t = io()
    expect(await main(['fix', ...source], t.io)).toBe(0)
    expect(api.stats.calls).toBe(0)
    expect(await readFile(join(dir, 'content', 'posts', 'cats.md'), 'utf8')).toBe(after)
    expect(t.out.join('')).toContain('0 rewritten')
  })

  it('does not overwrite a file that changed on disk during the run', async () => {
    const path = join(dir, 'content', 'posts', 'cats.md')
    const edited = '# Edited by someone else\n\n![](../img/1.png)\n'
    api.program({
      onImage: () => {
        // The author saves the file while the API is describing its images.
        writeFileSync(path, edited)
      },
      latencyMs: 50,
    })
    const t = io()
    expect(await main(['fix', ...source, '--concurrency', '1'], t.io)).toBe(0)
    expect(await readFile(path, 'utf8')).toBe(edited)
    expect(t.err.join('')).toContain(
      'content/posts/cats.md: not written: changed on disk during the run',
    )
    expect(t.out.join('')).toMatch(/1 not written/)
  })

  it('skips binary, non-UTF-8 and huge files with a message', async () => {
    await writeFile(join(dir, 'content', 'binary.md'), Buffer.from([0x89, 0x50, 0, 1, 2]))
    await writeFile(
      join(dir, 'content', 'latin1.md'),
      Buffer.from('caf\xe9 ![](x.png)\n', 'latin1'),
    )
    await writeFile(join(dir, 'content', 'huge.md'), Buffer.alloc(6 * 1024 * 1024, 'a'))
    const t = io()
    expect(await main(['fix', ...source], t.io)).toBe(0)
    const err = t.err.join('')
    expect(err).toContain('content/binary.md: skipped: binary file')
    expect(err).toContain('content/latin1.md: skipped: not UTF-8 text')
    expect(err).toContain('content/huge.md: skipped: larger than 5 MB')
    expect(t.out.join('')).toContain('5 files, 2 rewritten, 3 skipped')
    expect(await main(['fix', ...source, '--fail-on-error'], io().io)).toBe(1)
  })

  it('a wrong key: exit 1, one message, sources unchanged', async () => {
    const t = io()
    t.io.env = { ALTTEXT_API_KEY: 'atk_wrong', ALTTEXT_API_URL: api.url }
    expect(await main(['fix', ...source, '--no-cache'], t.io)).toBe(1)
    const err = t.err.join('')
    expect(err.match(/ALTTEXT_API_KEY/g)).toHaveLength(1)
    expect(err).toMatch(/^alttext fix: stopped: /m)
    expect(await readFile(join(dir, 'content', 'posts', 'page.mdx'), 'utf8')).toBe(page)
  })

  it('a corrupt alt-text.json is named with its line before anything is spent, and left as it is', async () => {
    const corrupt = '{ "version": 1, "images": {\n  oops\n}\n'
    await writeFile(join(dir, 'alt-text.json'), corrupt)
    const t = io()
    expect(await main(['fix', ...source], t.io)).toBe(0)
    expect(t.err.join('')).toMatch(
      /alt-text\.json:2:3: not valid JSON .* this file is ignored and left as it is/,
    )
    expect(await readFile(join(dir, 'alt-text.json'), 'utf8')).toBe(corrupt)
  })

  it('usage errors exit 2', async () => {
    const t = io()
    expect(await main(['fix', '--source', 'content', 'other'], t.io)).toBe(2)
    expect(t.err.join('')).toContain('give no other folder')
    expect(await main(['check', '--source'], io().io)).toBe(2)
  })
})
