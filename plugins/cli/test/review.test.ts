/**
 * `alttext review`: the local page in a real Chromium (approve, edit, axe), the rules over HTTP
 * (token, loopback Host, cross-origin posts, stale approvals), a hand-broken file left alone,
 * the static report, and `check --require-reviewed` failing, then passing after approvals.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchChromium, tinyPng } from '@alttextapi/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../src/index.js'

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

let dir: string
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const A = tinyPng(1)
const B = tinyPng(2)
const C = tinyPng(3)
const OUTSIDE = tinyPng(4)
const entry = (altText: string, more: Record<string, unknown> = {}) => ({
  altText,
  createdAt: '2026-12-05T07:00:00.000Z',
  language: 'en',
  model: 'm1',
  origin: 'machine',
  ...more,
})

async function writeSite() {
  await mkdir(join(dir, 'site', 'img'), { recursive: true })
  await writeFile(join(dir, 'site', 'img', 'a.png'), A)
  await writeFile(join(dir, 'site', 'img', 'b.png'), B)
  await writeFile(join(dir, 'site', 'img', 'c.png'), C)
  await writeFile(join(dir, 'outside.png'), OUTSIDE)
  await symlink(join(dir, 'outside.png'), join(dir, 'site', 'img', 'out.png')).catch(() => {})
  await writeFile(
    join(dir, 'alt-text.json'),
    `${JSON.stringify(
      {
        images: {
          [sha(A)]: [entry('A red bicycle')],
          [sha(B)]: [entry('A harbour at dawn')],
          [sha(C)]: [entry('Our team', { origin: 'human' })],
          [sha(OUTSIDE)]: [entry('Outside', { origin: 'human' })],
        },
        version: 1,
      },
      null,
      2,
    )}\n`,
  )
}

function io(signal?: AbortSignal) {
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
      signal,
    },
  }
}

/** Starts `alttext review site` in-process; resolves with its address and a stop function. */
async function startReview(extra: string[] = []) {
  const controller = new AbortController()
  const t = io(controller.signal)
  const exit = main(['review', 'site', '--reviewer', 'ann', ...extra], t.io)
  for (let i = 0; i < 200 && !t.out().includes('http'); i++)
    await new Promise((r) => setTimeout(r, 25))
  const url = t.out().trim()
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/$/)
  return {
    url,
    t,
    stop: async () => {
      controller.abort()
      return exit
    },
  }
}

const file = async () =>
  JSON.parse(await readFile(join(dir, 'alt-text.json'), 'utf8')) as {
    images: Record<string, { altText: string; origin?: string; reviewed?: { by: string } }[]>
  }

/** A form post as the page sends it (same origin). */
async function post(url: string, route: string, fields: Record<string, string>) {
  return fetch(new URL(route, url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin },
    body: new URLSearchParams(fields),
  })
}
const id = (model = 'm1') => JSON.stringify(['en', model, '', 0, ''])

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alttext-review-'))
  await writeSite()
})
afterEach(() => rm(dir, { recursive: true, force: true }))

