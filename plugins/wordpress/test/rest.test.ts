/**
 * The plugin's REST routes against a real WordPress and the fake API: permissions, nonces, the
 * request sent to the API, error mapping, and writes of _wp_attachment_image_alt.
 */
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import {
  cronUntil,
  FAKE_KEY,
  fakeCharges,
  fakeError,
  fakeFail,
  fakeHoldKeys,
  fakeRequests,
  login,
  resetState,
  type Session,
  wpPhp,
} from './session'
import { phpString } from './wordpress.mjs'

const fx = inject('fixtures')
const alt = (id: number) => wpPhp(`echo get_post_meta(${id}, '_wp_attachment_image_alt', true);`)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
/** The stored job (with its id lists). */
const job = () => JSON.parse(wpPhp(`echo wp_json_encode(AltTextAPI\\Job::status());`))
/** The open batch an attachment was sent in ({key, hash, ids}), or '' when none. */
const openRequest = (id: number) =>
  JSON.parse(wpPhp(`echo wp_json_encode(get_post_meta(${id}, '_alttextapi_request', true));`))
/** How many attachments still hold an Idempotency-Key. */
const openKeys = () =>
  Number(
    wpPhp(
      `global $wpdb; echo (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->postmeta} WHERE meta_key = '_alttextapi_request'");`,
    ),
  )
/** Makes the queue's next slice due now (instead of after its backoff). */
const runQueueNow = () =>
  wpPhp(
    `$j = get_option('alttextapi_job'); $j['not_before'] = 0; update_option('alttextapi_job', $j, false);
wp_clear_scheduled_hook('alttextapi_process_queue'); wp_schedule_single_event(time() - 1, 'alttextapi_process_queue');`,
  )
let admin: Session
let editor: Session
let author: Session
let contributor: Session

beforeAll(async () => {
  admin = await login('admin', 'admin-password-123')
  editor = await login('editor', 'editor-password-123')
  author = await login('author', 'author-password-123')
  contributor = await login('contributor', 'contributor-password-123')
})
beforeEach(resetState)

