/**
 * Provenance and review against a real WordPress and the fake API: machine text is recorded with
 * its model and language, a person's edit is detected (not declared) and never replaced by bulk,
 * upload or the overwrite policy; approval refuses text changed since it was loaded; the review
 * queue's form (nonce, capabilities) approves in bulk, saves edits and regenerates.
 */
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import {
  addImages,
  cronUntil,
  fakeCharges,
  fakeRequests,
  login,
  resetState,
  type Session,
  wpPhp,
} from './session'

const fx = inject('fixtures')
const base = inject('wpUrl')
const alt = (id: number) => wpPhp(`echo get_post_meta(${id}, '_wp_attachment_image_alt', true);`)
const provenance = (id: number) =>
  JSON.parse(wpPhp(`echo wp_json_encode(AltTextAPI\\Provenance::of(${id}));`))
const setOverwrite = (policy: string) =>
  wpPhp(
    `update_option('alttextapi_settings', array_merge(AltTextAPI\\Settings::all(), ['overwrite' => '${policy}']));`,
  )
let editor: Session
let author: Session

beforeAll(async () => {
  editor = await login('editor', 'editor-password-123')
  author = await login('author', 'author-password-123')
})
beforeEach(resetState)

const bulk = async () => (await editor.rest('/alttextapi/v1/bulk')).json
/** Runs a bulk job over `ids` to its end. */
async function runBulk(ids: number[]) {
  await editor.rest('/alttextapi/v1/bulk', { method: 'POST', body: { ids } })
  return cronUntil(bulk, (s) => s.state !== 'running')
}

/**
 * Writes machine alt text as a finished bulk run leaves it (text, model, language), where the run
 * itself is not what a test is about: it saves a cron round trip per test.
 */
const describedByMachine = (ids: number[]) =>
  wpPhp(
    ids
      .map(
        (id) =>
          `AltTextAPI\\Generator::write_machine_alt(${id}, 'Machine text for image ${id}', ['model' => 'google/gemini-2.5-flash-lite', 'language' => 'en-US']);`,
      )
      .join('\n'),
  )

const VIEW = '/wp-admin/upload.php?mode=list&attachment-filter=alttextapi_review'

/** The Media Library's review view as `session` sees it. */
const reviewPage = async (session: Session) =>
  (await fetch(`${base}${VIEW}`, { headers: { cookie: session.cookie } })).text()

/** The fingerprint of the text a row showed (its hidden `seen` field). */
const seenIn = (page: string, id: number) =>
  new RegExp(`name="alttextapi_seen\\[${id}\\]" value="([^"]+)"`).exec(page)?.[1] ?? ''

