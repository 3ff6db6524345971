/**
 * History-API routing for the single page. Real paths (`/app/keys`, `/billing/success`…) work on
 * reload because the Worker's assets binding answers unknown paths with index.html
 * (`not_found_handling: single-page-application`). After each navigation the page title changes and
 * focus moves to the new page's heading, so screen readers and keyboards start at the top.
 */
import { byId, type Child, h, replace } from './dom.js'
import { store } from './store.js'
import { messageBox } from './ui/status.js'

/** What a view gets. */
export interface RouteContext {
  path: string
  query: URLSearchParams
}

/** One page of the dashboard. */
export interface Route {
  title: string
  /** `user`: needs a session; `guest`: only without one (sign up, log in); `any`: both. */
  access: 'user' | 'guest' | 'any'
  render(ctx: RouteContext): Child | Promise<Child>
}

let routes: Record<string, Route> = {}
let notFound: Route
let afterRender: (path: string) => void = () => {}
let pendingFlash: { message: string; kind: 'info' | 'success' | 'error' } | null = null
let renderCount = 0

/** Where a logged-in user lands, and a guest. */
export const HOME = { user: '/app/try', guest: '/' }

/**
 * `next` as a path of this site (path, query and fragment), or null when it names another site.
 * Read by the URL parser, as the browser would: `/\evil.example` and `//evil.example` are other
 * hosts, so a prefix check on the text is not enough.
 */
export function sameSitePath(next: string | null): string | null {
  if (!next) return null
  try {
    const url = new URL(next, location.origin)
    return url.origin === location.origin ? url.pathname + url.search + url.hash : null
  } catch {
    return null
  }
}

/** Goes to `path` (same origin), optionally showing a one-time message on the next page. */
export function navigate(
  path: string,
  options: { flash?: string; flashKind?: 'info' | 'success' | 'error'; replace?: boolean } = {},
): void {
  if (options.flash) pendingFlash = { message: options.flash, kind: options.flashKind ?? 'info' }
  if (options.replace) history.replaceState(null, '', path)
  else history.pushState(null, '', path)
  void render()
}

async function render(): Promise<void> {
  const current = ++renderCount
  const main = byId('main')
  const url = new URL(location.href)
  const path = url.pathname.replace(/\/+$/, '') || '/'
  const route = routes[path] ?? notFound
  const loggedIn = Boolean(store.session)
  if (route.access === 'user' && !loggedIn) {
    const next = encodeURIComponent(path + url.search)
    pendingFlash ??= { message: 'Log in to see that page.', kind: 'info' }
    history.replaceState(null, '', `/login?next=${next}`)
    return render()
  }
  if (route.access === 'guest' && loggedIn) {
    history.replaceState(null, '', HOME.user)
    return render()
  }
  const flash = pendingFlash
  pendingFlash = null
  document.title = `${route.title} · AltText API`
  main.setAttribute('aria-busy', 'true')
  afterRender(path)
  let content: Child
  try {
    content = await route.render({ path, query: url.searchParams })
  } catch (error) {
    content = h(
      'div',
      null,
      h('h1', { tabindex: -1 }, route.title),
      h(
        'p',
        { class: 'message message-error', role: 'alert' },
        `This page could not be shown: ${String((error as Error)?.message ?? error)}. Reload the page to try again.`,
      ),
    )
  }
  if (current !== renderCount) return // a newer navigation won
  const box = flash ? messageBox() : null
  replace(main, box?.el ?? null, content)
  main.removeAttribute('aria-busy')
  if (box && flash) box[flash.kind](flash.message)
  // The first render keeps the browser's own starting point; later ones move focus to the heading.
  if (current > 1 || flash) {
    const heading = main.querySelector<HTMLElement>('h1')
    if (heading) {
      heading.tabIndex = -1
      heading.focus()
    } else main.focus()
  }
  window.scrollTo(0, 0)
}

/** Starts routing: renders the current URL and takes over same-origin `data-link` clicks. */
export function startRouter(
  table: Record<string, Route>,
  fallback: Route,
  onRender: (path: string) => void,
): void {
  routes = table
  notFound = fallback
  afterRender = onRender
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    const link = (event.target as Element | null)?.closest?.('a[data-link]')
    if (!(link instanceof HTMLAnchorElement) || link.origin !== location.origin) return
    event.preventDefault()
    navigate(link.pathname + link.search)
  })
  window.addEventListener('popstate', () => void render())
  void render()
}

/** A same-origin link handled by the router. */
export function link(
  href: string,
  text: Child,
  attrs: Record<string, string> = {},
): HTMLAnchorElement {
  return h('a', { href, 'data-link': true, ...attrs }, text)
}
