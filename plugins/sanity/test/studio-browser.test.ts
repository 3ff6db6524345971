/**
 * The BUILT example Studio (examples/sanity-studio/dist, made by `sanity build` — the root
 * `pnpm typecheck` builds it before the tests; this test builds it when it is missing) opened in
 * Debian's Chromium. The Studio talks to Sanity's hosts as it would in production; the browser
 * routes those hosts (and the hosted AltText API) to local fakes — like a hosts-file entry, so
 * the bundle is the one users get, with no test-only configuration:
 * - `*.api.sanity.io` data routes (query, doc, mutate) → the fake content lake (test/fake-sanity.ts);
 *   the few project routes the Studio asks at start (current user, ACL, project, features) are
 *   answered here; the listener gets a welcome and nothing more (no live updates needed);
 * - `api.alttextapi.com` → testkit's fake AltText API.
 * The editor is signed in with a token in localStorage, as Sanity's token login leaves it.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { launchChromium } from '@alttextapi/testkit'
import type { Page, Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Env, startEnv } from './helpers.js'

const STUDIO = join(import.meta.dirname, '..', '..', '..', 'examples', 'sanity-studio')
const DIST = join(STUDIO, 'dist')
/** The example's dummy project and dataset (sanity.config.ts). */
const PROJECT = 'example0'
const DATASET = 'production'
const EDITOR = { id: 'pEditor', name: 'Eddie Editor', email: 'eddie@example.com' }
/** Where Sanity's token login keeps the token. */
const TOKEN_KEY = `__studio_auth_token_${PROJECT}`

let env: Env
let site: Server
let origin: string
let page: Page
let closeBrowser: () => Promise<void>
const pageErrors: string[] = []

/** `sanity build` of the example when its dist is missing (async: the fakes keep answering). */
function buildStudio(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['run', 'build'], { cwd: STUDIO, stdio: 'inherit' })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`sanity build exited ${code}`)),
    )
  })
}

