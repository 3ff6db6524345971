/**
 * End to end in headless Chromium against the real WordPress: open a post whose images lack alt,
 * click "Generate alt text" on the image block, use "Generate all" for the rest, save, and find
 * the alt in the stored post and on the attachments; then upload an image and find its alt set by
 * the background queue.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchChromium } from '@alttextapi/testkit'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, expect, inject, it } from 'vitest'
import { cronUntil, resetState, wpPhp } from './session'

const fx = inject('fixtures')
const base = inject('wpUrl')
let context: BrowserContext
let page: Page
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined
// Every wait below is on a condition; this bounds each one (a loaded machine is slow, not stuck).
const WAIT = 90_000
const poll = { timeout: WAIT, interval: 200 }

beforeAll(async () => {
  browser = await launchChromium()
  context = browser.context
  page = browser.page
  context.setDefaultTimeout(WAIT)
  context.setDefaultNavigationTimeout(WAIT)
  await page.goto(`${base}/wp-login.php`)
  await page.fill('#user_login', 'editor')
  await page.fill('#user_pass', 'editor-password-123')
  await Promise.all([page.waitForURL(/wp-admin/), page.click('#wp-submit')])
})

beforeEach(resetState)

afterAll(async () => {
  await browser?.close()
})

it('generates alt text in the block editor and saves it to the post and the attachments', async () => {
  await page.goto(`${base}/wp-admin/post.php?post=${fx.post}&action=edit`)
  await page.waitForFunction(
    () => (window as any).wp?.data?.select('core/block-editor')?.getBlocks().length > 0,
    null,
    { timeout: WAIT },
  )
  await page.evaluate(() => {
    const wp = (window as any).wp
    wp.data.dispatch('core/preferences').set('core/edit-post', 'welcomeGuide', false)
    const image = wp.data
      .select('core/block-editor')
      .getBlocks()
      .find((b: any) => b.name === 'core/image')
    wp.data.dispatch('core/block-editor').selectBlock(image.clientId)
  })
  await page.getByRole('button', { name: 'Generate alt text' }).click()
  await page.waitForFunction(() => {
    const blocks = (window as any).wp.data.select('core/block-editor').getBlocks()
    return blocks.find((b: any) => b.name === 'core/image')?.attributes.alt !== ''
  })

  // The document panel lists the media-text image, still without alt, and generates it.
  await page.evaluate(() =>
    (window as any).wp.data.dispatch('core/block-editor').clearSelectedBlock(),
  )
  const panelToggle = page.getByRole('button', { name: 'Alt text', exact: true })
  if ((await panelToggle.getAttribute('aria-expanded')) === 'false') await panelToggle.click()
  await expect
    .poll(() => page.locator('.alttextapi-panel').textContent(), poll)
    .toContain('1 image without alt text')
  await page.getByRole('button', { name: 'Generate all' }).click()
  await expect
    .poll(() => page.locator('.alttextapi-panel').textContent(), poll)
    .toContain('Every image in this post has alt text')

  await page.evaluate(() => (window as any).wp.data.dispatch('core/editor').savePost())
  await page.waitForFunction(() => {
    const editor = (window as any).wp.data.select('core/editor')
    return !editor.isSavingPost() && !editor.isEditedPostDirty()
  })
  const content = wpPhp(`echo get_post_field('post_content', ${fx.post});`)
  expect(content).toMatch(
    /<img src="[^"]+" alt="A red test square number \d+ \(en-US\)" class="wp-image-\d+"/,
  )
  expect(content).toMatch(
    /wp-block-media-text__media"><img src="[^"]+" alt="A red test square number \d+ \(en-US\)"/,
  )
  const alts = JSON.parse(
    wpPhp(
      `echo json_encode([get_post_meta(${fx.big}, '_wp_attachment_image_alt', true), get_post_meta(${fx.media_text}, '_wp_attachment_image_alt', true)]);`,
    ),
  )
  expect(alts[0]).toMatch(/^A red test square number \d+/)
  expect(alts[1]).toMatch(/^A red test square number \d+/)
})

it('writes alt text for an uploaded image in the background', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alttextapi-upload-'))
  const file = join(dir, 'uploaded-photo.png')
  wpPhp(
    `$i = imagecreatetruecolor(640, 480); imagefill($i, 0, 0, imagecolorallocate($i, 200, 0, 0)); imagepng($i, '${file}');`,
  )
  await page.goto(`${base}/wp-admin/media-new.php?browser-uploader`)
  await page.setInputFiles('#async-upload', file)
  await Promise.all([page.waitForURL(/upload\.php/), page.click('#html-upload')])
  rmSync(dir, { recursive: true, force: true })
  const id = Number(
    wpPhp(
      `echo (int) (get_posts(['post_type' => 'attachment', 'title' => 'uploaded-photo', 'fields' => 'ids', 'post_status' => 'inherit'])[0] ?? 0);`,
    ),
  )
  expect(id).toBeGreaterThan(0)
  // The upload itself did not describe the image: the queue does, when cron runs.
  const readAlt = () => wpPhp(`echo get_post_meta(${id}, '_wp_attachment_image_alt', true);`)
  expect(readAlt()).toBe('')
  const alt = await cronUntil(readAlt, (a) => a !== '')
  expect(alt).toMatch(/^A red test square number \d+ \(en-US\)$/)
})