describe('POST alttextapi/v1/generate', () => {
  it('refuses a logged-in cookie without the REST nonce', async () => {
    const r = await editor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.small },
      nonce: null,
    })
    expect(r.status).toBe(401)
    expect(await fakeRequests()).toHaveLength(0)
  })

  it('refuses a bad nonce', async () => {
    const r = await editor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.small },
      nonce: 'abc123',
    })
    expect(r.status).toBe(403)
    expect(r.json.code).toBe('rest_cookie_invalid_nonce')
  })

  it('needs edit_post on the post, or upload_files without one', async () => {
    const noUpload = await contributor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.small },
    })
    expect(noUpload.status).toBe(403)
    const others = await contributor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.small, postId: fx.post },
    })
    expect(others.status).toBe(403)
    expect(await fakeRequests()).toHaveLength(0)
    // A contributor may describe an image for their own draft, but not write the attachment.
    const own = await contributor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.small, postId: fx.own },
    })
    expect(own.status).toBe(200)
    expect(own.json.attachmentUpdated).toBe(false)
    expect(alt(fx.small)).toBe('')
  })

  it('refuses to describe an image the user may not see, named by id or by URL', async () => {
    // private_image is attached to the editor's private post: a contributor (on their own draft)
    // and an author (with upload_files) may not read it, so they may not learn what it shows.
    const url = wpPhp(`echo wp_get_attachment_url(${fx.private_image});`)
    expect(url).toMatch(/^http/)
    const byId = await contributor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.private_image, postId: fx.own },
    })
    expect(byId.status).toBe(403)
    const byUrl = await contributor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { url, postId: fx.own },
    })
    expect(byUrl.status).toBe(403)
    const loose = await author.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.private_image },
    })
    expect(loose.status).toBe(403)
    expect(await fakeRequests()).toHaveLength(0)
    // Its owner may.
    const owner = await editor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.private_image, postId: fx.private_post },
    })
    expect(owner.status).toBe(200)
    expect(owner.json.altText).toMatch(/^A red test square/)
  })

  it('finds the attachment behind any form of its URL: query, fragment, encoding, size variants', async () => {
    const urls = JSON.parse(
      wpPhp(`$url = wp_get_attachment_url(${fx.private_image});
$thumb = wp_get_attachment_image_url(${fx.private_image}, 'thumbnail');
$parts = wp_parse_url($url);
$dir = dirname($parts['path']);
$name = basename($parts['path']);
echo wp_json_encode([
  'query' => $url . '?x=1',
  'fragment' => $url . '#a',
  'size' => $thumb,
  'sizeQuery' => $thumb . '?ver=2',
  'encoded' => str_replace($name, '%' . strtoupper(dechex(ord($name[0]))) . substr($name, 1), $url),
  'dots' => $parts['scheme'] . '://' . $parts['host'] . ':' . $parts['port'] . $dir . '/./' . $name,
  'slashes' => $parts['scheme'] . '://' . $parts['host'] . ':' . $parts['port'] . $dir . '//' . $name,
  'parent' => $parts['scheme'] . '://' . $parts['host'] . ':' . $parts['port'] . $dir . '/../' . basename($dir) . '/' . $name,
  'upper' => strtoupper($parts['scheme']) . '://' . $parts['host'] . ':' . $parts['port'] . $parts['path'],
]);`),
    ) as Record<string, string>
    expect(urls.size).toMatch(/-150x150\.png$/)
    for (const [form, url] of Object.entries(urls)) {
      const r = await contributor.rest('/alttextapi/v1/generate', {
        method: 'POST',
        body: { url, postId: fx.own },
      })
      expect([form, r.status]).toEqual([form, 403])
    }
    expect(await fakeRequests()).toHaveLength(0)
    // The resolver itself: every form is the private image; a made-up size of it is not.
    const resolved = JSON.parse(
      wpPhp(
        `echo wp_json_encode(array_map(['AltTextAPI\\Attachment_Url', 'resolve'], json_decode(${phpString(JSON.stringify(Object.values(urls)))}, true)));`,
      ),
    )
    expect(resolved).toEqual(Object.values(urls).map(() => fx.private_image))
    expect(
      wpPhp(
        `echo AltTextAPI\\Attachment_Url::resolve(str_replace('-150x150', '-151x151', ${phpString(urls.size)}));`,
      ),
    ).toBe('0')
  })

  it('sends a base64 image of at most 1024 px with language and context, and writes the attachment alt', async () => {
    const r = await editor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: {
        attachmentId: fx.big,
        postId: fx.post,
        context: 'Page title: New bakery on Main Street',
      },
    })
    expect(r.status).toBe(200)
    expect(r.json.altText).toMatch(/^A red test square number \d+ \(en-US\)$/)
    expect(r.json.attachmentUpdated).toBe(true)
    expect(Object.keys(r.json).sort()).toEqual(['altText', 'attachmentUpdated', 'creditsRemaining'])
    expect(alt(fx.big)).toBe(r.json.altText)
    const [req] = await fakeRequests()
    expect(req?.path).toBe('/v1/alt-text')
    expect(req?.authorization).toBe(`Bearer ${FAKE_KEY}`)
    expect(req?.idempotencyKey).toMatch(UUID)
    expect(req?.body.imageUrl).toBeUndefined()
    expect(req?.body.language).toBe('en-US')
    expect(req?.body.context).toBe('Page title: New bakery on Main Street')
    const size = JSON.parse(
      wpPhp(`echo json_encode(getimagesizefromstring(base64_decode('${req?.body.image}')));`),
    )
    expect(Math.max(size[0], size[1])).toBeLessThanOrEqual(1024)
    expect(Math.max(size[0], size[1])).toBeGreaterThanOrEqual(512)
    expect(size.mime).toBe('image/jpeg')
  })

  it('sends the context as plain text: markup and control characters removed, line breaks kept', async () => {
    const r = await editor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: {
        attachmentId: fx.small,
        postId: fx.post,
        context:
          'Page title: <script>alert(1)</script><b>Bakery</b>\u0007\nNearby text: fresh bread',
      },
    })
    expect(r.status).toBe(200)
    const [req] = await fakeRequests()
    expect(req?.body.context).toBe('Page title: Bakery\nNearby text: fresh bread')
  })

  it('formats the editor context parts with the contract: labelled lines, clipped to the limit', async () => {
    const r = await editor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: {
        attachmentId: fx.small,
        postId: fx.post,
        contextParts: {
          title: '<b>Bakery</b>\u0007',
          caption: 'Our  oven',
          text: `fresh bread ${'x'.repeat(3000)}`,
        },
      },
    })
    expect(r.status).toBe(200)
    const [req] = await fakeRequests()
    const context = String(req?.body.context)
    expect(
      context.startsWith('Page title: Bakery\nCaption: Our oven\nNearby text: fresh bread'),
    ).toBe(true)
    // Exactly the API's limit, ellipsis included (formatContext in core does the same).
    expect(context).toHaveLength(2000)
    expect(context.endsWith('…')).toBe(true)
  })

  it('sends a fresh Idempotency-Key per click: two clicks are two descriptions', async () => {
    const body = { attachmentId: fx.small, postId: fx.own }
    const first = await contributor.rest('/alttextapi/v1/generate', { method: 'POST', body })
    const second = await contributor.rest('/alttextapi/v1/generate', { method: 'POST', body })
    expect([first.status, second.status]).toEqual([200, 200])
    expect(second.json.altText).not.toBe(first.json.altText)
    const keys = (await fakeRequests()).map((r) => r.idempotencyKey)
    expect(keys).toHaveLength(2)
    expect(keys[0]).toMatch(UUID)
    expect(keys[1]).toMatch(UUID)
    expect(keys[1]).not.toBe(keys[0])
    expect(await fakeCharges()).toBe(2)
  })

  it('never replaces existing attachment alt from the editor route', async () => {
    const r = await editor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.with_alt, postId: fx.post },
    })
    expect(r.status).toBe(200)
    expect(r.json.attachmentUpdated).toBe(false)
    expect(alt(fx.with_alt)).toBe('An existing description')
  })

  it('leaves decorative images alone', async () => {
    const r = await editor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.decorative, postId: fx.post },
    })
    expect(r.status).toBe(409)
    expect(r.json.code).toBe('alttextapi_decorative')
    expect(await fakeRequests()).toHaveLength(0)
  })

  it.each([
    [401, 'unauthorized', 401, 'alttextapi_key_rejected', /rejected the API key/],
    [402, 'insufficient_credits', 402, 'alttextapi_no_credits', /no credits left/],
    [429, 'rate_limited', 429, 'alttextapi_rate_limited', /Try again in 7 seconds/],
    [503, 'model_not_configured', 503, 'alttextapi_unavailable', /unavailable right now/],
  ])('maps an API %i to a clear message', async (status, code, wpStatus, wpCode, message) => {
    await fakeError({ status, code, retryAfter: 7 })
    const r = await editor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.small, postId: fx.post },
    })
    expect(r.status).toBe(wpStatus)
    expect(r.json.code).toBe(wpCode)
    expect(r.json.message).toMatch(message)
    expect(alt(fx.small)).toBe('')
  })

  it('reports an unreachable API and a missing key', async () => {
    wpPhp(`update_option('alttextapi_api_key', 'x'); update_option('alttextapi_api_key', '');`)
    wpPhp(`delete_option('alttextapi_api_key');`)
    const none = await editor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.small, postId: fx.post },
    })
    expect(none.status).toBe(400)
    expect(none.json.code).toBe('alttextapi_no_key')
    expect(none.json.message).toMatch(/No AltText API key is set/)
    wpPhp(`add_option('alttextapi_api_key', '${FAKE_KEY}', '', false);`)
    expect(await fakeRequests()).toHaveLength(0)
  })
})