/** A tiny static server for the build: files, else index.html (the Studio routes on the client). */
async function serveDist(): Promise<Server> {
  const types: Record<string, string> = {
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.html': 'text/html',
    '.ico': 'image/x-icon',
    '.json': 'application/json',
  }
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
    const file = join(DIST, path)
    try {
      if (!file.startsWith(DIST) || path === '/') throw new Error('index')
      const body = await readFile(file)
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
      res.end(body)
    } catch {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end(await readFile(join(DIST, 'index.html')))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

/** Answers the Studio's calls to Sanity's hosts: data from the fake lake, the rest here. */
async function sanityRoute(route: Route) {
  const request = route.request()
  const url = new URL(request.url())
  const cors = {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-headers': '*',
    'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
  }
  const json = (body: unknown, status = 200) =>
    route.fulfill({
      status,
      headers: { ...cors, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors })
  if (url.hostname === 'studio-static.sanity.io') return route.fulfill({ status: 404, body: '' })
  const path = url.pathname.replace(/^\/v[^/]+/, '')
  if (/^\/data\/(query|doc|mutate)\//.test(path)) {
    const response = await route.fetch({ url: `${env.sanity.url}${url.pathname}${url.search}` })
    return route.fulfill({ response, headers: { ...response.headers(), ...cors } })
  }
  if (path.startsWith('/data/listen/'))
    return route.fulfill({
      status: 200,
      headers: { ...cors, 'content-type': 'text/event-stream' },
      body: 'event: welcome\ndata: {"listenerName":"fake"}\n\n',
    })
  // An editor of the project: the Studio shows "Not authorized" to a user without a role.
  if (path === '/users/me')
    return json({ ...EDITOR, role: 'editor', roles: [{ name: 'editor', title: 'Editor' }] })
  if (path === '/auth/id') return json({ id: EDITOR.id })
  if (path === '/ping') return json({ ok: true })
  if (path.endsWith('/acl'))
    return json([
      { filter: '_id in path("**")', permissions: ['read', 'create', 'update', 'history'] },
    ])
  if (path === `/projects/${PROJECT}`)
    return json({
      id: PROJECT,
      displayName: 'Example',
      organizationId: null,
      metadata: {},
      members: [{ id: EDITOR.id, role: 'editor', isCurrentUser: true, isRobot: false }],
      features: [],
    })
  if (path === '/features' || path.startsWith(`/projects/${PROJECT}/`)) return json([])
  // Upsell journeys, announcements, key-value settings, version checks, telemetry: nothing.
  return json({})
}

beforeAll(async () => {
  if (!existsSync(join(DIST, 'index.html'))) await buildStudio()
  env = await startEnv()
  site = await serveDist()
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`
  const browser = await launchChromium()
  page = browser.page
  closeBrowser = browser.close
  page.on('pageerror', (error) => pageErrors.push(error.message))
  await browser.context.route((url) => url.hostname.endsWith('sanity.io'), sanityRoute)
  await browser.context.route(
    (url) => url.hostname === 'api.alttextapi.com',
    async (route) => {
      const url = new URL(route.request().url())
      const response = await route.fetch({ url: `${env.alt.url}${url.pathname}${url.search}` })
      await route.fulfill({
        response,
        headers: { ...response.headers(), 'access-control-allow-origin': origin },
      })
    },
  )
  // Sanity's token login stores the token here; the fake lake accepts it for reads and writes.
  // (Only when none is set: a test signs in as someone else by replacing it and reloading.)
  await page.addInitScript(
    ([key, token]) => {
      if (!localStorage.getItem(key as string))
        localStorage.setItem(key as string, JSON.stringify({ token }))
    },
    [TOKEN_KEY, env.sanity.token],
  )
}, 400_000)

afterAll(async () => {
  await closeBrowser?.()
  await new Promise((resolve) => site?.close(resolve))
  await env?.close()
})

const assetId = (n: string) => `image-${n}-640x480-jpg`
const machineAsset = (n: string, text: string) => ({
  _id: assetId(n),
  _type: 'sanity.imageAsset',
  originalFilename: `${n}.jpg`,
  url: `${env.sanity.url}/images/${PROJECT}/${DATASET}/${n}-640x480.jpg`,
  altText: text,
  altTextProvenance: {
    _type: 'alttextapi.provenance',
    origin: 'machine',
    machineText: text,
    model: 'cheap',
    language: 'en',
    generatedAt: '2026-12-01T10:00:00.000Z',
  },
})

describe('the built Studio in Chromium', () => {
  it('renders the review tool; an editor approves one asset and regenerates another; axe finds no violations in it', async () => {
    env.sanity.put(
      machineAsset('kite', 'A red kite above dunes'),
      machineAsset('heron', 'A bird'),
      { _id: 'secrets.alttextapi', _type: 'alttextapi.secret', apiKey: env.alt.key },
    )
    env.altTextFor.set('/heron-', 'A grey heron standing on one leg in shallow water')

    await page.goto(`${origin}/alt-text-review`)
    // The tool's root: @sanity/ui marks its Container (our component's outermost element).
    const tool = page.locator('[data-ui="Container"]', {
      has: page.getByRole('heading', { name: 'Alt text review' }),
    })
    await tool
      .getByRole('heading', { name: 'Alt text review' })
      .waitFor({ timeout: 60_000 })
      .catch(async (error: Error) => {
        // Say exactly what the Studio shows instead (an error screen, a login page…).
        const shown = ((await page.textContent('body').catch(() => '')) ?? '').slice(0, 1500)
        throw new Error(
          `${error.message}\nThe Studio shows:\n${shown}\nPage errors: ${pageErrors.join(' | ')}`,
        )
      })
    const kite = tool.getByTestId('alt-review-row').filter({ hasText: 'kite.jpg' })
    const heron = tool.getByTestId('alt-review-row').filter({ hasText: 'heron.jpg' })
    await kite.getByText('A red kite above dunes').waitFor()
    await expect(
      kite.getByText('Written by the machine (cheap, en, 2026-12-01), not reviewed.').count(),
    ).resolves.toBe(1)

    // axe on our component only (the Studio around it is Sanity's).
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8')
    await page.addScriptTag({ content: axeSource })
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run: (c: Element) => Promise<{
              violations: Array<{
                id: string
                nodes: Array<{ html: string; failureSummary?: string }>
              }>
            }>
          }
        }
      ).axe
      const heading = [...document.querySelectorAll('h1')].find(
        (h) => h.textContent === 'Alt text review',
      )
      const root = heading?.closest('[data-ui="Container"]') as Element
      // Each violation with its elements and axe's reason, so a failure says what to fix.
      return (await axe.run(root)).violations.map(
        (v) => `${v.id}: ${v.nodes.map((n) => `${n.html} ${n.failureSummary}`).join(' / ')}`,
      )
    })
    expect(violations).toEqual([])

    await kite.getByRole('button', { name: 'Approve' }).click()
    await kite.waitFor({ state: 'detached' })
    expect(env.sanity.docs.get(assetId('kite'))?.altTextProvenance).toMatchObject({
      machineText: 'A red kite above dunes',
      reviewedBy: EDITOR.id,
    })

    await heron.getByRole('button', { name: 'Regenerate' }).click()
    await heron.getByText('A grey heron standing on one leg in shallow water').waitFor()
    await heron.getByText(/New text written \(1 credit\)/).waitFor()
    expect(env.sanity.docs.get(assetId('heron'))).toMatchObject({
      altText: 'A grey heron standing on one leg in shallow water',
      altTextProvenance: { machineText: 'A grey heron standing on one leg in shallow water' },
    })
    expect(env.alt.requests.find((r) => r.path === '/v1/alt-text')?.body).toMatchObject({
      fresh: true,
    })
    expect(pageErrors).toEqual([])
  }, 120_000)

  it('a member who may not edit gets a clear error on Approve, and nothing changes', async () => {
    env.sanity.docs.clear()
    env.sanity.put(machineAsset('gull', 'A gull on a post'))
    const before = structuredClone(env.sanity.docs.get(assetId('gull')))
    // Signed in with a token that may read but not write (the fake lake answers its mutations 403).
    await page.evaluate(
      ([key, token]) => localStorage.setItem(key as string, JSON.stringify({ token })),
      [TOKEN_KEY, env.sanity.readToken],
    )
    await page.goto(`${origin}/alt-text-review`)
    const gull = page.getByTestId('alt-review-row').filter({ hasText: 'gull.jpg' })
    await gull.getByText('A gull on a post').waitFor({ timeout: 60_000 })
    await gull.getByRole('button', { name: 'Approve' }).click()
    await gull
      .getByRole('status')
      .getByText(/You may not edit gull\.jpg .*403.*nothing was changed/)
      .waitFor()
    expect(env.sanity.docs.get(assetId('gull'))).toEqual(before)
  }, 120_000)
})
