/**
 * Progress of a long run in a build: plain lines without a TTY, a cli-progress bar on one, nothing
 * for a run shorter than the delay, nothing at all with `progress: false`.
 */
import { join } from 'node:path'
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAltTextRun, fillAltText, type Options } from '../src/index.js'
import { tempSite, tinyPng } from './helpers.js'

let api: FakeApi
let site: Awaited<ReturnType<typeof tempSite>>

beforeAll(async () => {
  api = await startFakeApi()
  site = await tempSite({ 'img/1.png': tinyPng(1), 'img/2.png': tinyPng(2) })
})
afterAll(async () => {
  await api.close()
  await site.remove()
})

function stream(isTTY: boolean) {
  const written: string[] = []
  return {
    written,
    text: () => written.join(''),
    stream: { write: (t: string) => written.push(t), isTTY, columns: 100 },
  }
}

const PAGE = '<p>One <img src="/img/1.png"></p><p>Two <img src="/img/2.png"></p>'
const options = (extra: Options): Options => ({
  apiKey: api.key,
  baseUrl: api.url,
  publicDir: site.dir,
  cache: false,
  ...extra,
})
const fill = (run: ReturnType<typeof createAltTextRun>) =>
  fillAltText(PAGE, { run, path: join(site.dir, 'index.html') })

describe('progress', () => {
  it('without a TTY: plain lines with images done and the run counters', async () => {
    const out = stream(false)
    const run = createAltTextRun(
      options({ progress: { stream: out.stream, delayMs: 0, intervalMs: 0 } }),
    )
    await fill(run)
    const lines = out.text().trimEnd().split('\n')
    expect(lines.at(-1)).toMatch(
      /^\[alttextapi\] 2\/2 images · 2 described · 0 cached · 0 failed · 2 credits$/,
    )
    expect(out.text()).not.toContain('\u001b')
  })

  it('on a TTY: a cli-progress bar', async () => {
    const out = stream(true)
    const run = createAltTextRun(options({ progress: { stream: out.stream, delayMs: 0 } }))
    await fill(run)
    expect(out.text()).toContain('[alttextapi] ')
    expect(out.text()).toMatch(/[█░].* \d\/2 images/)
  })

  it('a run shorter than the delay prints nothing; progress: false has no reporter', async () => {
    const out = stream(false)
    await fill(createAltTextRun(options({ progress: { stream: out.stream, delayMs: 60_000 } })))
    expect(out.written).toEqual([])
    expect(createAltTextRun(options({ progress: false })).progress).toBeUndefined()
  })
})