describe('POST alttextapi/v1/attachments/:id/generate', () => {
  it('keeps existing alt under the default policy and fills missing alt', async () => {
    const kept = await editor.rest(`/alttextapi/v1/attachments/${fx.with_alt}/generate`, {
      method: 'POST',
    })
    expect(kept.status).toBe(409)
    expect(kept.json.code).toBe('alttextapi_has_alt')
    const r = await editor.rest(`/alttextapi/v1/attachments/${fx.media_text}/generate`, {
      method: 'POST',
    })
    expect(r.status).toBe(200)
    expect(alt(fx.media_text)).toBe(r.json.altText)
    wpPhp(`delete_post_meta(${fx.media_text}, '_wp_attachment_image_alt');`)
  })

  it('replaces existing alt when the policy allows an explicit request', async () => {
    wpPhp(
      `update_option('alttextapi_settings', array_merge(AltTextAPI\\Settings::all(), ['overwrite' => 'explicit']));`,
    )
    try {
      const r = await editor.rest(`/alttextapi/v1/attachments/${fx.with_alt}/generate`, {
        method: 'POST',
      })
      expect(r.status).toBe(200)
      expect(alt(fx.with_alt)).toBe(r.json.altText)
    } finally {
      wpPhp(
        `update_option('alttextapi_settings', AltTextAPI\\Settings::defaults()); update_post_meta(${fx.with_alt}, '_wp_attachment_image_alt', 'An existing description');`,
      )
    }
  })

  it('needs upload_files and edit_post on the attachment', async () => {
    const r = await contributor.rest(`/alttextapi/v1/attachments/${fx.small}/generate`, {
      method: 'POST',
    })
    expect(r.status).toBe(403)
    const a = await author.rest(`/alttextapi/v1/attachments/${fx.small}/generate`, {
      method: 'POST',
    })
    expect(a.status).toBe(403)
  })
})

