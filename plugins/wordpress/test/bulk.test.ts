/**
 * The background job against a real WordPress and the fake API, where things go wrong: the PHP
 * process running a slice is killed mid-batch, the owner stops and restarts the job meanwhile,
 * the balance runs out inside a batch. Also the estimate shown before a job starts, and the exit
 * status of `wp alttextapi generate` (WP-CLI is not installable here: the command class runs
 * through PHP with a stand-in for the WP_CLI class).
 */
import { spawn } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import {
  addImages,
  cronUntil,
  fakeCharges,
  fakeFail,
  fakeProgram,
  fakeRequests,
  login,
  resetState,
  type Session,
  wpPhp,
} from './session'
import { phpString } from './wordpress.mjs'

const fx = inject('fixtures')
const docroot = join(inject('wpRoot'), 'wordpress')
const alt = (id: number) => wpPhp(`echo get_post_meta(${id}, '_wp_attachment_image_alt', true);`)
/** Images of the fixtures that lack alt text (and are not decorative). */
const MISSING = [fx.big, fx.small, fx.media_text, fx.private_image]
let editor: Session
let author: Session

beforeAll(async () => {
  editor = await login('editor', 'editor-password-123')
  author = await login('author', 'author-password-123')
})
beforeEach(resetState)

const bulk = async () => (await editor.rest('/alttextapi/v1/bulk')).json

/**
 * Runs wp-cron.php in a PHP process of its own, as a system cron does (`php wp-cron.php`), so
 * the test can kill it.
 */
function cronProcess() {
  const file = join(inject('wpRoot'), `cron-${process.pid}-${Date.now()}.php`)
  writeFileSync(
    file,
    `<?php\n$_SERVER['HTTP_HOST'] = ${phpString(new URL(inject('wpUrl')).host)};\n$_SERVER['REQUEST_URI'] = '/wp-cron.php';\nchdir(${phpString(docroot)});\nrequire ${phpString(`${docroot}/wp-cron.php`)};\n`,
  )
  const child = spawn('php', [file], { stdio: 'ignore' })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  return {
    kill: async () => {
      child.kill('SIGKILL')
      await exited
      rmSync(file, { force: true })
    },
  }
}

