/** `alttext lint`: existing alt text that does not help is listed with its place and rule. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../src/index.js'

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
      env: {},
      cwd: dir,
    },
  }
}
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alttext-lint-'))
  await mkdir(join(dir, 'site'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

describe('alttext lint', () => {
  it('lists each problem as file:line:col rule: message; exit 1', async () => {
    await writeFile(
      join(dir, 'site', 'index.html'),
      [
        '<img src="/a/IMG_2041.jpg" alt="IMG_2041.jpg">',
        '<img src="/b.png" alt="image">',
        '<img src="/c.png" alt="Image of a red bicycle against a wall">',
        '<figure><img src="/d.png" alt="The harbour at dawn"><figcaption>The harbour at  dawn</figcaption></figure>',
        '<img src="/e.png" alt="A red bicycle">',
        '<img src="/f.png" alt="a red  bicycle">',
        // Fine: real descriptions, decorative, missing (check's job), the same image twice.
        '<img src="/g.png" alt="Two cyclists on a mountain road"><img src="/g.png" alt="Two cyclists on a mountain road">',
        '<img src="/h.png" alt=""><img src="/i.png">',
      ].join('\n'),
    )
    const t = io()
    expect(await main(['lint', 'site'], t.io)).toBe(1)
    expect(t.out().split('\n').filter(Boolean)).toEqual([
      'site/index.html:1:1 file-name: alt text is a file name or URL: say what the image shows or does',
      'site/index.html:2:1 placeholder: alt text "image" is a placeholder: describe the image, or use alt="" if it is decorative',
      'site/index.html:3:1 redundant-prefix: alt text starts with "image of": screen readers already say it is an image',
      'site/index.html:4:9 repeats-caption: alt text repeats the caption word for word: say what the caption does not',
      'site/index.html:6:1 duplicate: the same alt text is on another image of this page: say how they differ',
    ])
    expect(t.err()).toBe('alttext: 5 alt text problems in 1 file\n')
  })

  it('a page with good alt text passes; --max-length sets too-long', async () => {
    await writeFile(join(dir, 'site', 'a.html'), '<img src="/a.png" alt="A lighthouse on a cliff">')
    const ok = io()
    expect(await main(['lint', 'site'], ok.io)).toBe(0)
    expect(ok.err()).toBe('alttext: no alt text problems (1 file)\n')
    const short = io()
    expect(await main(['lint', 'site', '--max-length', '10'], short.io)).toBe(1)
    expect(short.out()).toContain('too-long: alt text is 23 characters (over 10)')
  })
})