describe('account and key handling', () => {
  it('answers the balance only to administrators and never the key', async () => {
    expect((await editor.rest('/alttextapi/v1/account')).status).toBe(403)
    const r = await admin.rest('/alttextapi/v1/account')
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ credits: expect.any(Number) })
  })

  it('shows only a masked key on the settings page, and an empty submit keeps it', async () => {
    const page = await (
      await fetch(`${inject('wpUrl')}/wp-admin/options-general.php?page=alttextapi`, {
        headers: { cookie: admin.cookie },
      })
    ).text()
    expect(page).not.toContain(FAKE_KEY)
    // The first six and the last four characters, as Settings::mask_key shows them.
    expect(page).toContain(`${FAKE_KEY.slice(0, 6)}…${FAKE_KEY.slice(-4)}`)
    expect(page).toMatch(/Credit balance: \d/)
    const nonce = /name="_wpnonce" value="([^"]+)"/.exec(page)?.[1] ?? ''
    const save = await fetch(`${inject('wpUrl')}/wp-admin/options.php`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        option_page: 'alttextapi',
        action: 'update',
        _wpnonce: nonce,
        _wp_http_referer: '/wp-admin/options-general.php?page=alttextapi',
        alttextapi_api_key: '',
        'alttextapi_settings[language]': 'de-CH',
        'alttextapi_settings[overwrite]': 'never',
        'alttextapi_settings[on_upload]': '1',
      }),
    })
    expect(save.status).toBe(302)
    expect(wpPhp(`echo get_option('alttextapi_api_key');`)).toBe(FAKE_KEY)
    expect(wpPhp(`echo AltTextAPI\\Language::for_post(0);`)).toBe('de-CH')
    wpPhp(`update_option('alttextapi_settings', AltTextAPI\\Settings::defaults());`)
  })

  it('keeps the key out of the block editor page', async () => {
    const page = await (
      await fetch(`${inject('wpUrl')}/wp-admin/post.php?post=${fx.post}&action=edit`, {
        headers: { cookie: editor.cookie },
      })
    ).text()
    expect(page).toContain('alttextapiConfig')
    expect(page).not.toContain(FAKE_KEY)
  })
})