/** Waits (bounded) until the fake API has received `n` batch requests. */
async function batchesReceived(n: number) {
  const end = Date.now() + 60_000
  for (;;) {
    const batches = (await fakeRequests()).filter((r) => r.path === '/v1/alt-text/batch')
    if (batches.length >= n || Date.now() > end) return batches
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('a slice whose PHP process dies', () => {
  it('goes on after a kill mid-batch and a Stop + restart, charging each image once', async () => {
    const extra = addImages(4)
    const images = [...MISSING, ...extra]
    // A stale lock is recognised after 15 s instead of 5 minutes (the documented filter): long
    // enough that the restart below comes while the dead slice's lock still holds.
    const ttl = join(docroot, 'wp-content/mu-plugins/alttextapi-test-ttl.php')
    writeFileSync(ttl, "<?php add_filter('alttextapi_lock_ttl', static fn() => 15);\n")
    try {
      await fakeProgram({ latencyMs: 1500 })
      const start = await editor.rest('/alttextapi/v1/bulk', {
        method: 'POST',
        body: { missing: true },
      })
      expect(start.json).toMatchObject({ state: 'running', total: images.length })
      const cron = cronProcess()
      const [first] = await batchesReceived(1)
      expect(first?.body.images).toHaveLength(5)
      // Killed while the API works on the batch: the API charges it, the answer is lost.
      await cron.kill()
      await fakeProgram({ latencyMs: 0 })
      expect((await bulk()).state).toBe('running')
      // WP-Cron removed the event before running it; the watchdog the slice scheduled first is
      // due when the dead slice's lock goes stale.
      const [lock, watchdog] = JSON.parse(
        wpPhp(
          `echo wp_json_encode([(int) get_option('alttextapi_job_lock'), wp_next_scheduled('alttextapi_process_queue')]);`,
        ),
      )
      expect(lock).toBeGreaterThan(0)
      expect(watchdog).toBe(lock + 16)
      // WordPress's own cron lock of the killed run would hold every cron run off for 60 s.
      wpPhp(`delete_transient('doing_cron');`)

      // The owner stops and starts again while the dead slice still holds the job lock.
      expect((await editor.rest('/alttextapi/v1/bulk', { method: 'DELETE' })).json.state).toBe(
        'cancelled',
      )
      const again = await editor.rest('/alttextapi/v1/bulk', {
        method: 'POST',
        body: { missing: true },
      })
      expect(again.json).toMatchObject({ state: 'running', done: 0, total: images.length })
      // The restart's event finds the dead slice's lock: it is not swallowed but rescheduled.
      await fetch(`${inject('wpUrl')}/wp-cron.php`)
      const next = Number(wpPhp(`echo (int) wp_next_scheduled('alttextapi_process_queue');`))
      if (Date.now() / 1000 < lock + 15) expect(next).toBe(lock + 16)

      const status = await cronUntil(bulk, (s) => s.state !== 'running')
      expect(status).toMatchObject({ state: 'done', done: images.length, failed: 0 })
      for (const id of images) expect(alt(id)).toMatch(/^A red test square number \d+/)
      // The batch in flight was sent again with its key and replayed: one charge per image.
      const batches = (await fakeRequests()).filter((r) => r.path === '/v1/alt-text/batch')
      const resent = batches.filter((r) => r.idempotencyKey === first?.idempotencyKey)
      expect(resent.length).toBeGreaterThanOrEqual(2)
      expect(resent.at(-1)?.status).toBe(200)
      expect(await fakeCharges()).toBe(images.length)
    } finally {
      rmSync(ttl, { force: true })
    }
  })
})

describe('running out of credits inside a batch', () => {
  it('keeps the unpaid images queued with the job paused, and Resume describes them', async () => {
    await fakeProgram({ balance: 2 })
    await editor.rest('/alttextapi/v1/bulk', { method: 'POST', body: { missing: true } })
    const paused = await cronUntil(bulk, (s) => s.state !== 'running')
    expect(paused).toMatchObject({ state: 'paused', done: 2, failed: 0, remaining: 2 })
    expect(paused.message).toMatch(/no credits left/)
    expect(MISSING.filter((id) => alt(id) === '')).toHaveLength(2)
    await fakeProgram({ balance: 1000 })
    await editor.rest('/alttextapi/v1/bulk', { method: 'POST', body: { resume: true } })
    const status = await cronUntil(bulk, (s) => s.state !== 'running')
    expect(status).toMatchObject({ state: 'done', done: 4, failed: 0, remaining: 0 })
    for (const id of MISSING) expect(alt(id)).toMatch(/^A red test square/)
    expect(await fakeCharges()).toBe(MISSING.length)
  })
})

describe('the estimate before a job', () => {
  it('gives the images to describe, the credits they need at most and the balance', async () => {
    const r = await editor.rest('/alttextapi/v1/bulk/estimate')
    expect(r.status).toBe(200)
    expect(r.json).toEqual({
      images: MISSING.length,
      creditsPerImage: 1,
      credits: MISSING.length,
      balance: 1000,
      enough: true,
    })
    await fakeProgram({ balance: 3 })
    expect((await editor.rest('/alttextapi/v1/bulk/estimate')).json).toMatchObject({
      balance: 3,
      enough: false,
    })
    expect((await author.rest('/alttextapi/v1/bulk/estimate')).status).toBe(403)
    // Reading the estimate describes nothing.
    expect((await fakeRequests()).every((q) => q.method === 'GET')).toBe(true)
  })
})

describe('wp alttextapi generate (the command class, run through PHP)', () => {
  /** Runs Cli::generate with a stand-in WP_CLI whose error() ends the run like exit(1). */
  const runCli = (assoc: Record<string, string | boolean> = {}) =>
    JSON.parse(
      wpPhp(`final class WP_CLI {
  public static $out = [];
  public static function log($m) { self::$out[] = ['log', $m]; }
  public static function warning($m) { self::$out[] = ['warning', $m]; }
  public static function success($m) { self::$out[] = ['success', $m]; }
  public static function error($m) { self::$out[] = ['error', $m]; throw new RuntimeException('exit 1'); }
}
require_once WP_PLUGIN_DIR . '/alttextapi/includes/class-cli.php';
$code = 0;
try { (new AltTextAPI\\Cli())->generate([], json_decode(${phpString(JSON.stringify(assoc))}, true)); } catch (RuntimeException $e) { $code = 1; }
echo wp_json_encode(['code' => $code, 'out' => WP_CLI::$out]);`),
    ) as { code: number; out: [string, string][] }

  it('exits 0 when every image was described', async () => {
    const run = runCli({ missing: true })
    expect(run.code).toBe(0)
    expect(run.out.at(-1)).toEqual(['success', `Described ${MISSING.length} image(s).`])
  })

  it('exits 1 when an image failed, naming it', async () => {
    await fakeFail({ image: {}, code: 'image_fetch_failed', times: 1 })
    const run = runCli({ missing: true })
    expect(run.code).toBe(1)
    expect(run.out.filter(([kind]) => kind === 'warning')).toHaveLength(1)
    expect(run.out.at(-1)?.[0]).toBe('error')
    expect(run.out.at(-1)?.[1]).toMatch(/1 failed/)
  })

  it('refuses a --limit that is not a whole number from 1, before anything is described', async () => {
    for (const limit of ['abc', '-5', '0', '2.5']) {
      const run = runCli({ missing: true, limit })
      expect(run.code, limit).toBe(1)
      expect(run.out, limit).toEqual([
        ['error', `--limit must be a whole number from 1 (got "${limit}").`],
      ])
    }
    expect((await fakeRequests()).filter((q) => q.method === 'POST')).toEqual([])
    expect(MISSING.filter((id) => alt(id) === '')).toHaveLength(MISSING.length)
  })

  it('exits 1 when the credits run out, and the images stay without alt text', async () => {
    await fakeProgram({ balance: 1 })
    const run = runCli({ missing: true })
    expect(run.code).toBe(1)
    expect(run.out.at(-1)?.[1]).toMatch(/no credits left/)
    expect(MISSING.filter((id) => alt(id) === '')).toHaveLength(MISSING.length - 1)
  })
})