describe('alttext review: the rules over HTTP', () => {
  it('listens on 127.0.0.1 only; no token, a wrong token or another Host is 403', async () => {
    const review = await startReview()
    try {
      const { origin, pathname } = new URL(review.url)
      expect((await fetch(review.url)).status).toBe(200)
      expect((await fetch(`${origin}/`)).status).toBe(403)
      expect((await fetch(`${origin}/${'x'.repeat(32)}/`)).status).toBe(403)
      expect((await fetch(`${origin}/thumb/${sha(A)}`)).status).toBe(403)
      // A rebinding page sends its own host name.
      const { request } = await import('node:http')
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: Number(new URL(review.url).port),
            path: pathname,
            headers: { host: `evil.example:${new URL(review.url).port}` },
          },
          (res) => {
            res.resume()
            resolve(res.statusCode ?? 0)
          },
        )
        req.on('error', reject)
        req.end()
      })
      expect(status).toBe(403)
      // Only the loopback address: the port is not open on the machine's other addresses.
      const { networkInterfaces } = await import('node:os')
      const other = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal)
      if (other)
        await expect(fetch(review.url.replace('127.0.0.1', other.address))).rejects.toThrow()
      // A form posted from another origin is refused, and the file is unchanged.
      const before = await readFile(join(dir, 'alt-text.json'), 'utf8')
      const cross = await fetch(new URL('approve', review.url), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'http://evil.example',
        },
        body: new URLSearchParams({ hash: sha(A), id: id(), shown: 'A red bicycle' }),
      })
      expect(cross.status).toBe(403)
      expect(await readFile(join(dir, 'alt-text.json'), 'utf8')).toBe(before)
      // Thumbnails: only images of the site, by hash.
      const thumb = await fetch(new URL(`thumb/${sha(A)}`, review.url))
      expect(thumb.headers.get('content-type')).toBe('image/png')
      expect(Buffer.from(await thumb.arrayBuffer())).toEqual(Buffer.from(A))
      expect((await fetch(new URL(`thumb/${'0'.repeat(64)}`, review.url))).status).toBe(404)
      expect((await fetch(new URL('thumb/../../alt-text.json', review.url))).status).not.toBe(200)
      // An image reached through a symlink out of the site folder has no thumbnail.
      expect((await fetch(new URL(`thumb/${sha(OUTSIDE)}`, review.url))).status).toBe(404)
    } finally {
      expect(await review.stop()).toBe(0)
    }
  })

  it('approve and edit write the file; an approval of text changed since the page loaded is refused', async () => {
    const review = await startReview()
    try {
      const approved = await post(review.url, 'approve', {
        hash: sha(A),
        id: id(),
        shown: 'A red bicycle',
      })
      expect(approved.status).toBe(303)
      expect(approved.headers.get('location')).toMatch(/\?msg=approved$/)
      let json = await file()
      expect(json.images[sha(A)]?.[0]).toMatchObject({
        altText: 'A red bicycle',
        origin: 'machine',
        reviewed: { by: 'ann' },
      })

      const edited = await post(review.url, 'edit', {
        hash: sha(B),
        id: id(),
        shown: 'A harbour at dawn',
        text: 'Fishing boats in a harbour at dawn',
      })
      expect(edited.status).toBe(303)
      json = await file()
      expect(json.images[sha(B)]?.[0]).toMatchObject({
        altText: 'Fishing boats in a harbour at dawn',
        origin: 'edited',
        reviewed: { by: 'ann' },
      })

      // Someone changed the text after the page was loaded: the approval of the old text is refused.
      const stale = await post(review.url, 'approve', {
        hash: sha(B),
        id: id(),
        shown: 'A harbour at dawn',
      })
      expect(stale.status).toBe(409)
      const body = await stale.text()
      expect(body).toContain('changed since the page was loaded')
      expect(body).toContain('role="alert"')
      expect((await file()).images[sha(B)]?.[0]?.altText).toBe('Fishing boats in a harbour at dawn')
      // An entry that is not there, and a post without fields.
      expect(
        (await post(review.url, 'approve', { hash: sha(A), id: id('m9'), shown: 'x' })).status,
      ).toBe(409)
      expect((await post(review.url, 'approve', {})).status).toBe(400)
      expect((await fetch(new URL('approve', review.url))).status).toBe(405)
    } finally {
      await review.stop()
    }
    expect(review.t.err()).toContain('refused')
  })

  it('a hand-edited file with an unknown field or a bad value is reported with its line and never rewritten', async () => {
    const path = join(dir, 'alt-text.json')
    const broken = (await readFile(path, 'utf8')).replace(
      '"origin": "human"',
      '"origin": "human",\n        "aprooved": true',
    )
    await writeFile(path, broken)
    const line = broken.split('\n').findIndex((l) => l.includes('"aprooved"')) + 1
    const t = io()
    expect(await main(['review', 'site'], t.io)).toBe(1)
    expect(t.err()).toContain(
      `alt-text.json:${line}:9: image ${sha(C).slice(0, 12)}… entry 1: unknown field "aprooved"`,
    )
    expect(await readFile(path, 'utf8')).toBe(broken)

    // Broken while the server runs: the change is refused and the file left as it is.
    await writeSite()
    const review = await startReview()
    try {
      const bad = (await readFile(path, 'utf8')).replace('"model": "m1"', '"model": 7')
      await writeFile(path, bad)
      const answer = await post(review.url, 'approve', {
        hash: sha(A),
        id: id(),
        shown: 'A red bicycle',
      })
      expect(answer.status).toBe(409)
      expect(await answer.text()).toMatch(/alt-text\.json:\d+:\d+: image .* field model/)
      expect(await readFile(path, 'utf8')).toBe(bad)
    } finally {
      await review.stop()
    }
  })
})

