/**
 * Test helpers: a logged-in WordPress session (cookies + REST nonce, as the block editor has),
 * testkit's fake AltText API programmed over its HTTP control plane (`/__fake/*`: it runs in the
 * global setup's process), and PHP run against the test site.
 */

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FAKE_API_KEY, type FailureSpec } from '@alttextapi/testkit'
import { inject } from 'vitest'
import { logTail, PLUGIN_DIR, phpRunner, phpString } from './wordpress.mjs'

/** Runs PHP with the test site loaded. */
export function wpPhp(code: string): string {
  const url = new URL(inject('wpUrl'))
  return phpRunner(inject('wpRoot'), join(inject('wpRoot'), 'wordpress'), url.host)(code)
}

/** A logged-in user. */
export interface Session {
  cookie: string
  nonce: string
  rest: (
    route: string,
    init?: { method?: string; body?: unknown; nonce?: string | null },
    // biome-ignore lint/suspicious/noExplicitAny: REST answers of many shapes; each test asserts the fields it reads
  ) => Promise<{ status: number; json: any }>
}

/** Logs in through wp-login.php and fetches a REST nonce like the editor does. */
export async function login(user: string, password: string): Promise<Session> {
  const base = inject('wpUrl')
  const res = await fetch(`${base}/wp-login.php`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: 'wordpress_test_cookie=WP%20Cookie%20check',
    },
    body: new URLSearchParams({ log: user, pwd: password, testcookie: '1', 'wp-submit': 'Log In' }),
  })
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .filter((c) => c?.includes('wordpress_logged_in') || c?.includes('wordpress_'))
    .join('; ')
  if (!cookie.includes('wordpress_logged_in'))
    throw new Error(`login failed for ${user}: ${res.status}`)
  const nonce = await (
    await fetch(`${base}/wp-admin/admin-ajax.php?action=rest-nonce`, { headers: { cookie } })
  ).text()
  const rest: Session['rest'] = async (route, init = {}) => {
    const headers: Record<string, string> = { cookie }
    const useNonce = init.nonce === undefined ? nonce : init.nonce
    if (useNonce) headers['x-wp-nonce'] = useNonce
    if (init.body !== undefined) headers['content-type'] = 'application/json'
    const r = await fetch(`${base}/?rest_route=${encodeURIComponent(route)}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    const text = await r.text()
    // biome-ignore lint/suspicious/noExplicitAny: as above, the REST answer as parsed
    let json: any = null
    try {
      json = JSON.parse(text)
    } catch {
      json = text
    }
    return { status: r.status, json }
  }
  return { cookie, nonce, rest }
}

/** The API key the fake accepts; resetState() stores it in the plugin's settings. */
export const FAKE_KEY = FAKE_API_KEY

/** The account's balance after every reset: far more than any test spends. */
const BALANCE = 1000

/** A request the fake API received (its record, as the control plane sends it). */
export interface FakeRequest {
  method: string
  path: string
  authorization?: string
  idempotencyKey?: string
  // biome-ignore lint/suspicious/noExplicitAny: request bodies of every endpoint; tests assert the fields they read
  body: any
  status?: number
}

/** Calls the fake API's control plane; fails the test when the fake refuses. */
async function control(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown) {
  const res = await fetch(`${inject('fakeUrl')}/__fake/${route}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`fake API ${method} /__fake/${route}: ${JSON.stringify(json)}`)
  return json
}

/**
 * Makes the fake API answer every call with an error until the next call of this (or a reset);
 * null stops it. Every authenticated route fails, the account reads included.
 */
export async function fakeError(
  error: { status: number; code: string; retryAfter?: number } | null,
) {
  await control('DELETE', 'fail')
  if (error) await control('POST', 'fail', { ...error, times: null, scope: 'all' })
}

