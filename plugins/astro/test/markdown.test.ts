/**
 * The remark step as Astro runs it (a bare remark plugin bound to the run), in a plain unified
 * pipeline against the fake API: messages reach Astro's logger with their place, a fatal answer
 * fails each page that meets it with the reason (not during content sync: astro:build:start fails
 * then), and a file left with an undescribed image — failed, stopped, or kept back by the budget —
 * is reported (so Astro's content cache is dropped).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAltTextRun } from '@alttextapi/rehype'
import { startFakeApi, tinyPng } from '@alttextapi/testkit'
import type { AstroIntegrationLogger } from 'astro'
import type { Root } from 'mdast'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { markdownPlugin } from '../src/markdown.js'

let fake: Awaited<ReturnType<typeof startFakeApi>>
let dir: string

/** Astro's logger as far as the step uses it: the lines it was given. */
function recordingLogger() {
  const lines: string[] = []
  const logger = {
    info: (line: string) => void lines.push(`info ${line}`),
    warn: (line: string) => void lines.push(`warn ${line}`),
  } as unknown as AstroIntegrationLogger
  return { logger, lines }
}

function step(
  apiKey: string,
  { failOnFatal = true, maxImages = undefined as number | undefined } = {},
) {
  const { logger, lines } = recordingLogger()
  const incomplete: number[] = []
  // As the integration makes it: the step, not each file, decides what a fatal answer does.
  const run = createAltTextRun({
    apiKey,
    baseUrl: fake.url,
    root: dir,
    cache: false,
    failOnError: false,
    maxImages,
  })
  const plugin = markdownPlugin({
    run,
    logger,
    root: dir,
    options: {},
    failOnFatal: () => failOnFatal,
    onIncomplete: () => void incomplete.push(1),
  })
  const processor = unified().use(remarkParse).use(plugin)
  const render = async (name: string, text: string) => {
    const file = new VFile({ value: text, path: join(dir, name) })
    const tree = processor.parse(file) as Root
    await processor.run(tree, file)
    return tree
  }
  return { render, lines, incomplete }
}

beforeAll(async () => {
  fake = await startFakeApi()
  dir = await mkdtemp(join(tmpdir(), 'alttext-astro-md-'))
  await writeFile(join(dir, 'a.png'), tinyPng(51))
})
afterAll(async () => {
  await fake?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('the remark step', () => {
  it('fills ![](x), and logs a missing image with file:line:column', async () => {
    const { render, lines, incomplete } = step(fake.key)
    const tree = await render('post.md', '# Title\n\n![](./a.png)\n\n![](./missing.png)\n')
    const images = JSON.stringify(tree)
    expect(images).toContain('"alt":"Image 51"')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^warn post\.md:5:1: .*missing\.png/)
    expect(incomplete).toHaveLength(1)
  })

  it('a wrong key: every page that meets the stop fails with the reason itself', async () => {
    const { render, incomplete } = step('atk_wrong0123456789abcdefghijklmnopqrstuvw')
    await expect(render('one.md', '![](./a.png)\n')).rejects.toThrow(
      /^@alttextapi\/astro: Missing or invalid API key/,
    )
    // Astro may print each failing page: none says only "see the first error".
    await expect(render('two.md', '![](./a.png)\n')).rejects.toThrow(
      /^@alttextapi\/astro: Missing or invalid API key/,
    )
    expect(incomplete).toHaveLength(2)
    expect(fake.stats.charged).toBe(1)
  })

  it('during content sync a wrong key throws nothing (build:start fails once), files reported', async () => {
    const { render, incomplete, lines } = step('atk_wrong0123456789abcdefghijklmnopqrstuvw', {
      failOnFatal: false,
    })
    await render('one.md', '![](./a.png)\n')
    await render('two.md', '![](./a.png)\n')
    expect(incomplete).toHaveLength(2)
    expect(lines).toEqual([])
  })

  it('a file with an image kept back by the budget is reported, so it is rendered again', async () => {
    await writeFile(join(dir, 'b.png'), tinyPng(52))
    const { render, lines, incomplete } = step(fake.key, { maxImages: 1 })
    const first = JSON.stringify(await render('one.md', '![](./a.png)\n'))
    expect(first).toContain('"alt":"Image 51"')
    expect(incomplete).toHaveLength(0)
    const second = JSON.stringify(await render('two.md', '![](./b.png)\n'))
    expect(second).not.toContain('Image 52')
    expect(lines).toEqual([
      expect.stringMatching(/^warn two\.md:1:1: .*budget of 1 images reached/),
    ])
    expect(incomplete).toHaveLength(1)
  })
})
