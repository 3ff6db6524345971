/**
 * End to end in headless Chromium against the real WordPress: open a post whose images lack alt,
 * click "Generate alt text" on the image block, use "Generate all" for the rest, save, and find
 * the alt in the stored post and on the attachments; then upload an image and find its alt set by
 * the background queue. The media list view's row action and bulk estimate, the Media Library's
 * review view (inline edit kept through bulk and upload, bulk approve, axe) and the editor's
 * provenance and Approve button.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
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

/** A block of the block editor, as far as the tests read it. */
interface Block {
  name: string
  clientId: string
  attributes: { alt?: string }
}

/** The block editor's data stores on `window.wp`, as far as the tests use them. */
interface WpData {
  select(store: 'core/block-editor'): { getBlocks(): Block[] }
  select(store: 'core/editor'): { isSavingPost(): boolean; isEditedPostDirty(): boolean }
  dispatch(store: 'core/preferences'): { set(scope: string, name: string, value: unknown): void }
  dispatch(store: 'core/block-editor'): {
    selectBlock(clientId: string): void
    clearSelectedBlock(): void
  }
  dispatch(store: 'core/editor'): { savePost(): void }
}

/** The editor page's window (the functions below run in the page, so each casts its own). */
type EditorWindow = Window & { wp: { data: WpData } }

/** Opens the fixture post in the block editor and selects its image block. */
async function openPostWithImageSelected() {
  await page.goto(`${base}/wp-admin/post.php?post=${fx.post}&action=edit`)
  await page.waitForFunction(
    () =>
      ((window as unknown as Partial<EditorWindow>).wp?.data
        ?.select('core/block-editor')
        ?.getBlocks().length ?? 0) > 0,
    null,
    { timeout: WAIT },
  )
  await page.evaluate(() => {
    const wp = (window as unknown as EditorWindow).wp
    wp.data.dispatch('core/preferences').set('core/edit-post', 'welcomeGuide', false)
    const image = wp.data
      .select('core/block-editor')
      .getBlocks()
      .find((b) => b.name === 'core/image')
    if (image) wp.data.dispatch('core/block-editor').selectBlock(image.clientId)
  })
}