/** Programs one failure (testkit's FailureSpec; `image` as JSON: `{}` matches every image). */
export async function fakeFail(
  spec: Omit<FailureSpec, 'image'> & {
    image?: { imageUrlIncludes?: string; sha256?: string; seed?: string }
  },
) {
  await control('POST', 'fail', spec)
}

/** Marks Idempotency-Keys as still running (429, `Retry-After: 1`), or frees them again. */
export async function fakeHoldKeys(keys: string[], hold = true) {
  await control('POST', hold ? 'hold' : 'release', { keys })
}

/** Requests the fake API received since the last reset. */
export async function fakeRequests(): Promise<FakeRequest[]> {
  return (await control('GET', 'state')).requests
}

/** Sets the fake API's balance or the time one image takes to describe. */
export async function fakeProgram(program: { balance?: number; latencyMs?: number }) {
  await control('POST', 'program', program)
}

/** Images the fake API charged since the last reset (replays are not charged). */
export async function fakeCharges(): Promise<number> {
  return (await control('GET', 'state')).stats.charged
}

/** A new run of the fake: no requests, failures or Idempotency-Keys; the balance refilled. */
export async function resetFake() {
  await control('POST', 'reset')
  await control('POST', 'program', { balance: BALANCE, latencyMs: 0 })
}

/**
 * Puts the site back into its fixture state (see reset-state.php) and clears the fake API's
 * recorded requests and forced error. Every test starts with this, so no test depends on what
 * another test, or another test file, did before it.
 */
export async function resetState() {
  const out = wpPhp(
    `$fx = json_decode(${phpString(JSON.stringify(inject('fixtures')))}, true);\n$key = ${phpString(FAKE_KEY)};\n${readFileSync(join(PLUGIN_DIR, 'test/reset-state.php'), 'utf8')}`,
  )
  if (out.trim() !== 'ok') throw new Error(`reset-state.php printed: ${out}`)
  await resetFake()
}

/**
 * Runs WP-Cron the way a system cron does (a GET of wp-cron.php, which returns once the due events
 * have run) until `read()` gives a value `until` accepts, or `ms` have passed; returns the last
 * value so the caller's assertion shows what the state was.
 */
export async function cronUntil<T>(
  read: () => T | Promise<T>,
  until: (value: T) => boolean,
  ms = 90_000,
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const res = await fetch(`${inject('wpUrl')}/wp-cron.php`)
    if (!res.ok) throw new Error(`wp-cron.php answered ${res.status}: ${await res.text()}`)
    const value = await read()
    if (until(value) || Date.now() > end) return value
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Adds `count` distinct images without alt text to the media library; returns their ids. */
export function addImages(count: number): number[] {
  return JSON.parse(
    wpPhp(`require_once ABSPATH . 'wp-admin/includes/image.php';
$ids = [];
for ($n = 0; $n < ${count}; $n++) {
  $path = wp_upload_dir()['path'] . '/extra-' . $n . '-' . wp_rand() . '.png';
  $img = imagecreatetruecolor(320, 240);
  imagefill($img, 0, 0, imagecolorallocate($img, 40 + $n * 20, 90, 160));
  imagepng($img, $path);
  $id = wp_insert_attachment(['post_mime_type' => 'image/png', 'post_title' => basename($path), 'post_status' => 'inherit'], $path);
  wp_update_attachment_metadata($id, wp_generate_attachment_metadata($id, $path));
  $ids[] = $id;
}
echo wp_json_encode($ids);`),
  )
}

/** The ends of the PHP server log (minus connection noise) and of WordPress's debug.log. */
export function serverLogs(): string {
  const server = logTail(inject('wpServerLog'), 400)
    .split('\n')
    .filter((line) => !/ (Accepted|Closing)$/.test(line))
    .slice(-60)
    .join('\n')
  const debug = logTail(inject('wpDebugLog'), 60)
  return `--- php -S log (last lines) ---\n${server || '(empty)'}\n--- WordPress debug.log (last lines) ---\n${debug || '(empty)'}`
}