describe('alttext check --require-reviewed', () => {
  it('fails while machine text is unreviewed, passes after approvals in review', async () => {
    await writeFile(join(dir, 'site', 'index.html'), `<img src="img/a.png" alt="A red bicycle">`)
    const first = io()
    expect(await main(['check', 'site', '--require-reviewed'], first.io)).toBe(1)
    expect(first.out()).toContain(`${sha(A).slice(0, 12)}`)
    expect(first.err()).toContain('2 machine alt texts not reviewed')
    // Without the flag, check is about missing alt only.
    expect(await main(['check', 'site'], io().io)).toBe(0)

    const review = await startReview()
    try {
      for (const [hash, shown] of [
        [sha(A), 'A red bicycle'],
        [sha(B), 'A harbour at dawn'],
      ] as const)
        expect((await post(review.url, 'approve', { hash, id: id(), shown })).status).toBe(303)
    } finally {
      await review.stop()
    }
    const second = io()
    expect(await main(['check', 'site', '--require-reviewed'], second.io)).toBe(0)
    expect(second.err()).toContain('every machine alt text is reviewed')
  })
})

describe('a hand edit of alt-text.json', () => {
  it('turns machine text into edited text: --require-reviewed stops waiting for it, review shows it', async () => {
    const { textFingerprint } = await import('@alttextapi/core/node')
    const path = join(dir, 'alt-text.json')
    const text = await readFile(path, 'utf8')
    // As a run writes them: each machine entry with the fingerprint of its text.
    const withPrints = text.replace(
      /"altText": "(A red bicycle|A harbour at dawn)",/g,
      (line, alt: string) => `${line}\n          "machineText": "${textFingerprint(alt)}",`,
    )
    expect(withPrints).not.toBe(text)
    await writeFile(path, withPrints)
    await writeFile(join(dir, 'site', 'index.html'), `<img src="img/a.png" alt="A red bicycle">`)
    expect(await main(['check', 'site', '--require-reviewed'], io().io)).toBe(1)
    // A person rewrites both texts in a pull request.
    await writeFile(
      path,
      withPrints
        .replace('"A red bicycle"', '"My red bicycle, Rosie"')
        .replace('"A harbour at dawn"', '"Whitby harbour at dawn"'),
    )
    const t = io()
    expect(await main(['check', 'site', '--require-reviewed'], t.io)).toBe(0)
    expect(t.err()).toContain('every machine alt text is reviewed')
    const report = join(dir, 'report.html')
    expect(await main(['review', 'site', '--report', report], io().io)).toBe(0)
    const html = await readFile(report, 'utf8')
    expect(html).toContain('My red bicycle, Rosie')
    expect(html).toMatch(/edited/)
  })
})

describe('alttext check --source --require-reviewed', () => {
  it('checks alt-text.json for sources too', async () => {
    await writeFile(join(dir, 'site', 'post.md'), '![A red bicycle](img/a.png)\n')
    expect(await main(['check', '--source', 'site'], io().io)).toBe(0)
    const t = io()
    expect(await main(['check', '--source', 'site', '--require-reviewed'], t.io)).toBe(1)
    expect(t.err()).toContain('2 machine alt texts not reviewed')
  })
})