it('generates alt text in the block editor and saves it to the post and the attachments', async () => {
  await openPostWithImageSelected()
  await page.getByRole('button', { name: 'Generate alt text' }).click()
  await page.waitForFunction(() => {
    const blocks = (window as unknown as EditorWindow).wp.data
      .select('core/block-editor')
      .getBlocks()
    return blocks.find((b) => b.name === 'core/image')?.attributes.alt !== ''
  })

  // The document panel lists the media-text image, still without alt, and generates it.
  await page.evaluate(() =>
    (window as unknown as EditorWindow).wp.data.dispatch('core/block-editor').clearSelectedBlock(),
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

  await page.evaluate(() =>
    (window as unknown as EditorWindow).wp.data.dispatch('core/editor').savePost(),
  )
  await page.waitForFunction(() => {
    const editor = (window as unknown as EditorWindow).wp.data.select('core/editor')
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

/** Uploads a new 640×480 PNG named `name` through the browser uploader; returns its attachment id. */
async function uploadInBrowser(name: string) {
  const dir = mkdtempSync(join(tmpdir(), 'alttextapi-upload-'))
  const file = join(dir, `${name}.png`)
  wpPhp(
    `$i = imagecreatetruecolor(640, 480); imagefill($i, 0, 0, imagecolorallocate($i, 200, 0, 0)); imagepng($i, '${file}');`,
  )
  await page.goto(`${base}/wp-admin/media-new.php?browser-uploader`)
  await page.setInputFiles('#async-upload', file)
  await Promise.all([page.waitForURL(/upload\.php/), page.click('#html-upload')])
  rmSync(dir, { recursive: true, force: true })
  return Number(
    wpPhp(
      `echo (int) (get_posts(['post_type' => 'attachment', 'title' => '${name}', 'fields' => 'ids', 'post_status' => 'inherit'])[0] ?? 0);`,
    ),
  )
}

it('writes alt text for an uploaded image in the background', async () => {
  const id = await uploadInBrowser('uploaded-photo')
  expect(id).toBeGreaterThan(0)
  // The upload itself did not describe the image: the queue does, when cron runs.
  const readAlt = () => wpPhp(`echo get_post_meta(${id}, '_wp_attachment_image_alt', true);`)
  expect(readAlt()).toBe('')
  const alt = await cronUntil(readAlt, (a) => a !== '')
  expect(alt).toMatch(/^A red test square number \d+ \(en-US\)$/)
})

/** Writes machine alt text on attachments, as a bulk run would (model and language recorded). */
const writeMachineAlt = (ids: number[]) =>
  wpPhp(
    ids
      .map(
        (id) =>
          `AltTextAPI\\Generator::write_machine_alt(${id}, 'A machine text for ${id}', ['model' => 'google/gemini-2.5-flash-lite', 'language' => 'en-US']);`,
      )
      .join('\n'),
  )

/** axe-core's violations inside `selector` of the current page. */
async function axeViolations(selector: string) {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8')
  await page.addScriptTag({ content: source })
  return page.evaluate(async (root) => {
    type Violation = { id: string; nodes: { target: string[] }[] }
    const axe = (
      window as unknown as { axe: { run: (c: string) => Promise<{ violations: Violation[] }> } }
    ).axe
    const result = await axe.run(root)
    return result.violations.map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    )
  }, selector)
}

it('shows the estimate before a bulk run, and the list view row action writes alt text in place', async () => {
  await page.goto(`${base}/wp-admin/upload.php?mode=list`)
  await expect
    .poll(() => page.locator('.alttextapi-estimate').textContent(), poll)
    .toBe('4 images need alt text · up to 4 credits · balance 1000 credits.')
  const row = page.locator(`#post-${fx.small}`)
  await row.hover()
  await row.locator('a.alttextapi-row-generate').click()
  await expect
    .poll(() => row.locator('.alttextapi-row-status').textContent(), poll)
    .toMatch(/Alt text written: "A red test square number \d+ \(en-US\)"/)
  // Written without leaving the page (the link's href is the no-JavaScript fallback).
  expect(page.url()).toContain('upload.php?mode=list')
  expect(wpPhp(`echo get_post_meta(${fx.small}, '_wp_attachment_image_alt', true);`)).toMatch(
    /^A red test square number \d+/,
  )
  expect(await axeViolations('#alttextapi-job')).toEqual([])
})

it('the review view: an inline edit stays through bulk and upload and shows edited; bulk approve', async () => {
  writeMachineAlt([fx.small, fx.big, fx.media_text])
  // Under "always", unattended runs replace unreviewed machine text: never a person's edit.
  wpPhp(
    `update_option('alttextapi_settings', array_merge(AltTextAPI\\Settings::all(), ['overwrite' => 'always']));`,
  )
  // The Media menu is open on the library (elsewhere its items are a hover flyout).
  await page.goto(`${base}/wp-admin/upload.php?mode=list`)
  const menuItem = page.locator('#menu-media a', { hasText: 'Alt text to review' })
  expect(await menuItem.locator('.awaiting-mod.count-3').count()).toBe(1)
  await Promise.all([page.waitForURL(/attachment-filter=alttextapi_review/), menuItem.click()])
  expect(await page.locator('#the-list tr').count()).toBe(3)
  expect(await page.locator('select#attachment-filter').inputValue()).toBe('alttextapi_review')
  expect(await axeViolations('td.column-alttextapi_alt, th#alttextapi_alt, .filter-links')).toEqual(
    [],
  )

  // A person corrects one machine text inline.
  await page.getByLabel('Alt text of small.png').fill('Blue square on a white card')
  await Promise.all([
    page.waitForURL(/attachment-filter=alttextapi_review/),
    page.getByRole('button', { name: 'Save edit small.png' }).click(),
  ])
  await expect
    .poll(() => page.locator('.notice-success').first().textContent(), poll)
    .toContain('Your alt text is saved, and kept as yours: "Blue square on a white card"')
  expect(await page.locator(`#post-${fx.small}`).count()).toBe(0)

  // Then runs "Describe all images missing alt text" and uploads an image.
  await page.goto(`${base}/wp-admin/upload.php?mode=list`)
  await Promise.all([
    page.waitForURL(/upload\.php/),
    page.getByRole('button', { name: 'Describe all images missing alt text' }).click(),
  ])
  const state = await cronUntil(
    () => wpPhp(`echo AltTextAPI\\Job::summary()['state'];`),
    (s) => s !== 'running',
  )
  expect(state).toBe('done')
  const uploaded = await uploadInBrowser('review-upload')
  await cronUntil(
    () => wpPhp(`echo get_post_meta(${uploaded}, '_wp_attachment_image_alt', true);`),
    (a) => a !== '',
  )
  await page.goto(`${base}/wp-admin/upload.php?mode=list`)
  const small = page.locator(`#post-${fx.small}`)
  expect(await small.locator('.alttextapi-alt').textContent()).toBe('Blue square on a white card')
  expect(await small.locator('.alttextapi-origin').getAttribute('data-origin')).toBe('edited')
  expect(await small.locator('.alttextapi-origin').textContent()).toBe(
    'Edited: a person changed the text AltText API wrote.',
  )
  expect(await axeViolations('td.column-alttextapi_alt')).toEqual([])

  // The review view approves everything still waiting, in bulk.
  await page.goto(`${base}/wp-admin/upload.php?mode=list&attachment-filter=alttextapi_review`)
  const waiting = await page.locator('#the-list tr').count()
  expect(waiting).toBeGreaterThanOrEqual(3)
  await page.locator('#cb-select-all-1').check()
  await page.locator('#bulk-action-selector-top').selectOption('alttextapi_approve')
  await Promise.all([
    page.waitForURL(/attachment-filter=alttextapi_review/),
    page.click('#doaction'),
  ])
  await expect
    .poll(() => page.locator('.notice-success').first().textContent(), poll)
    .toContain(`Alt text of ${waiting} images approved.`)
  expect(await page.locator('#the-list tr.no-items').count()).toBe(1)
  expect(wpPhp('echo count(AltTextAPI\\Provenance::to_review());')).toBe('0')
  expect(wpPhp(`echo get_post_meta(${fx.small}, '_wp_attachment_image_alt', true);`)).toBe(
    'Blue square on a white card',
  )
})

it('the grid view filters to the review queue', async () => {
  writeMachineAlt([fx.small, fx.big])
  await page.goto(`${base}/wp-admin/upload.php?mode=grid`)
  const filter = page.locator('select#media-attachment-filters')
  await filter.selectOption('alttextapi_review')
  const shown = () =>
    page
      .locator('.attachments .attachment')
      .evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-id'))).sort())
  await expect.poll(shown, poll).toEqual([fx.small, fx.big].sort())
  // Any other filter clears it.
  await filter.selectOption('all')
  await expect.poll(async () => (await shown()).length, poll).toBeGreaterThan(2)
})

it('the block editor shows provenance and approves machine text', async () => {
  // The model judged the image decorative: the panel suggests it, nothing applies it.
  wpPhp(
    `AltTextAPI\\Generator::write_machine_alt(${fx.big}, 'A machine text for ${fx.big}', ['model' => 'google/gemini-2.5-flash-lite', 'language' => 'en-US', 'decorative' => true, 'kind' => 'illustration']);`,
  )
  await openPostWithImageSelected()
  const panel = page.locator('.alttextapi-provenance')
  await expect
    .poll(() => panel.textContent(), poll)
    .toContain(
      'Alt text written by AltText API (google/gemini-2.5-flash-lite, en-US), not reviewed yet.',
    )
  expect(await panel.locator('.alttextapi-decorative-suggestion').textContent()).toMatch(
    /suggests this image is decorative/,
  )
  expect(await axeViolations('.alttextapi-provenance')).toEqual([])
  await panel.getByRole('button', { name: 'Approve' }).click()
  await expect.poll(() => panel.textContent(), poll).toContain('approved by editor')
  expect(wpPhp(`echo AltTextAPI\\Provenance::of(${fx.big})['reviewed'] ? 'yes' : 'no';`)).toBe(
    'yes',
  )
})
