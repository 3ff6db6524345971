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

/** Submits the review page's form as `session`, with the nonce the page carries. */
async function reviewForm(session: Session, fields: Record<string, string | string[]>) {
  const page = await (
    await fetch(`${base}/wp-admin/upload.php?page=alttextapi-review`, {
      headers: { cookie: session.cookie },
    })
  ).text()
  const nonce = /name="_wpnonce" value="([^"]+)"/.exec(page)?.[1] ?? ''
  const body = new URLSearchParams({ action: 'alttextapi_review', _wpnonce: nonce })
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v)
  const res = await fetch(`${base}/wp-admin/admin-post.php`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body,
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

describe('the review queue', () => {
  it('lists unreviewed machine text with a count in the menu, and approves in bulk', async () => {
    describedByMachine([fx.small, fx.big, fx.media_text])
    const { page } = await reviewForm(editor, {})
    expect(page).toMatch(/Alt text to review <span class="awaiting-mod count-3">/)
    for (const id of [fx.small, fx.big, fx.media_text]) expect(page).toContain(`data-id="${id}"`)
    expect(page).not.toContain(`data-id="${fx.with_alt}"`)
    const seen = { small: alt(fx.small), big: alt(fx.big) }
    const done = await reviewForm(editor, {
      do: 'approve_selected',
      'ids[]': [String(fx.small), String(fx.big)],
      [`seen[${fx.small}]`]: seen.small,
      [`seen[${fx.big}]`]: seen.big,
    })
    expect(done.status).toBe(302)
    expect(provenance(fx.small).reviewed).toBe(true)
    expect(provenance(fx.big).reviewed).toBe(true)
    expect(provenance(fx.media_text).reviewed).toBe(false)
    const after = (await reviewForm(editor, {})).page
    expect(after).toMatch(/count-1/)
    expect(after).not.toContain(`data-id="${fx.small}"`)
  })

  it('saves an inline edit as the person’s text, and regenerates on request', async () => {
    describedByMachine([fx.small, fx.big])
    await reviewForm(editor, {
      save: String(fx.small),
      [`seen[${fx.small}]`]: alt(fx.small),
      [`alt[${fx.small}]`]: 'A blue card <b>with</b> a white square',
    })
    expect(alt(fx.small)).toBe('A blue card with a white square')
    expect(provenance(fx.small).origin).toBe('edited')
    const before = alt(fx.big)
    await reviewForm(editor, { regenerate: String(fx.big), [`seen[${fx.big}]`]: before })
    expect(alt(fx.big)).toMatch(/^A red test square number \d+/)
    expect(alt(fx.big)).not.toBe(before)
    expect(provenance(fx.big)).toMatchObject({ origin: 'machine', reviewed: false })
  })

  it('refuses a missing nonce, a user who may not edit the image, and stale text', async () => {
    // The author has an image of their own to review, so their page carries a form and a nonce.
    const [own] = addImages(1)
    wpPhp(`wp_update_post(['ID' => ${own}, 'post_author' => ${fx.users.author}]);`)
    describedByMachine([fx.small, Number(own)])
    const seen = alt(fx.small)
    const noNonce = await fetch(`${base}/wp-admin/admin-post.php`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: editor.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        action: 'alttextapi_review',
        approve: String(fx.small),
        [`seen[${fx.small}]`]: seen,
      }),
    })
    expect(noNonce.status).toBe(403)
    const denied = await reviewForm(author, {
      approve: String(fx.small),
      [`seen[${fx.small}]`]: seen,
    })
    expect(denied.page).toContain(`data-id="${own}"`)
    expect(denied.page).not.toContain(`data-id="${fx.small}"`)
    expect(denied.status).toBe(403)
    expect(provenance(fx.small).reviewed).toBe(false)
    const stale = await reviewForm(editor, {
      approve: String(fx.small),
      [`seen[${fx.small}]`]: 'What the page showed before',
    })
    expect(stale.status).toBe(302)
    expect(provenance(fx.small).reviewed).toBe(false)
    expect((await reviewForm(editor, {})).page).toMatch(/changed since the page was loaded/)
  })
})