describe('alttext review in Chromium', () => {
  it('shows thumbnails, text and status; approve and edit work from the page; axe finds nothing', async () => {
    const review = await startReview()
    const browser = await launchChromium({ viewport: { width: 1000, height: 900 } })
    try {
      const { page } = browser
      await page.goto(review.url)
      await expect(page.title()).resolves.toContain('Review alt text')
      const items = page.locator('li.item')
      expect(await items.count()).toBe(4)
      // Thumbnails are loaded from the site folder (the CSP allows only the page's own origin).
      const loaded = await page.$$eval('li.item img', (imgs) =>
        imgs.map(
          (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
        ),
      )
      // The fourth image is only reachable through a symlink out of the site: no thumbnail.
      expect(loaded).toEqual([true, true, true])
      expect(await page.getByText('No image file found under the site folder.').count()).toBe(1)
      expect(await page.locator('h2').first().textContent()).toBe('To review (2)')
      expect(await axe(page)).toEqual([])

      // Approve the first one from the page.
      const first = items.filter({ hasText: 'A red bicycle' })
      await first.getByRole('button', { name: 'Approve' }).click()
      await page.waitForURL(/msg=approved/)
      expect(await page.getByRole('status').textContent()).toContain('Approved')
      expect((await file()).images[sha(A)]?.[0]?.reviewed?.by).toBe('ann')

      // Edit the other one.
      const second = page.locator('li.item').filter({ hasText: 'A harbour at dawn' })
      await second.getByLabel('Edit alt text').fill('Fishing boats in a harbour at dawn')
      await second.getByRole('button', { name: 'Save edit' }).click()
      await page.waitForURL(/msg=edited/)
      expect(await page.locator('h2').first().textContent()).toBe('To review (0)')
      expect((await file()).images[sha(B)]?.[0]).toMatchObject({
        origin: 'edited',
        altText: 'Fishing boats in a harbour at dawn',
      })
      expect(await axe(page)).toEqual([])

      // A stale page: the text changes on disk, the approval from the old page is refused.
      await writeSite()
      await page.goto(review.url)
      const json = await file()
      json.images[sha(A)] = [entry('A blue bicycle')] as never
      await writeFile(join(dir, 'alt-text.json'), `${JSON.stringify(json, null, 2)}\n`)
      await page
        .locator('li.item')
        .filter({ hasText: 'A red bicycle' })
        .getByRole('button', { name: 'Approve' })
        .click()
      expect(await page.getByRole('alert').textContent()).toContain(
        'changed since the page was loaded',
      )
      expect((await file()).images[sha(A)]?.[0]?.reviewed).toBeUndefined()
    } finally {
      await browser.close()
      await review.stop()
    }
  })

  it('--report writes a static page with the same list (thumbnails by relative path), axe-clean', async () => {
    const t = io()
    expect(await main(['review', 'site', '--report', 'report/alt.html'], t.io)).toBe(0)
    expect(t.err()).toContain('4 alt texts (2 to review) written to report/alt.html')
    const html = await readFile(join(dir, 'report', 'alt.html'), 'utf8')
    expect(html).not.toContain('<form')
    expect(html).toContain('src="../site/img/a.png"')
    const browser = await launchChromium()
    try {
      await browser.page.goto(`file://${join(dir, 'report', 'alt.html')}`)
      expect(await browser.page.locator('li.item').count()).toBe(4)
      expect(
        await browser.page.$$eval('img', (imgs) =>
          imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0),
        ),
      ).toBe(true)
      expect(await axe(browser.page)).toEqual([])
    } finally {
      await browser.close()
    }
  })
})

async function axe(page: import('playwright-core').Page): Promise<string[]> {
  // The page's CSP refuses inline scripts; evaluate runs axe's source in the page's world.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE)
  const result = await page.evaluate(() =>
    (
      window as unknown as {
        axe: { run: () => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> }
      }
    ).axe.run(),
  )
  return result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  )
}