describe('bulk background job', () => {
  it('is for editors only', async () => {
    expect(
      (await author.rest('/alttextapi/v1/bulk', { method: 'POST', body: { missing: true } }))
        .status,
    ).toBe(403)
  })

  it('describes every image missing alt in the background, skipping decorative and described ones', async () => {
    const start = await editor.rest('/alttextapi/v1/bulk', {
      method: 'POST',
      body: { missing: true },
    })
    expect(start.status).toBe(200)
    expect(start.json.state).toBe('running')
    expect(start.json.total).toBeGreaterThanOrEqual(1)
    // WP-Cron runs the queue; call it the way a system cron would, until the job leaves 'running'.
    const status = await cronUntil(
      async () => (await editor.rest('/alttextapi/v1/bulk')).json,
      (s) => s.state !== 'running',
    )
    expect(status.state).toBe('done')
    expect(status.failed).toBe(0)
    expect(status.done + status.skipped).toBe(status.total)
    expect(status.done).toBeGreaterThanOrEqual(1)
    expect(alt(fx.small)).toMatch(/^A red test square/)
    expect(alt(fx.decorative)).toBe('')
    expect(alt(fx.with_alt)).toBe('An existing description')
    const requests = await fakeRequests()
    expect(requests.every((r) => r.path === '/v1/alt-text/batch')).toBe(true)
    // One key per batch, each batch its own; none left on the attachments once it is done.
    const keys = requests.map((r) => r.idempotencyKey)
    expect(keys.every((k) => UUID.test(String(k)))).toBe(true)
    expect(new Set(keys).size).toBe(keys.length)
    expect(openKeys()).toBe(0)
    expect(
      requests
        .flatMap((r) => r.body.images)
        .filter((i: { image?: unknown }) => typeof i.image !== 'string')
        .map((i: { imageUrl?: string }) => i.imageUrl),
    ).toEqual([])
  })

  it('pauses on no credits and resumes where it stopped', async () => {
    await fakeError({ status: 402, code: 'insufficient_credits' })
    await editor.rest('/alttextapi/v1/bulk', { method: 'POST', body: { ids: [fx.small] } })
    const bulk = async () => (await editor.rest('/alttextapi/v1/bulk')).json
    let status = await cronUntil(bulk, (s) => s.state !== 'running')
    expect(status.state).toBe('paused')
    expect(status.message).toMatch(/no credits left/)
    expect(status.remaining).toBe(1)
    await fakeError(null)
    await editor.rest('/alttextapi/v1/bulk', { method: 'POST', body: { resume: true } })
    status = await cronUntil(bulk, (s) => s.state !== 'running')
    expect(status.state).toBe('done')
    expect(alt(fx.small)).toMatch(/^A red test square/)
  })
})

