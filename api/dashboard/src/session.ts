/** The logged-in user as the dashboard knows it, and the header that shows it. */
import type { User } from '@alttextapi/core'
import { api } from './api.js'
import { byId, h, replace } from './dom.js'
import { credits } from './format.js'
import { link, navigate } from './router.js'
import { store } from './store.js'
import { announce } from './ui/status.js'

let user: User | null = null
let currentPath = '/'

/** The current user (null until loaded or when logged out). */
export function currentUser(): User | null {
  return user
}

/** Remembers the user (after login, an update, or any answer that carries the balance). */
export function setUser(next: User | null): void {
  user = next
  if (next) store.email = next.email
  renderNav()
}

/** Updates only the balance (e.g. from an alt-text answer's `creditsRemaining`). */
export function setBalance(balance: number): void {
  if (user) setUser({ ...user, credits: balance })
}

/** Loads the user with the stored session, once per page load or when asked. */
export async function loadUser(force = false): Promise<User | null> {
  if (!store.session) return null
  if (user && !force) return user
  try {
    setUser(await api.account())
  } catch {
    // A 401 already logged out (see main.ts); other errors leave the header without a balance.
  }
  return user
}

/** Ends the session on the server (best effort) and forgets every stored credential. */
export async function logout(): Promise<void> {
  try {
    if (store.session) await api.logout()
  } catch {
    // Already ended or unreachable: forgetting it here is what matters to this browser.
  }
  store.clear()
  setUser(null)
  navigate('/login', {
    flash: 'You are logged out. This browser no longer holds your session or API key.',
    flashKind: 'success',
  })
  announce('Logged out.')
}

const APP_LINKS: [string, string][] = [
  ['/app/try', 'Try it'],
  ['/app/keys', 'API keys'],
  ['/app/usage', 'Usage'],
  ['/app/billing', 'Buy credits'],
  ['/app/account', 'Account'],
]

/** Renders the main navigation for the current state; `path` marks the current page. */
export function renderNav(path = currentPath): void {
  currentPath = path
  const nav = byId('nav')
  const current = (href: string): Record<string, string> =>
    href === path ? { 'aria-current': 'page' } : {}
  if (!store.session) {
    replace(
      nav,
      h('ul', { class: 'nav-list' }, [
        h('li', null, link('/', 'Sign up', current('/'))),
        h('li', null, link('/login', 'Log in', current('/login'))),
      ]),
    )
    return
  }
  replace(
    nav,
    h(
      'ul',
      { class: 'nav-list' },
      APP_LINKS.map(([href, text]) => h('li', null, link(href, text, current(href)))),
      h(
        'li',
        { class: 'nav-balance' },
        user ? h('span', { id: 'balance' }, 'Balance: ', credits(user.credits)) : null,
      ),
      h(
        'li',
        null,
        h(
          'button',
          { type: 'button', class: 'button-link', onclick: () => void logout() },
          'Log out',
        ),
      ),
    ),
  )
}
