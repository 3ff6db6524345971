/**
 * The BUILT example Studio (examples/sanity-studio/dist, made by `sanity build` — the root
 * `pnpm typecheck` builds it before the tests; this helper builds it when it is missing) opened in
 * Debian's Chromium. The Studio talks to Sanity's hosts as it would in production; the browser
 * routes those hosts (and the hosted AltText API) to local fakes — like a hosts-file entry, so
 * the bundle is the one users get, with no test-only configuration:
 * - `*.api.sanity.io` data routes (query, doc, mutate) → the fake content lake (testkit's fake-sanity);
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
import { type Env, startEnv } from './helpers.js'
import { startListenerProxy } from './studio-listener.js'

const STUDIO = join(import.meta.dirname, '..', '..', '..', 'examples', 'sanity-studio')
const DIST = join(STUDIO, 'dist')
/** The example's dummy project and dataset (sanity.config.ts). */
export const STUDIO_PROJECT = 'example0'
export const STUDIO_DATASET = 'production'
export const EDITOR = { id: 'pEditor', name: 'Eddie Editor', email: 'eddie@example.com' }
/** Where Sanity's token login keeps the token. */
export const TOKEN_KEY = `__studio_auth_token_${STUDIO_PROJECT}`

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

/** The opened Studio: the fakes, the page, and what the page threw. */
export interface OpenStudio {
  env: Env
  page: Page
  /** The Studio's own address (`http://127.0.0.1:PORT`). */
  origin: string
  pageErrors: string[]
  /** Signs the browser in with another token (the next `goto` uses it). */
  signIn(token: string): Promise<void>
  /** Opens a Studio path and waits for `ready`; a timeout says what the Studio shows instead. */
  open(path: string, ready: (page: Page) => Promise<unknown>): Promise<void>
  /** axe-core on the element matched by `selector` (our component): the violations, explained. */
  axe(selector: string): Promise<string[]>
  close(): Promise<void>
}

/** Builds the Studio when needed, starts the fakes and a signed-in Chromium. */
export async function openStudio(): Promise<OpenStudio> {
  if (!existsSync(join(DIST, 'index.html'))) await buildStudio()
  const env = await startEnv()
  const site = await serveDist()
  const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`
  const listener = await startListenerProxy(origin)
  const browser = await launchChromium({
    // Only Sanity's hosts go through the proxy (the Studio's own server is on loopback).
    proxy: { server: listener.url, bypass: '127.0.0.1,localhost' },
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 1000 },
  })
  const page = browser.page
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))

  /** Answers the Studio's calls to Sanity's hosts: data from the fake lake, the rest here. */
  const sanityRoute = async (route: Route) => {
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
    // Image previews: the fake lake's CDN (a pixel for every image).
    if (url.hostname === 'cdn.sanity.io') {
      const response = await route.fetch({ url: `${env.sanity.url}${url.pathname}` })
      return route.fulfill({ response, headers: { ...response.headers(), ...cors } })
    }
    const path = url.pathname.replace(/^\/v[^/]+/, '')
    if (/^\/data\/(query|doc|mutate|actions)\//.test(path)) {
      const response = await route.fetch({ url: `${env.sanity.url}${url.pathname}${url.search}` })
      return route.fulfill({ response, headers: { ...response.headers(), ...cors } })
    }
    // The listener must stay open: the local proxy serves it (test/studio-listener.ts).
    if (path.startsWith('/data/listen/')) return route.continue()
    // An editor of the project: the Studio shows "Not authorized" to a user without a role.
    if (path === '/users/me')
      return json({ ...EDITOR, role: 'editor', roles: [{ name: 'editor', title: 'Editor' }] })
    if (path === '/auth/id') return json({ id: EDITOR.id })
    if (path === '/ping') return json({ ok: true })
    if (path.endsWith('/acl'))
      return json([
        { filter: '_id in path("**")', permissions: ['read', 'create', 'update', 'history'] },
      ])
    if (path === `/projects/${STUDIO_PROJECT}`)
      return json({
        id: STUDIO_PROJECT,
        displayName: 'Example',
        organizationId: null,
        metadata: {},
        members: [{ id: EDITOR.id, role: 'editor', isCurrentUser: true, isRobot: false }],
        features: [],
      })
    if (path === '/features' || path.startsWith(`/projects/${STUDIO_PROJECT}/`)) return json([])
    // Per-user settings (the structure tool's layout…): none stored, as a list of key-values.
    if (path.startsWith('/users/me/keyvalue/')) return json([])
    // The document pane's history: no transactions (NDJSON), no events for the documents asked.
    if (path.startsWith('/data/history/') && path.includes('/transactions/'))
      return route.fulfill({
        status: 200,
        headers: { ...cors, 'content-type': 'application/x-ndjson' },
        body: '',
      })
    // (events: for the documents asked.
    const history = /^\/data\/history\/[^/]+\/events\/documents\/(.+)$/.exec(path)
    if (history?.[1])
      return json({
        events: Object.fromEntries(
          decodeURIComponent(history[1])
            .split(',')
            .map((id) => [id, []]),
        ),
        nextCursor: '',
      })
    // Upsell journeys, announcements, key-value settings, version checks, telemetry: nothing.
    return json({})
  }

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
  // (Only when none is set: signIn replaces it.)
  await page.addInitScript(
    ([key, token]) => {
      if (!localStorage.getItem(key as string))
        localStorage.setItem(key as string, JSON.stringify({ token }))
    },
    [TOKEN_KEY, env.sanity.token],
  )
  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8')

  return {
    env,
    page,
    origin,
    pageErrors,
    async signIn(token) {
      await page.evaluate(
        ([key, value]) => localStorage.setItem(key as string, JSON.stringify({ token: value })),
        [TOKEN_KEY, token],
      )
    },
    async open(path, ready) {
      await page.goto(`${origin}${path}`)
      await Promise.resolve(ready(page)).catch(async (error: Error) => {
        // Say exactly what the Studio shows instead (an error screen, a login page…).
        const shown = ((await page.textContent('body').catch(() => '')) ?? '').slice(0, 1500)
        throw new Error(
          `${error.message}\nThe Studio shows:\n${shown}\nPage errors: ${pageErrors.join(' | ')}`,
        )
      })
    },
    async axe(selector) {
      if (!(await page.evaluate(() => 'axe' in window)))
        await page.addScriptTag({ content: axeSource })
      return page.evaluate(async (rootSelector) => {
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
        const root = document.querySelector(rootSelector)
        if (!root) return [`no element matches ${rootSelector}`]
        // Each violation with its elements and axe's reason, so a failure says what to fix.
        return (await axe.run(root)).violations.map(
          (v) => `${v.id}: ${v.nodes.map((n) => `${n.html} ${n.failureSummary}`).join(' / ')}`,
        )
      }, selector)
    },
    async close() {
      // A handler can still be fetching from the fake lake as the test ends; closing the
      // context disposes its response, and its fulfil would reject with nobody to catch it.
      await browser.context.unrouteAll({ behavior: 'ignoreErrors' })
      await browser.close()
      await new Promise((resolve) => site.close(resolve))
      await listener.close()
      await env.close()
    },
  }
}