/** Posts one row's button (Approve, Save edit, Regenerate) in the view's own form, with its nonce. */
async function rowAction(
  session: Session,
  action: 'approve' | 'save' | 'regenerate' | 'decorative',
  id: number,
  fields: { seen?: string; alt?: string; nonce?: string | null } = {},
) {
  const page = await reviewPage(session)
  const form = /<form id="alttextapi-review"[^>]*>(.*?)<\/form>/s.exec(page)?.[1] ?? ''
  const nonce = /name="_wpnonce" value="([^"]+)"/.exec(form)?.[1] ?? ''
  const body = new URLSearchParams({ alttextapi_do: `${action}:${id}` })
  if (fields.nonce !== null) body.set('_wpnonce', fields.nonce ?? nonce)
  body.set(`alttextapi_seen[${id}]`, fields.seen ?? seenIn(page, id))
  if (fields.alt !== undefined) body.set(`alttextapi_alt[${id}]`, fields.alt)
  const res = await fetch(`${base}${VIEW}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      cookie: session.cookie,
      'content-type': 'application/x-www-form-urlencoded',
      referer: `${base}${VIEW}`,
    },
    body,
  })
  return { page, status: res.status }
}

/**
 * The bulk action "Approve alt text" on `ids`, as the library's GET form sends it (its bulk-media
 * nonce and each row's fingerprint); `seen` overrides a row's fingerprint.
 */
async function bulkApprove(session: Session, ids: number[], seen: Record<number, string> = {}) {
  const page = await reviewPage(session)
  const nonce = /<form id="posts-filter".*?name="_wpnonce" value="([^"]+)"/s.exec(page)?.[1] ?? ''
  const query = new URLSearchParams({
    mode: 'list',
    'attachment-filter': 'alttextapi_review',
    action: 'alttextapi_approve',
    _wpnonce: nonce,
    _wp_http_referer: VIEW,
  })
  for (const id of ids) {
    query.append('media[]', String(id))
    query.set(`alttextapi_seen[${id}]`, seen[id] ?? seenIn(page, id))
  }
  const res = await fetch(`${base}/wp-admin/upload.php?${query}`, {
    redirect: 'manual',
    headers: { cookie: session.cookie },
  })
  return { page, status: res.status }
}

describe('provenance', () => {
  it('records machine text with model and language, and detects a person’s edit', async () => {
    expect(provenance(fx.with_alt).origin).toBe('human')
    expect(provenance(fx.small).origin).toBe('none')
    await runBulk([fx.small])
    const machine = provenance(fx.small)
    expect(machine).toMatchObject({
      origin: 'machine',
      model: 'google/gemini-2.5-flash-lite',
      language: 'en-US',
      reviewed: false,
    })
    expect(machine.time).toBeGreaterThan(0)
    // A person changes the text through WordPress's own media route, as the media library does.
    const edit = await editor.rest(`/wp/v2/media/${fx.small}`, {
      method: 'POST',
      body: { alt_text: 'Blue square on a white card' },
    })
    expect(edit.status).toBe(200)
    expect(provenance(fx.small)).toMatchObject({ origin: 'edited', reviewed: false })
  })

  it('never replaces edited or human text by bulk or upload, even under "always"', async () => {
    await runBulk([fx.small, fx.big])
    await editor.rest(`/wp/v2/media/${fx.small}`, {
      method: 'POST',
      body: { alt_text: 'Blue square on a white card' },
    })
    setOverwrite('always')
    const machineText = alt(fx.big)
    const status = await runBulk([fx.small, fx.big, fx.with_alt])
    expect(status.state).toBe('done')
    // Only the unreviewed machine text was described again.
    expect(alt(fx.small)).toBe('Blue square on a white card')
    expect(alt(fx.with_alt)).toBe('An existing description')
    expect(alt(fx.big)).not.toBe(machineText)
    expect(provenance(fx.small).origin).toBe('edited')
    expect(provenance(fx.with_alt).origin).toBe('human')
    // An upload queues only the new image.
    const [uploaded] = addImages(1)
    await cronUntil(
      () => alt(Number(uploaded)),
      (a) => a !== '',
    )
    expect(alt(fx.small)).toBe('Blue square on a white card')
    expect(provenance(fx.small).origin).toBe('edited')
    expect(await fakeCharges()).toBe(4)
  })

  it('keeps reviewed machine text under "always"', async () => {
    await runBulk([fx.small])
    const text = alt(fx.small)
    const ok = await editor.rest(`/alttextapi/v1/attachments/${fx.small}/approve`, {
      method: 'POST',
      body: { altText: text },
    })
    expect(ok.status).toBe(200)
    expect(ok.json).toMatchObject({ origin: 'machine', reviewed: true, reviewedBy: 'editor' })
    setOverwrite('always')
    await runBulk([fx.small])
    expect(alt(fx.small)).toBe(text)
  })
})

describe('approval', () => {
  it('refuses text changed since it was loaded, and users who may not edit the image', async () => {
    describedByMachine([fx.small])
    const seen = alt(fx.small)
    wpPhp(`update_post_meta(${fx.small}, '_wp_attachment_image_alt', 'Changed meanwhile');`)
    const stale = await editor.rest(`/alttextapi/v1/attachments/${fx.small}/approve`, {
      method: 'POST',
      body: { altText: seen },
    })
    expect(stale.status).toBe(409)
    expect(stale.json.code).toBe('alttextapi_changed')
    expect(stale.json.message).toMatch(/changed since the page was loaded/)
    wpPhp(`update_post_meta(${fx.small}, '_wp_attachment_image_alt', '${seen}');`)
    const denied = await author.rest(`/alttextapi/v1/attachments/${fx.small}/approve`, {
      method: 'POST',
      body: { altText: seen },
    })
    expect(denied.status).toBe(403)
    expect((await author.rest(`/alttextapi/v1/attachments/${fx.small}/provenance`)).status).toBe(
      403,
    )
    expect(provenance(fx.small).reviewed).toBe(false)
    const noNonce = await editor.rest(`/alttextapi/v1/attachments/${fx.small}/approve`, {
      method: 'POST',
      body: { altText: seen },
      nonce: null,
    })
    expect(noNonce.status).toBe(401)
    expect(provenance(fx.small).reviewed).toBe(false)
  })
})

describe('the review view of the Media Library', () => {
  it('lists unreviewed machine text with a count in the menu, and approves in bulk', async () => {
    describedByMachine([fx.small, fx.big, fx.media_text])
    const page = await reviewPage(editor)
    expect(page).toMatch(/Alt text to review <span class="awaiting-mod count-3">/)
    expect(page).toMatch(
      /class="current" aria-current="page">Alt text to review <span class="count">\(3\)/,
    )
    for (const id of [fx.small, fx.big, fx.media_text]) {
      expect(page).toContain(`id="post-${id}"`)
      expect(page).toContain(`id="alttextapi-alt-${id}"`)
    }
    // Only the queue: the human text and the images without alt are not in the view.
    expect(page).not.toContain(`id="post-${fx.with_alt}"`)
    expect(page).not.toContain(`id="post-${fx.decorative}"`)
    expect(page).toContain('<option value="alttextapi_approve">Approve alt text</option>')
    const done = await bulkApprove(editor, [fx.small, fx.big])
    expect(done.status).toBe(302)
    expect(provenance(fx.small)).toMatchObject({ reviewed: true, reviewedBy: 'editor' })
    expect(provenance(fx.big).reviewed).toBe(true)
    expect(provenance(fx.media_text).reviewed).toBe(false)
    const after = await reviewPage(editor)
    expect(after).toMatch(/count-1/)
    expect(after).toContain('Alt text of 2 images approved.')
    expect(after).not.toContain(`id="post-${fx.small}"`)
  })

  it('shows who wrote each alt text in the library, and the view link in every list', async () => {
    describedByMachine([fx.small, fx.big])
    await editor.rest(`/wp/v2/media/${fx.small}`, {
      method: 'POST',
      body: { alt_text: 'Blue square on a white card' },
    })
    const library = await (
      await fetch(`${base}/wp-admin/upload.php?mode=list`, { headers: { cookie: editor.cookie } })
    ).text()
    const origin = (id: number) =>
      new RegExp(
        `id="post-${id}".*?class="alttextapi-origin" data-origin="(\\w+)">([^<]*)<`,
        's',
      ).exec(library)
    expect(origin(fx.small)?.slice(1)).toEqual([
      'edited',
      'Edited: a person changed the text AltText API wrote.',
    ])
    expect(origin(fx.big)?.slice(1)).toEqual([
      'machine',
      'Written by AltText API (google/gemini-2.5-flash-lite, en-US), not reviewed.',
    ])
    expect(origin(fx.with_alt)?.slice(1)).toEqual(['human', 'Written by a person.'])
    expect(library).toContain(`id="post-${fx.with_alt}"`)
    expect(library).toMatch(/>Alt text to review <span class="count">\(1\)<\/span><\/a>/)
    // No review controls outside the view.
    expect(library).not.toContain('alttextapi_do')
  })

  it('saves an inline edit as the person’s text, and regenerates on request', async () => {
    describedByMachine([fx.small, fx.big])
    const saved = await rowAction(editor, 'save', fx.small, {
      alt: 'A blue card <b>with</b> a white square',
    })
    expect(saved.status).toBe(302)
    expect(alt(fx.small)).toBe('A blue card with a white square')
    expect(provenance(fx.small).origin).toBe('edited')
    const before = alt(fx.big)
    expect((await rowAction(editor, 'regenerate', fx.big)).status).toBe(302)
    expect(alt(fx.big)).toMatch(/^A red test square number \d+/)
    expect(alt(fx.big)).not.toBe(before)
    expect(provenance(fx.big)).toMatchObject({ origin: 'machine', reviewed: false })
    const page = await reviewPage(editor)
    expect(page).toContain('New alt text written: &quot;A red test square number')
    // The edited text left the queue; the new machine text waits for review.
    expect(page).not.toContain(`id="post-${fx.small}"`)
    expect(page).toContain(`id="post-${fx.big}"`)
  })

  it('refuses a missing nonce, a user who may not edit the image, and stale text', async () => {
    // The author has an image of their own to review, so their view carries the form and a nonce.
    const [own] = addImages(1)
    wpPhp(`wp_update_post(['ID' => ${own}, 'post_author' => ${fx.users.author}]);`)
    describedByMachine([fx.small, Number(own)])
    const noNonce = await rowAction(editor, 'approve', fx.small, { nonce: null })
    expect(noNonce.status).toBe(403)
    expect(provenance(fx.small).reviewed).toBe(false)
    const denied = await rowAction(author, 'approve', fx.small, {
      seen: seenIn(await reviewPage(editor), fx.small),
    })
    expect(denied.page).toContain(`id="post-${own}"`)
    expect(denied.page).not.toContain(`id="post-${fx.small}"`)
    expect(denied.status).toBe(403)
    expect(provenance(fx.small).reviewed).toBe(false)
    const deniedSave = await rowAction(author, 'save', fx.small, {
      seen: seenIn(await reviewPage(editor), fx.small),
      alt: 'Not yours to change',
    })
    expect(deniedSave.status).toBe(403)
    expect(alt(fx.small)).toBe(`Machine text for image ${fx.small}`)
    // A bulk approval with one image the author may not edit: 403, and nothing is approved.
    const bulkDenied = await bulkApprove(author, [Number(own), fx.small], {
      [fx.small]: seenIn(await reviewPage(editor), fx.small),
    })
    expect(bulkDenied.status).toBe(403)
    expect(provenance(Number(own)).reviewed).toBe(false)
    expect(provenance(fx.small).reviewed).toBe(false)
    // Text that changed after the page was loaded: refused with a message, the edit kept.
    const page = await reviewPage(editor)
    wpPhp(`update_post_meta(${fx.small}, '_wp_attachment_image_alt', 'Corrected meanwhile');`)
    const stale = await rowAction(editor, 'approve', fx.small, { seen: seenIn(page, fx.small) })
    expect(stale.status).toBe(302)
    expect(provenance(fx.small)).toMatchObject({ origin: 'edited', reviewed: false })
    expect(alt(fx.small)).toBe('Corrected meanwhile')
    expect(await reviewPage(editor)).toMatch(/changed since the page was loaded/)
    const staleSave = await rowAction(editor, 'save', fx.small, {
      seen: seenIn(page, fx.small),
      alt: 'An older correction',
    })
    expect(staleSave.status).toBe(302)
    expect(alt(fx.small)).toBe('Corrected meanwhile')
  })

  it('a bulk approval skips the rows whose text changed since the page was loaded', async () => {
    describedByMachine([fx.small, fx.big])
    const page = await reviewPage(editor)
    wpPhp(
      `AltTextAPI\\Generator::write_machine_alt(${fx.big}, 'A newer machine text', ['model' => 'm', 'language' => 'en-US']);`,
    )
    const res = await bulkApprove(editor, [fx.small, fx.big], {
      [fx.small]: seenIn(page, fx.small),
      [fx.big]: seenIn(page, fx.big),
    })
    expect(res.status).toBe(302)
    expect(provenance(fx.small).reviewed).toBe(true)
    expect(provenance(fx.big).reviewed).toBe(false)
    expect(await reviewPage(editor)).toMatch(
      /Alt text of 1 image approved\. big-photo\.jpg: This alt text changed since the page was loaded/,
    )
  })
})

/** Sets an attachment's caption (its context line; the fake API reads test cases from it). */
const setCaption = (id: number, caption: string) =>
  wpPhp(`wp_update_post(['ID' => ${id}, 'post_excerpt' => '${caption}']);`)
const description = (id: number) => wpPhp(`echo get_post_field('post_content', ${id});`)
const setSetting = (name: string, value: string) =>
  wpPhp(
    `update_option('alttextapi_settings', array_merge(AltTextAPI\\Settings::all(), ['${name}' => ${value}]));`,
  )

describe('purpose-aware answers (issue 23)', () => {
  it('shows a decorative answer as a suggestion, applied only when a person marks it', async () => {
    setCaption(fx.small, 'test:decorative')
    await runBulk([fx.small, fx.big])
    // Written as alt text like any answer: the judgement is not applied silently.
    expect(alt(fx.small)).toMatch(/^A red test square number \d+/)
    expect(wpPhp(`echo AltTextAPI\\Generator::is_decorative(${fx.small}) ? 'yes' : 'no';`)).toBe(
      'no',
    )
    expect(provenance(fx.small)).toMatchObject({ decorative: true, kind: 'illustration' })
    expect(provenance(fx.big)).toMatchObject({ decorative: false, kind: 'photo' })
    const page = await reviewPage(editor)
    const row = (id: number) => new RegExp(`id="post-${id}".*?</tr>`, 's').exec(page)?.[0] ?? ''
    expect(row(fx.small)).toContain('AltText API suggests this image is decorative')
    expect(row(fx.small)).toContain(`value="decorative:${fx.small}"`)
    expect(row(fx.big)).not.toContain('suggests this image is decorative')
    // A user who may not edit the image cannot accept it.
    expect(
      (await rowAction(author, 'decorative', fx.small, { seen: seenIn(page, fx.small) })).status,
    ).toBe(403)
    expect(wpPhp(`echo AltTextAPI\\Generator::is_decorative(${fx.small}) ? 'yes' : 'no';`)).toBe(
      'no',
    )
    expect((await rowAction(editor, 'decorative', fx.small)).status).toBe(302)
    expect(wpPhp(`echo AltTextAPI\\Generator::is_decorative(${fx.small}) ? 'yes' : 'no';`)).toBe(
      'yes',
    )
    expect(alt(fx.small)).toBe('')
    expect(await reviewPage(editor)).not.toContain(`id="post-${fx.small}"`)
  })

  it('asks for a long description only when opted in, and fills an empty Description with it', async () => {
    setCaption(fx.small, 'test:chart')
    setCaption(fx.big, 'test:chart')
    await runBulk([fx.small])
    expect(description(fx.small)).toBe('')
    expect((await fakeRequests()).every((r) => r.body?.long === undefined)).toBe(true)

    wpPhp(`delete_post_meta(${fx.small}, '_wp_attachment_image_alt');`)
    wpPhp(`wp_update_post(['ID' => ${fx.big}, 'post_content' => 'A description someone wrote']);`)
    setSetting('long_description', 'true')
    await runBulk([fx.small, fx.big])
    expect(description(fx.small)).toMatch(/^Sales by quarter, image \d+:\nQ1 10\nQ2 20$/)
    expect(description(fx.big)).toBe('A description someone wrote')
    const batches = (await fakeRequests()).filter((r) => r.path === '/v1/alt-text/batch')
    expect(batches.at(-1)?.body.long).toBe(true)
    // The single call (Regenerate in the review view) asks for it too.
    wpPhp(`wp_update_post(['ID' => ${fx.small}, 'post_content' => '']);`)
    expect((await rowAction(editor, 'regenerate', fx.small)).status).toBe(302)
    const single = (await fakeRequests()).filter((r) => r.path === '/v1/alt-text').at(-1)
    expect(single?.body.long).toBe(true)
    expect(description(fx.small)).toMatch(/^Sales by quarter/)
  })

  it('flags alt text the lint rules find in the review view and the library', async () => {
    wpPhp(
      [
        `AltTextAPI\\Generator::write_machine_alt(${fx.small}, 'Image of a blue square', ['model' => 'm', 'language' => 'en']);`,
        `AltTextAPI\\Generator::write_machine_alt(${fx.big}, 'IMG_2041.jpg', ['model' => 'm', 'language' => 'en']);`,
        `AltTextAPI\\Generator::write_machine_alt(${fx.media_text}, 'A yellow awning over a shop window', ['model' => 'm', 'language' => 'en']);`,
        `update_post_meta(${fx.with_alt}, '_wp_attachment_image_alt', '${'A long story. '.repeat(12)}');`,
      ].join('\n'),
    )
    const rules = (page: string, id: number) =>
      [
        ...(new RegExp(`id="post-${id}".*?</tr>`, 's').exec(page)?.[0] ?? '').matchAll(
          /data-rule="([\w-]+)"/g,
        ),
      ].map((m) => m[1])
    const page = await reviewPage(editor)
    expect(rules(page, fx.small)).toEqual(['redundant-prefix'])
    expect(rules(page, fx.big)).toEqual(['file-name'])
    expect(rules(page, fx.media_text)).toEqual([])
    expect(page).toContain('The alt text starts with &quot;image of&quot;')
    const library = await (
      await fetch(`${base}/wp-admin/upload.php?mode=list`, { headers: { cookie: editor.cookie } })
    ).text()
    expect(rules(library, fx.with_alt)).toEqual(['too-long'])
    expect(rules(library, fx.big)).toEqual(['file-name'])
  })
})