describe('bulk background job: Idempotency-Key', () => {
  const bulk = async () => (await editor.rest('/alttextapi/v1/bulk')).json

  it('retries a batch whose answer was lost with the same key, and is charged once', async () => {
    // The fake charges and completes the batch, then answers 500 (the answer lost on the way).
    await fakeFail({ afterCharge: true, status: 500 })
    await editor.rest('/alttextapi/v1/bulk', { method: 'POST', body: { ids: [fx.small] } })
    const failed = await cronUntil(job, (j) => j.retries >= 1 || j.state !== 'running')
    expect(failed.state).toBe('running')
    expect(failed.retries).toBe(1)
    const open = openRequest(fx.small)
    expect(open.ids).toEqual([fx.small])
    expect(open.key).toMatch(UUID)
    expect(alt(fx.small)).toBe('')
    runQueueNow() // instead of waiting out the 30 s backoff
    const status = await cronUntil(bulk, (s) => s.state !== 'running')
    expect(status.state).toBe('done')
    expect(status.done).toBe(1)
    const requests = await fakeRequests()
    expect(requests.map((r) => r.idempotencyKey)).toEqual([open.key, open.key])
    expect(await fakeCharges()).toBe(1)
    // The replay carries the first (lost) answer.
    expect(alt(fx.small)).toMatch(/^A red test square number \d+ \(en-US\)$/)
    expect(openKeys()).toBe(0)
  })

  it('treats a 429 for a key still in flight like any 429: retried after Retry-After, same key', async () => {
    // A first try fails before any charge: the batch's key is stored on the attachment.
    await fakeFail({ status: 500 })
    await editor.rest('/alttextapi/v1/bulk', { method: 'POST', body: { ids: [fx.small] } })
    await cronUntil(job, (j) => j.retries >= 1 || j.state !== 'running')
    const key = openRequest(fx.small).key
    expect(key).toMatch(UUID)
    await fakeHoldKeys([key])
    runQueueNow()
    const waiting = await cronUntil(job, (j) => j.retries >= 2 || j.state !== 'running')
    expect(waiting.state).toBe('running')
    expect(waiting.message).toMatch(/Try again in 1 second/)
    expect(openRequest(fx.small).key).toBe(key)
    await fakeHoldKeys([key], false)
    const status = await cronUntil(bulk, (s) => s.state !== 'running')
    expect(status.state).toBe('done')
    const requests = await fakeRequests()
    expect(requests.length).toBeGreaterThanOrEqual(2)
    expect(requests.every((r) => r.idempotencyKey === key)).toBe(true)
    expect(await fakeCharges()).toBe(1)
    expect(alt(fx.small)).toMatch(/^A red test square/)
  })

  it('takes a new key when the API refuses the stored one for another request, without looping', async () => {
    // A key already used for a single request: the batch with it is another request (400).
    const single = await editor.rest('/alttextapi/v1/generate', {
      method: 'POST',
      body: { attachmentId: fx.big, postId: fx.post },
    })
    expect(single.status).toBe(200)
    const used = (await fakeRequests())[0]?.idempotencyKey
    expect(used).toMatch(UUID)
    // A first batch try fails uncharged, so the attachment holds the batch's key; that key is then
    // swapped for the used one, as if the API had seen it with another request.
    await fakeFail({ status: 500 })
    await editor.rest('/alttextapi/v1/bulk', { method: 'POST', body: { ids: [fx.small] } })
    await cronUntil(job, (j) => j.retries >= 1 || j.state !== 'running')
    wpPhp(
      `$m = get_post_meta(${fx.small}, '_alttextapi_request', true); $m['key'] = '${used}'; update_post_meta(${fx.small}, '_alttextapi_request', $m);`,
    )
    runQueueNow()
    const status = await cronUntil(bulk, (s) => s.state !== 'running')
    expect(status.state).toBe('done')
    expect(status.done).toBe(1)
    const batches = (await fakeRequests()).filter((r) => r.path === '/v1/alt-text/batch')
    expect(batches).toHaveLength(3)
    expect(batches[1]?.idempotencyKey).toBe(used)
    expect(batches[2]?.idempotencyKey).toMatch(UUID)
    expect(batches[2]?.idempotencyKey).not.toBe(used)
    expect(await fakeCharges()).toBe(2)
    expect(alt(fx.small)).toMatch(/^A red test square/)
  })
})

describe('uninstall', () => {
  it('removes the options, transients, scheduled work and its post meta, and keeps alt text', async () => {
    wpPhp(`update_option('alttextapi_job', ['state' => 'paused', 'pending' => [${fx.small}]], false);
add_option('alttextapi_job_lock', time(), '', false);
set_transient('alttextapi_models', [['id' => 'm']], 3600);
set_transient('alttextapi_notice_1', ['success', 'x'], 60);
wp_schedule_single_event(time() + 3600, 'alttextapi_process_queue');
update_post_meta(${fx.with_alt}, '_alttextapi_provenance', ['text' => 'x']);
update_post_meta(${fx.small}, '_alttextapi_request', ['key' => 'k', 'hash' => 'h', 'ids' => [${fx.small}]]);`)
    wpPhp(`define('WP_UNINSTALL_PLUGIN', 'alttextapi/alttextapi.php');
include WP_PLUGIN_DIR . '/alttextapi/uninstall.php';`)
    const left = JSON.parse(
      wpPhp(`global $wpdb;
echo wp_json_encode([
  'options' => $wpdb->get_col("SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE '%alttextapi%'"),
  'cron' => wp_next_scheduled('alttextapi_process_queue'),
  'decorative' => get_post_meta(${fx.decorative}, '_alttextapi_decorative', true),
  'meta' => (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->postmeta} WHERE meta_key LIKE '\\_alttextapi\\_%'"),
  'alt' => get_post_meta(${fx.with_alt}, '_wp_attachment_image_alt', true),
]);`),
    )
    expect(left).toEqual({
      options: [],
      cron: false,
      decorative: '',
      meta: 0,
      alt: 'An existing description',
    })
  })
})
